import type { IDataObject } from 'n8n-workflow';

import type { OperationSpec } from '../catalog';
import { catalogOp } from '../catalog';
import { operationFields } from '../description/properties';
import type { ExecutionState } from './execution';
import { readValues } from '../request/read';
import type { UpsertTarget } from './upsert';
import {
	catalogParam,
	createOrGet,
	differingFields,
	patchChanges,
	upsertItem,
	upsertOperation,
} from './upsert';

/**
 * Upsert an organizational unit by external ID: GetOrganizationalUnitIdByExternalId, then
 * PatchOrganizationalUnit with what differs (name, description) or CreateOrganizationalUnit.
 * The API has no way to move a unit, so a different parent is reported, not applied.
 */

const target: UpsertTarget = {
	prefix: 'organizationalUnit',
	create: catalogOp('CreateOrganizationalUnit'),
	lookup: catalogOp('GetOrganizationalUnitIdByExternalId'),
	get: catalogOp('GetOrganizationalUnit'),
	patch: catalogOp('PatchOrganizationalUnit'),
};
const { create, lookup } = target;

const upsertSpec: OperationSpec = {
	...create,
	operation: 'upsert',
	params: [
		{
			...catalogParam(create, 'organizationalUnitExternalId'),
			required: true,
			description: 'ID of the unit in your source system; the unit is matched on it',
		},
		catalogParam(create, 'organizationalUnitName'),
		{
			...catalogParam(create, 'parentId'),
			required: true,
			description: 'Parent of a new unit (an existing unit is not moved)',
		},
		catalogParam(create, 'description'),
		{
			...catalogParam(lookup, 'organizationalUnitSourceType'),
			required: false,
			description: 'Where the unit comes from. Default: build_in.',
		},
		{
			...catalogParam(lookup, 'organizationalUnitSourceId'),
			required: false,
			description: 'Source ID. Default: this instance.',
		},
	],
};

async function upsertOrganizationalUnit(
	state: ExecutionState,
	itemIndex: number,
): Promise<IDataObject[]> {
	const { client } = state;
	const values = await readValues(state, upsertSpec, itemIndex);
	const match = await createOrGet(client, target, values, itemIndex);
	if ('created' in match) return [upsertItem(target, match, { changedFields: [], previous: {} })];

	const { current } = match;
	const changes = differingFields(current, values, ['organizationalUnitName', 'description']);
	const result = upsertItem(
		target,
		match,
		await patchChanges(client, target, match, changes, itemIndex),
	);
	if (typeof current.parentId === 'string' && values.parentId !== current.parentId) {
		// The item tells where the unit really is.
		result.parentId = current.parentId;
		result.warning = `The unit stays under ${current.parentId}: the IDaaS API cannot move an organizational unit to ${String(values.parentId)}`;
	}
	return [result];
}

export const organizationalUnitUpsert = upsertOperation(
	'organizationalUnit',
	'an organizational unit',
	operationFields(upsertSpec),
	upsertOrganizationalUnit,
);
