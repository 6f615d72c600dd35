import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getOperationByAction } from '../catalog';
import type { OperationSpec } from '../catalog/types';
import type { IdaasClient } from './transport';
import { ParameterError, isBlank, normalizeValues } from './validation';

/**
 * Pieces shared by the upserts (user and OU by external ID) and by create recovery: an ID lookup
 * that answers "not there" instead of failing.
 */

/** Whether a NodeApiError from the transport says the looked-up object does not exist. */
export function isNotFound(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const code = (error.errorResponse as IDataObject | undefined)?.code;
	// Lookups answer 400 ResourceNotFound.UserId (documented), gets 404 ResourceNotFound.User.
	return typeof code === 'string' && code.startsWith('ResourceNotFound');
}

/** Runs an ID lookup; undefined when no object matches. */
export async function findId(
	client: IdaasClient,
	op: OperationSpec,
	values: Record<string, unknown>,
	itemIndex: number,
): Promise<string | undefined> {
	let body: IDataObject = {};
	let failure: unknown;
	try {
		body = await client.call(op, values, { itemIndex });
	} catch (error) {
		failure = error;
	}
	if (failure !== undefined) {
		if (isNotFound(failure)) return undefined;
		throw failure;
	}
	const id = body[op.responseKey ?? ''];
	return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Checks values against an operation's catalog rules without sending anything, so a composed
 * operation fails on bad input before its first request (the lookup).
 */
export function validateFor(client: IdaasClient, op: OperationSpec, values: Record<string, unknown>, itemIndex: number): void {
	let failure: unknown;
	try {
		normalizeValues(op.params, values);
	} catch (error) {
		failure = error;
	}
	if (failure instanceof ParameterError) {
		throw new NodeOperationError(client.node, failure.message, { itemIndex, description: `Check the "${failure.field}" field.` });
	}
	if (failure !== undefined) throw new NodeOperationError(client.node, failure as Error, { itemIndex });
}

/** The values of `values` that `op` takes. */
export function valuesFor(op: OperationSpec, values: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const param of op.params) if (!isBlank(values[param.name])) out[param.name] = values[param.name];
	return out;
}

/** The operation a composed one is built from; a missing entry is a catalog bug. */
export function catalogOp(action: string): OperationSpec {
	const op = getOperationByAction(action);
	if (!op) throw new Error(`Catalog error: ${action} is missing`);
	return op;
}
