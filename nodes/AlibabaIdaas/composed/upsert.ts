import type { IDataObject } from 'n8n-workflow';

import type { OperationSpec, ParamSpec, Resource } from '../catalog';
import type { ExtraOperation } from '../description/properties';
import type { ExecutionState } from '../execute';
import { publicValues } from '../output/items';
import type { IdaasClient } from '../transport/client';
import { isBlank } from '../request/validation';

/**
 * Operations composed of several catalog calls, and the steps the user and the OU upsert (by
 * external ID) share. They are not catalog entries: the catalog is the API, these are recipes
 * over it.
 */

export interface ComposedOperation extends ExtraOperation {
	resource: Resource;
	run(state: ExecutionState, itemIndex: number): Promise<IDataObject[]>;
}

/** The picker entry of a composed upsert, in n8n's standard wording for it ("Create or Update"). */
export function upsertOption(noun: string): ComposedOperation['option'] {
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

/** The values of `values` that `op` takes. */
function valuesFor(op: OperationSpec, values: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const param of op.params) if (!isBlank(values[param.name])) out[param.name] = values[param.name];
	return out;
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
	// Everything is checked before the look-up, so bad input sends no request at all.
	const find = client.prepare(lookup, source, itemIndex);
	const createRequest = client.prepare(create, valuesFor(create, values), itemIndex);

	const findId = async () => await client.findId(find, { itemIndex });
	const id = await findId();
	if (!id) {
		const body = await client.send(createRequest, {
			itemIndex,
			// A create whose response was lost may still have happened: look before creating twice.
			recover: async () => {
				const found = await findId();
				return found ? { [idKey]: found } : undefined;
			},
		});
		return { created: { action: 'created', [idKey]: body[idKey], ...publicValues(createRequest) } };
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
	const patch = client.prepare(target.patch, { [idKey]: id, ...changes }, itemIndex);
	if (Object.keys(changes).length > 0) await client.send(patch, { itemIndex });
	return {
		action: 'updated',
		[idKey]: id,
		[externalIdKey]: values[externalIdKey] as string,
		changedFields: Object.keys(changes),
		...publicValues(patch),
	};
}
