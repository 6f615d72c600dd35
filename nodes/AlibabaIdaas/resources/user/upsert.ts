import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { OperationSpec, ParamSpec } from '../../catalog/types';
import type { ExecutionState } from '../../shared/execute';
import { readValues } from '../../shared/execute';
import { publicValues } from '../../shared/outputs';
import type { ExtraOperation } from '../../shared/properties';
import { operationFields } from '../../shared/properties';
import { catalogOp, findId, validateFor, valuesFor } from '../../shared/upsert';
import { isBlank } from '../../shared/validation';

/**
 * Upsert a user by external ID: the HR-sync step in one node. Looks the user up by
 * (external ID, source type, source ID); creates it when absent, else patches what differs and
 * moves it when the primary organizational unit differs. Not a catalog entry: it composes
 * GetUserIdByUserExternalId, GetUser, PatchUser, SetUserPrimaryOrganizationalUnit and CreateUser.
 */

export const upsertUserOperation: ExtraOperation = {
	name: 'Create or Update',
	value: 'upsert',
	description: 'Create a new record, or update the current one if it already exists (upsert)',
	action: 'Create or update a user',
};

const create = catalogOp('CreateUser');
const lookup = catalogOp('GetUserIdByUserExternalId');
const getUser = catalogOp('GetUser');
const patch = catalogOp('PatchUser');
const move = catalogOp('SetUserPrimaryOrganizationalUnit');

const optionalSource = (name: string): ParamSpec => {
	const param = lookup.params.find((p) => p.name === name) as ParamSpec;
	return { ...param, required: false, description: `${param.description}. Default: build_in and this instance.` };
};

/** The fields of CreateUser, with the external ID required and the lookup's source fields. */
const upsertSpec: OperationSpec = {
	...create,
	operation: 'upsert',
	params: [
		{ ...(create.params.find((p) => p.name === 'userExternalId') as ParamSpec), required: true, displayName: 'External ID', description: 'ID of the user in your source system (e.g. the HR employee ID); the user is matched on it' },
		...create.params.filter((p) => p.name !== 'userExternalId'),
		optionalSource('userSourceType'),
		optionalSource('userSourceId'),
	],
};

export const upsertUserFields: INodeProperties[] = operationFields(upsertSpec);

const SIMPLE_FIELDS = ['username', 'displayName', 'email', 'emailVerified', 'phoneRegion', 'phoneNumber', 'phoneNumberVerified'];

/** The PATCH body: only what differs from the stored user, with the flags the API pairs with it. */
function changesOf(current: IDataObject, wanted: Record<string, unknown>): Record<string, unknown> {
	const changes: Record<string, unknown> = {};
	for (const name of SIMPLE_FIELDS) {
		if (!isBlank(wanted[name]) && String(wanted[name]) !== String(current[name] ?? '')) changes[name] = wanted[name];
	}
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

export async function upsertUser(state: ExecutionState, itemIndex: number): Promise<IDataObject[]> {
	const { client } = state;
	const values = await readValues(state, upsertSpec, itemIndex);
	const source = {
		userExternalId: values.userExternalId,
		userSourceType: isBlank(values.userSourceType) ? 'build_in' : values.userSourceType,
		userSourceId: isBlank(values.userSourceId) ? client.connection.instanceId : values.userSourceId,
	};
	const createValues = valuesFor(create, values);
	// Everything is checked before the lookup, so bad input sends no request at all.
	validateFor(client, lookup, source, itemIndex);
	validateFor(client, create, createValues, itemIndex);

	const userId = await findId(client, lookup, source, itemIndex);
	if (!userId) {
		const body = await client.call(create, createValues, {
			itemIndex,
			recover: async () => {
				const id = await findId(client, lookup, source, itemIndex);
				return id ? { userId: id } : undefined;
			},
		});
		return [{ action: 'created', userId: body.userId, ...publicValues(create, createValues) }];
	}

	const current = await client.call(getUser, { userId }, { itemIndex });
	const changes = changesOf(current, values);
	if (Object.keys(changes).length > 0) await client.call(patch, { userId, ...changes }, { itemIndex });
	const result: IDataObject = {
		action: 'updated',
		userId,
		userExternalId: values.userExternalId as string,
		changedFields: Object.keys(changes),
		...publicValues(patch, { userId, ...changes }),
	};
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
