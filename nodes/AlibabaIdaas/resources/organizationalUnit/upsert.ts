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
 * Upsert an organizational unit by external ID: GetOrganizationalUnitIdByExternalId, then
 * PatchOrganizationalUnit with what differs (name, description) or CreateOrganizationalUnit.
 * The API has no way to move a unit, so a different parent is reported, not applied.
 */

export const upsertOrganizationalUnitOperation: ExtraOperation = {
	name: 'Create or Update',
	value: 'upsert',
	description: 'Create a new record, or update the current one if it already exists (upsert)',
	action: 'Create or update an organizational unit',
};

const create = catalogOp('CreateOrganizationalUnit');
const lookup = catalogOp('GetOrganizationalUnitIdByExternalId');
const getOu = catalogOp('GetOrganizationalUnit');
const patch = catalogOp('PatchOrganizationalUnit');

const param = (op: OperationSpec, name: string): ParamSpec => op.params.find((p) => p.name === name) as ParamSpec;

const upsertSpec: OperationSpec = {
	...create,
	operation: 'upsert',
	params: [
		{ ...param(create, 'organizationalUnitExternalId'), required: true, description: 'ID of the unit in your source system; the unit is matched on it' },
		param(create, 'organizationalUnitName'),
		{ ...param(create, 'parentId'), required: true, description: 'Parent of a new unit (an existing unit is not moved)' },
		param(create, 'description'),
		{ ...param(lookup, 'organizationalUnitSourceType'), required: false, description: 'Where the unit comes from. Default: build_in.' },
		{ ...param(lookup, 'organizationalUnitSourceId'), required: false, description: 'Source ID. Default: this instance.' },
	],
};

export const upsertOrganizationalUnitFields: INodeProperties[] = operationFields(upsertSpec);

export async function upsertOrganizationalUnit(state: ExecutionState, itemIndex: number): Promise<IDataObject[]> {
	const { client } = state;
	const values = await readValues(state, upsertSpec, itemIndex);
	const source = {
		organizationalUnitExternalId: values.organizationalUnitExternalId,
		organizationalUnitSourceType: isBlank(values.organizationalUnitSourceType) ? 'build_in' : values.organizationalUnitSourceType,
		organizationalUnitSourceId: isBlank(values.organizationalUnitSourceId) ? client.connection.instanceId : values.organizationalUnitSourceId,
	};
	const createValues = valuesFor(create, values);
	validateFor(client, lookup, source, itemIndex);
	validateFor(client, create, createValues, itemIndex);

	const organizationalUnitId = await findId(client, lookup, source, itemIndex);
	if (!organizationalUnitId) {
		const body = await client.call(create, createValues, {
			itemIndex,
			recover: async () => {
				const id = await findId(client, lookup, source, itemIndex);
				return id ? { organizationalUnitId: id } : undefined;
			},
		});
		return [{ action: 'created', organizationalUnitId: body.organizationalUnitId, ...publicValues(create, createValues) }];
	}

	const current = await client.call(getOu, { organizationalUnitId }, { itemIndex });
	const changes: Record<string, unknown> = {};
	for (const name of ['organizationalUnitName', 'description']) {
		if (!isBlank(values[name]) && String(values[name]) !== String(current[name] ?? '')) changes[name] = values[name];
	}
	if (Object.keys(changes).length > 0) await client.call(patch, { organizationalUnitId, ...changes }, { itemIndex });
	const result: IDataObject = {
		action: 'updated',
		organizationalUnitId,
		organizationalUnitExternalId: values.organizationalUnitExternalId as string,
		changedFields: Object.keys(changes),
		...publicValues(patch, { organizationalUnitId, ...changes }),
		parentId: current.parentId as string,
	};
	if (typeof current.parentId === 'string' && values.parentId !== current.parentId) {
		result.warning = `The unit stays under ${current.parentId}: the IDaaS API cannot move an organizational unit to ${String(values.parentId)}`;
	}
	return [result];
}
