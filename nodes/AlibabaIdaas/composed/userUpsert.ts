import type { IDataObject } from 'n8n-workflow';

import type { OperationSpec, ParamSpec } from '../catalog';
import { catalogOp } from '../catalog';
import { operationFields } from '../description/properties';
import type { ExecutionState } from '../execute';
import { readValues } from '../request/read';
import type { ComposedOperation, UpsertTarget } from './upsert';
import { catalogParam, createOrGet, differingFields, patchChanges, upsertOption } from './upsert';

/**
 * Upsert a user by external ID: the HR-sync step in one node. Looks the user up by
 * (external ID, source type, source ID); creates it when absent, else patches what differs and
 * moves it when the primary organizational unit differs. Not a catalog entry: it composes
 * GetUserIdByUserExternalId, GetUser, PatchUser, SetUserPrimaryOrganizationalUnit and CreateUser.
 */

const target: UpsertTarget = {
	prefix: 'user',
	create: catalogOp('CreateUser'),
	lookup: catalogOp('GetUserIdByUserExternalId'),
	get: catalogOp('GetUser'),
	patch: catalogOp('PatchUser'),
};
const { create, lookup } = target;
const move = catalogOp('SetUserPrimaryOrganizationalUnit');

const optionalSource = (name: string): ParamSpec => {
	const param = catalogParam(lookup, name);
	return { ...param, required: false, description: `${param.description}. Default: build_in and this instance.` };
};

/** The fields of CreateUser, with the external ID required and the lookup's source fields. */
const upsertSpec: OperationSpec = {
	...create,
	operation: 'upsert',
	params: [
		{ ...catalogParam(create, 'userExternalId'), required: true, displayName: 'External ID', description: 'ID of the user in your source system (e.g. the HR employee ID); the user is matched on it' },
		...create.params.filter((p) => p.name !== 'userExternalId'),
		optionalSource('userSourceType'),
		optionalSource('userSourceId'),
	],
};

const SIMPLE_FIELDS = ['username', 'displayName', 'email', 'emailVerified', 'phoneRegion', 'phoneNumber', 'phoneNumberVerified'];

/** The PATCH body: only what differs from the stored user, with the flags the API pairs with it. */
function changesOf(current: IDataObject, wanted: Record<string, unknown>): Record<string, unknown> {
	const changes = differingFields(current, wanted, SIMPLE_FIELDS);
	if ('email' in changes) changes.emailVerified = wanted.emailVerified ?? true;
	if ('phoneNumber' in changes || 'phoneRegion' in changes) {
		Object.assign(changes, {
			phoneRegion: wanted.phoneRegion,
			phoneNumber: wanted.phoneNumber,
			phoneNumberVerified: wanted.phoneNumberVerified ?? true,
		});
	}
	const stored = new Map(
		(Array.isArray(current.customFields) ? (current.customFields as IDataObject[]) : []).map((f) => [String(f.fieldName), String(f.fieldValue ?? '')]),
	);
	const custom = (Array.isArray(wanted.customFields) ? (wanted.customFields as IDataObject[]) : [])
		.filter((f) => stored.get(String(f.fieldName)) !== String(f.fieldValue ?? ''))
		.map((f) => ({ ...f, operation: 'replace' }));
	if (custom.length > 0) changes.customFields = custom;
	return changes;
}

async function upsertUser(state: ExecutionState, itemIndex: number): Promise<IDataObject[]> {
	const { client } = state;
	const values = await readValues(state, upsertSpec, itemIndex);
	const match = await createOrGet(client, target, values, itemIndex);
	if ('created' in match) return [match.created];

	const { id: userId, current } = match;
	const result = await patchChanges(client, target, userId, values, changesOf(current, values), itemIndex);
	const from = current.primaryOrganizationalUnitId;
	const to = values.primaryOrganizationalUnitId;
	if (typeof to === 'string' && to !== from) {
		await client.call(move, { userId, organizationalUnitId: to }, { itemIndex });
		(result.changedFields as string[]).push('primaryOrganizationalUnitId');
		result.previousPrimaryOrganizationalUnitId = from as string;
	}
	result.primaryOrganizationalUnitId = (to ?? from) as string;
	return [result];
}

export const userUpsert: ComposedOperation = {
	resource: 'user',
	option: upsertOption('a user'),
	fields: operationFields(upsertSpec),
	run: upsertUser,
};
