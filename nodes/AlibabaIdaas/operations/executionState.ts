import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorJson } from '../output/items';
import { IdaasClient } from '../request/client';
import { NodeParameters } from '../request/parameters';
import type { ItemContext } from '../request/read';
import { CREDENTIAL_TYPE } from '../transport/context';
import { mapWithConcurrency } from '../transport/concurrency';
import { CONCURRENCY_CAP } from '../transport/pacing';

/** What one execution shares across its items: one client, and the credential read at most once. */
export class ExecutionState implements ItemContext {
	private oauthClient?: Promise<Record<'clientId' | 'clientSecret', string>>;

	readonly parameters: NodeParameters;

	constructor(
		readonly ctx: IExecuteFunctions,
		readonly client: IdaasClient,
		/** How many items, and pages of one Get Many, may be under way at once (the client's limiter bounds their requests). */
		readonly concurrency = 1,
	) {
		this.parameters = new NodeParameters(ctx);
	}

	/**
	 * One client for the whole run: the credential is read once, the token is shared by all items,
	 * and its limiter bounds the requests in flight, from items and list pages alike. Items and pages
	 * may run ahead as far as the bound could ever go; the limiter holds them.
	 */
	static async start(ctx: IExecuteFunctions): Promise<ExecutionState> {
		const fixed = (ctx.getNodeParameter('options', 0, {}) as IDataObject).concurrency;
		const concurrency = fixed === undefined ? 'auto' : Number(fixed);
		if (
			concurrency !== 'auto' &&
			(!Number.isInteger(concurrency) || concurrency < 1 || concurrency > CONCURRENCY_CAP)
		) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Concurrency must be a whole number from 1 to ${CONCURRENCY_CAP}, got ${String(fixed)}`,
			);
		}
		const width = concurrency === 'auto' ? CONCURRENCY_CAP : concurrency;
		return new ExecutionState(ctx, await IdaasClient.connect(ctx, {}, concurrency), width);
	}

	/** The operation picked: Resource and Operation take no expressions, so the first item's are every item's. */
	get picked(): { resource: string; operation: string } {
		return {
			resource: this.ctx.getNodeParameter('resource', 0) as string,
			operation: this.ctx.getNodeParameter('operation', 0) as string,
		};
	}

	async clientCredentials(): Promise<Record<'clientId' | 'clientSecret', string>> {
		this.oauthClient ??= this.ctx.getCredentials(CREDENTIAL_TYPE).then((data) => ({
			clientId: String(data.clientId ?? '').trim(),
			clientSecret: String(data.clientSecret ?? ''),
		}));
		return await this.oauthClient;
	}
}

/**
 * An operation that handles each input item on its own, run over all of them: as many at once as
 * the execution allows, output in input order, each paired with its item. A failed item stops the
 * run, or with Continue On Fail becomes an error item while the others go on.
 */
export function perItem(
	run: (state: ExecutionState, itemIndex: number) => Promise<IDataObject[]>,
): (state: ExecutionState) => Promise<INodeExecutionData[]> {
	return async (state) => {
		const { ctx } = state;
		const outputs = await mapWithConcurrency(
			ctx.getInputData().length,
			state.concurrency,
			async (i) => {
				let data: IDataObject[] = [];
				let failure: unknown;
				try {
					data = await run(state, i);
				} catch (error) {
					failure = error;
				}
				if (failure === undefined) {
					return ctx.helpers.constructExecutionMetaData(ctx.helpers.returnJsonArray(data), {
						itemData: { item: i },
					});
				}
				if (ctx.continueOnFail()) return [{ json: errorJson(failure), pairedItem: { item: i } }];
				if (failure instanceof NodeApiError || failure instanceof NodeOperationError) throw failure;
				throw new NodeOperationError(ctx.getNode(), failure as Error, { itemIndex: i });
			},
		);
		return outputs.flat();
	};
}
