import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { OperationSpec, ParamSpec, Resource } from '../catalog';
import { composedToolText } from '../description/toolText';
import { publicValues } from '../output/items';
import type { IdaasClient } from '../request/client';
import { isBlank } from '../request/build';
import type { ExecutionState } from './execution';
import { perItem } from './execution';
import type { NodeOperation } from './operation';

/**
 * The steps the user and the OU upsert (by external ID) share, and the registry entry they both
 * make: composed of several catalog calls, one item at a time.
 */

/**
 * The registry entry of an upsert: its picker entry in n8n's standard wording for it ("Create or
 * Update"), and one shared sentence in the README.
 */
export function upsertOperation(
	resource: Resource,
	noun: string,
	fields: readonly INodeProperties[],
	run: (state: ExecutionState, itemIndex: number) => Promise<IDataObject[]>,
): NodeOperation {
	const option = {
		name: 'Create or Update',
		value: 'upsert',
		description: 'Create a new record, or update the current one if it already exists (upsert)',
		action: `Create or update ${noun}`,
	};
	return {
		resource,
		option,
		fields,
		toolText: composedToolText(option.action),
		readme: {
			sentence:
				'finds the record by its external ID (a user also by username or email), then creates it or updates what differs, in one step',
		},
		run: perItem(run),
	};
}

/** A parameter of a catalog operation, to reuse (and adjust) in a composed operation's fields. */
export function catalogParam(op: OperationSpec, name: string): ParamSpec {
	return op.params.find((p) => p.name === name) as ParamSpec;
}

/** The values of `values` that `op` takes. */
function valuesFor(op: OperationSpec, values: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const param of op.params)
		if (!isBlank(values[param.name])) out[param.name] = values[param.name];
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

/**
 * The object found or made by the first half of an upsert, with `wanted`: the user's values as
 * checked for the create (secrets left out), which every output item echoes.
 */
export type UpsertMatch = { wanted: IDataObject } & (
	| { created: IDataObject }
	| { id: string; current: IDataObject }
);

/**
 * The first half of an upsert: looks the object up by (external ID, source type, source ID), or
 * by `key`, and creates it when absent, else reads it. The source defaults to build_in and this
 * instance, as IDaaS's own lookup does for objects created without a source.
 */
export async function createOrGet(
	client: IdaasClient,
	target: UpsertTarget,
	values: Record<string, unknown>,
	itemIndex: number,
	/** Another look-up to match on (a user's username or email); the external ID when absent. */
	key?: { lookup: OperationSpec; values: Record<string, unknown> },
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
	const find = key
		? client.prepare(key.lookup, key.values, itemIndex)
		: client.prepare(lookup, source, itemIndex);
	const createRequest = client.prepare(create, valuesFor(create, values), itemIndex);
	const wanted = publicValues(createRequest);

	const findId = async () => await client.findId(find, { itemIndex });
	const id = await findId();
	if (!id) {
		const body = await client.send(createRequest, {
			itemIndex,
			// A create whose response was lost may still have happened: look before creating twice.
			recover: () => async () => {
				const found = await findId();
				return found ? { [idKey]: found } : undefined;
			},
		});
		return { wanted, created: body };
	}
	return { wanted, id, current: await client.call(get, { [idKey]: id }, { itemIndex }) };
}

/** The names among `names` whose wanted value is given and differs from the stored one. */
export function differingFields(
	current: IDataObject,
	wanted: Record<string, unknown>,
	names: string[],
): Record<string, unknown> {
	const changes: Record<string, unknown> = {};
	for (const name of names) {
		if (!isBlank(wanted[name]) && String(wanted[name]) !== String(current[name] ?? ''))
			changes[name] = wanted[name];
	}
	return changes;
}

/** What an upsert did: `created`, `updated`, or `unchanged` when nothing differed and nothing was sent. */
export type UpsertAction = 'created' | 'updated' | 'unchanged';

/**
 * The output item of an upsert, one shape whatever happened: the action, the object's ID, the
 * fields this run set (all of them for a create), their values before (for an update), and the
 * values the user asked for.
 */
export function upsertItem(
	target: UpsertTarget,
	match: UpsertMatch,
	changes: { changedFields: string[]; previous: IDataObject },
): IDataObject {
	const idKey = `${target.prefix}Id`;
	const created = 'created' in match;
	const action: UpsertAction = created
		? 'created'
		: changes.changedFields.length > 0
			? 'updated'
			: 'unchanged';
	return {
		action,
		[idKey]: (created ? match.created[idKey] : match.id) as string,
		changedFields: created ? Object.keys(match.wanted) : changes.changedFields,
		previous: created ? {} : changes.previous,
		...match.wanted,
	};
}

/**
 * The second half for an object that exists: patches what differs (nothing is sent when nothing
 * does) and says which fields changed and what they were.
 */
export async function patchChanges(
	client: IdaasClient,
	target: UpsertTarget,
	match: { id: string; current: IDataObject },
	changes: Record<string, unknown>,
	itemIndex: number,
): Promise<{ changedFields: string[]; previous: IDataObject }> {
	const idKey = `${target.prefix}Id`;
	const patch = client.prepare(target.patch, { [idKey]: match.id, ...changes }, itemIndex);
	const changedFields = Object.keys(publicValues(patch)).filter((name) => name !== idKey);
	if (changedFields.length > 0) await client.send(patch, { itemIndex });
	const previous: IDataObject = {};
	for (const name of changedFields)
		if (match.current[name] !== undefined) previous[name] = match.current[name];
	return { changedFields, previous };
}
