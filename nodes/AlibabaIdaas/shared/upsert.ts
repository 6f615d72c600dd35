import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getOperationByAction } from '../catalog';
import type { OperationSpec, ParamSpec } from '../catalog/types';
import { publicValues } from './outputs';
import type { ExtraOperation } from './properties';
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

/** The picker entry of a composed upsert, in n8n's standard wording for it ("Create or Update"). */
export function upsertOperation(noun: string): ExtraOperation {
	return {
		name: 'Create or Update',
		value: 'upsert',
		description: 'Create a new record, or update the current one if it already exists (upsert)',
		action: `Create or update ${noun}`,
	};
}

/** A parameter of a catalog operation, to reuse (and adjust) in a composed operation's fields. */
export function catalogParam(op: OperationSpec, name: string): ParamSpec {
	return op.params.find((p) => p.name === name) as ParamSpec;
}

/**
 * What the user and the OU upsert differ in for the steps they share: the operations, and the
 * prefix the API names the object's keys with (`userId`, `userExternalId`, `userSourceType`,
 * `userSourceId`; the same with `organizationalUnit`).
 */
export interface UpsertTarget {
	prefix: 'user' | 'organizationalUnit';
	create: OperationSpec;
	lookup: OperationSpec;
	get: OperationSpec;
	patch: OperationSpec;
}

/** A created object's output item, or the existing object for the caller to compare against. */
export type UpsertMatch = { created: IDataObject } | { id: string; current: IDataObject };

/**
 * The first half of an upsert by external ID: looks the object up by (external ID, source type,
 * source ID) and creates it when absent, else reads it. The source defaults to build_in and this
 * instance, as IDaaS's own lookup does for objects created without a source.
 */
export async function createOrGet(
	client: IdaasClient,
	target: UpsertTarget,
	values: Record<string, unknown>,
	itemIndex: number,
): Promise<UpsertMatch> {
	const { prefix, create, lookup, get } = target;
	const idKey = `${prefix}Id`;
	const sourceType = values[`${prefix}SourceType`];
	const sourceId = values[`${prefix}SourceId`];
	const source = {
		[`${prefix}ExternalId`]: values[`${prefix}ExternalId`],
		[`${prefix}SourceType`]: isBlank(sourceType) ? 'build_in' : sourceType,
		[`${prefix}SourceId`]: isBlank(sourceId) ? client.connection.instanceId : sourceId,
	};
	const createValues = valuesFor(create, values);
	// Everything is checked before the lookup, so bad input sends no request at all.
	validateFor(client, lookup, source, itemIndex);
	validateFor(client, create, createValues, itemIndex);

	const id = await findId(client, lookup, source, itemIndex);
	if (!id) {
		const body = await client.call(create, createValues, {
			itemIndex,
			// A create whose response was lost may still have happened: look before creating twice.
			recover: async () => {
				const found = await findId(client, lookup, source, itemIndex);
				return found ? { [idKey]: found } : undefined;
			},
		});
		return { created: { action: 'created', [idKey]: body[idKey], ...publicValues(create, createValues) } };
	}
	return { id, current: await client.call(get, { [idKey]: id }, { itemIndex }) };
}

/** The names among `names` whose wanted value is given and differs from the stored one. */
export function differingFields(current: IDataObject, wanted: Record<string, unknown>, names: string[]): Record<string, unknown> {
	const changes: Record<string, unknown> = {};
	for (const name of names) {
		if (!isBlank(wanted[name]) && String(wanted[name]) !== String(current[name] ?? '')) changes[name] = wanted[name];
	}
	return changes;
}

/**
 * The second half: patches what differs (nothing is sent when nothing does) and returns the
 * "updated" output item for the caller to complete.
 */
export async function patchChanges(
	client: IdaasClient,
	target: UpsertTarget,
	id: string,
	values: Record<string, unknown>,
	changes: Record<string, unknown>,
	itemIndex: number,
): Promise<IDataObject> {
	const idKey = `${target.prefix}Id`;
	const externalIdKey = `${target.prefix}ExternalId`;
	if (Object.keys(changes).length > 0) await client.call(target.patch, { [idKey]: id, ...changes }, { itemIndex });
	return {
		action: 'updated',
		[idKey]: id,
		[externalIdKey]: values[externalIdKey] as string,
		changedFields: Object.keys(changes),
		...publicValues(target.patch, { [idKey]: id, ...changes }),
	};
}
