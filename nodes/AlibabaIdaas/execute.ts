import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { FollowUpCalls, Lookups, OperationSpec } from './catalog';
import { OperationOutcomeError, catalogOp } from './catalog';
import { recordItem, responseItem } from './output/items';
import { NodeParameters } from './request/parameters';
import type { ItemContext, ItemRequest } from './request/read';
import { readRequest } from './request/read';
import type { IdaasClient } from './transport/client';
import { clock } from './transport/clock';
import { CREDENTIAL_TYPE } from './transport/context';

/**
 * One catalog operation for one item, in one direction: the node's fields are read and checked
 * into a request (request/read.ts), the client sends it (transport/client.ts), and the answer is
 * shaped into output items (output/items.ts). What an operation does beyond that is its catalog
 * entry's `hooks`.
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

	async clientCredentials(): Promise<Record<'clientId' | 'clientSecret', string>> {
		this.oauthClient ??= this.ctx.getCredentials(CREDENTIAL_TYPE).then((data) => ({
			clientId: String(data.clientId ?? '').trim(),
			clientSecret: String(data.clientSecret ?? ''),
		}));
		return await this.oauthClient;
	}
}

/** The requests a hook may make, sent by this execution's client on behalf of the item. */
export function lookupsFor(client: IdaasClient, itemIndex: number): Lookups {
	return {
		instanceId: client.connection.instanceId,
		findId: async (apiName, values) => await client.findId(client.prepare(catalogOp(apiName), values, itemIndex), { itemIndex }),
		get: async (apiName, values) => await client.call(catalogOp(apiName), values, { itemIndex }),
		list: async (apiName, values) => await client.list(client.prepare(catalogOp(apiName), values, itemIndex), { itemIndex }),
	};
}

export async function executeOperation(state: ExecutionState, op: OperationSpec, itemIndex: number): Promise<IDataObject[]> {
	const { client } = state;
	const request = await readRequest(state, op, itemIndex);
	if (op.response === 'list') {
		const records = await client.list(request, { itemIndex, limit: request.limit, readAhead: state.concurrency });
		return records.map((record) => recordItem(request, record));
	}
	const followUp = op.hooks?.followUp;
	const options: Record<string, unknown> = {};
	for (const field of followUp?.fields ?? []) options[field.name] = state.parameters.get(field.name, itemIndex, field.default);
	const problem = followUp?.check(options);
	if (problem) throw new NodeOperationError(client.node, problem, { itemIndex });
	const recover = op.hooks?.recover?.(request.values, lookupsFor(client, itemIndex));
	let body = await client.send(request, { itemIndex, recover });
	if (followUp) body = await followUpWith(client, request, itemIndex, async (calls) => await followUp.run(body, options, calls));
	return [responseItem(request, body)];
}

/** Runs a follow-up with the item's client and token; an outcome IDaaS reported becomes a NodeApiError with its code. */
async function followUpWith(client: IdaasClient, request: ItemRequest, itemIndex: number, run: (calls: FollowUpCalls) => Promise<IDataObject>): Promise<IDataObject> {
	const bearer = request.http.headers?.Authorization?.replace(/^Bearer /, '');
	const token = { tokenSource: request.tokenSource, bearer };
	const calls: FollowUpCalls = {
		again: async () => await client.send(request, { itemIndex }),
		call: async (apiName, values) => await client.send(client.prepare(catalogOp(apiName), values, itemIndex, token), { itemIndex }),
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
			{ message: `${failure.message} [${failure.code}]`, description: failure.description, itemIndex },
		);
	}
	throw failure;
}
