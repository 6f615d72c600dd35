import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { FollowUpCalls, OperationSpec } from '../catalog';
import { NAMES_VERSION, OperationOutcomeError, catalogOp } from '../catalog';
import { apiOperationFields } from '../description/properties';
import { toolText } from '../description/toolText';
import { recordItem, responseItem } from '../output/items';
import { namedRecords, namedWriteItems } from '../output/names';
import type { IdaasClient } from '../request/client';
import { directoryNames } from '../request/directoryNames';
import type { ItemRequest } from '../request/read';
import { readRequest } from '../request/read';
import type { PreparedRequest } from '../request/build';
import type { CallOptions } from '../transport/client';
import { clock } from '../transport/pacing';
import type { ExecutionState } from './executionState';
import { perItem } from './executionState';
import type { NodeOperation } from './operation';

/**
 * The registry entry of one catalog operation, and its run: the generic request path every
 * catalog operation takes, for each item, in one direction. The node's fields are read and checked
 * into a request (request/read.ts), the client sends it (transport/client.ts), and the answer is
 * shaped into output items (output/items.ts). What an operation does beyond that is its catalog
 * entry's `hooks`.
 */

export function apiOperation(op: OperationSpec): NodeOperation {
	return {
		resource: op.resource,
		option: {
			name: op.displayName,
			value: op.operation,
			description: op.description,
			action: op.panelText,
		},
		fields: apiOperationFields(op),
		toolText: toolText(op),
		api: op,
		run: perItem(async (state, itemIndex) => await executeOperation(state, op, itemIndex)),
	};
}

async function executeOperation(
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
