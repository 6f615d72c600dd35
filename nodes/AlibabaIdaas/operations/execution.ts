import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { FollowUpCalls, OperationSpec } from '../catalog';
import { NAMES_VERSION, OperationOutcomeError, catalogOp } from '../catalog';
import { errorJson, recordItem, responseItem } from '../output/items';
import { namedRecords, namedWriteItems } from '../output/names';
import type { PreparedRequest } from '../request/build';
import { IdaasClient } from '../request/client';
import { directoryNames } from '../request/directoryNames';
import type { ItemContext, ItemRequest } from '../request/read';
import { NodeParameters, readRequest } from '../request/read';
import type { CallOptions } from '../transport/client';
import { mapWithConcurrency } from '../transport/concurrency';
import { CREDENTIAL_TYPE } from '../transport/context';
import { CONCURRENCY_CAP, clock } from '../transport/pacing';

/**
 * One execution of the node: what its items share (one client, the credential read at most once),
 * the loop that runs an operation over the items, and the request path of the catalog operations.
 */

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

/**
 * The generic request path every catalog operation takes, for one item, in one direction: the
 * node's fields are read and checked into a request (request/read.ts), the client sends it
 * (transport/client.ts), and the answer is shaped into output items (output/items.ts). What an
 * operation does beyond that is its catalog entry's `hooks`.
 */
export async function runApiOperation(
	state: ExecutionState,
	op: OperationSpec,
	itemIndex: number,
): Promise<IDataObject[]> {
	const { client } = state;
	const request = await readRequest(state, op, itemIndex);
	// Names are read from node version 1.2 on: a workflow saved by an earlier version sends the requests it sent.
	const names = client.node.typeVersion >= NAMES_VERSION ? op.hooks?.names : undefined;
	if (op.response === 'list') {
		const records = await client.list(request, {
			itemIndex,
			limit: request.limit,
			readAhead: state.concurrency,
		});
		const named = names ? await namedRecords(names, records, directoryNames(client)) : records;
		return named.map((record) => recordItem(request, record));
	}
	const followUp = op.hooks?.followUp;
	const options: Record<string, unknown> = {};
	for (const field of followUp?.fields ?? [])
		options[field.name] = state.parameters.get(field.name, itemIndex, field.default);
	const problem = followUp?.check(options);
	if (problem) throw new NodeOperationError(client.node, problem, { itemIndex });
	let body: IDataObject;
	try {
		body = await client.send(request, {
			itemIndex,
			recover: recoveryOf(client, request, itemIndex),
		});
	} catch (error) {
		throw await explained(client, op, request.values, error, itemIndex);
	}
	if (followUp)
		body = await followUpWith(
			client,
			request,
			itemIndex,
			async (calls) => await followUp.run(body, options, calls),
		);
	const item = responseItem(request, body);
	if (!names) return [item];
	const input = state.ctx.getInputData()[itemIndex]?.json ?? {};
	return await namedWriteItems(names, item, {
		names: directoryNames(client),
		input,
		itemPerUser: true,
	});
}

/** An API error with what the operation's explainFailure hook adds; the error as it was when the hook has nothing (or fails). */
async function explained(
	client: IdaasClient,
	op: OperationSpec,
	values: Record<string, unknown>,
	error: unknown,
	itemIndex: number,
): Promise<unknown> {
	const explain = op.hooks?.explainFailure;
	const code =
		error instanceof NodeApiError
			? (error.errorResponse as IDataObject | undefined)?.code
			: undefined;
	if (!explain || typeof code !== 'string') return error;
	const more = await explain(code, values, client.lookups(itemIndex)).catch(() => undefined);
	if (!more) return error;
	const apiError = error as NodeApiError;
	apiError.message = `${apiError.message}: ${more.message}`;
	apiError.description = [more.description, apiError.description].filter(Boolean).join(' ');
	return apiError;
}

/** Runs a follow-up with the item's client and token; an outcome IDaaS reported becomes a NodeApiError with its code. */
async function followUpWith(
	client: IdaasClient,
	request: ItemRequest,
	itemIndex: number,
	run: (calls: FollowUpCalls) => Promise<IDataObject>,
): Promise<IDataObject> {
	const bearer = request.http.headers?.Authorization?.replace(/^Bearer /, '');
	const token = { tokenSource: request.tokenSource, bearer };
	const calls: FollowUpCalls = {
		again: async () => await client.send(request, { itemIndex }),
		call: async (apiName, values) =>
			await client.send(client.prepare(catalogOp(apiName), values, itemIndex, token), {
				itemIndex,
			}),
		now: () => clock.now(),
		wait: async (ms) => await clock.wait(ms),
	};
	let failure: unknown;
	try {
		return await run(calls);
	} catch (error) {
		failure = error;
	}
	if (failure instanceof OperationOutcomeError) {
		throw new NodeApiError(
			client.node,
			{ code: failure.code, message: failure.message },
			{
				message: `${failure.message} [${failure.code}]`,
				description: failure.description,
				itemIndex,
			},
		);
	}
	throw failure;
}

/**
 * A create's recovery (its catalog hook), made only if its answer is lost: the look-ups and the
 * hook cost nothing while the create is answered. The time it was sent is taken now, before it is.
 */
export function recoveryOf(
	client: IdaasClient,
	request: PreparedRequest,
	itemIndex: number,
): CallOptions['recover'] {
	const hook = request.op.hooks?.recover;
	if (!hook) return undefined;
	const sentAt = Date.now();
	return () => hook(request.values, client.lookups(itemIndex), sentAt);
}
