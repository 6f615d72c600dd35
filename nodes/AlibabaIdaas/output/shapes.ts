import type { IDataObject } from 'n8n-workflow';

import { isoTime } from './time';

/**
 * The simplified user, organizational unit and group: one shape each, the same in the IDaaS node's
 * simplified output, the IDaaS Trigger's items and the Event Trigger's items, under the Developer
 * API's field names (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-getuser).
 * The API returns every field it has (instance IDs, internal flags); a workflow mostly needs who,
 * where and state.
 *
 * A field the record has is kept as it was sent, blank or null included; a field it does not have
 * stays absent (list endpoints return less than the get endpoints, and an event carries what
 * changed). Times go through isoTime (time.ts).
 */

/** What every record of the three has: its description and when it was created and last changed. */
const RECORD_FIELDS = ['description', 'createTime', 'updateTime'] as const;

export const USER_FIELDS = [
	'userId',
	'username',
	'displayName',
	'email',
	'emailVerified',
	'phoneRegion',
	'phoneNumber',
	'phoneNumberVerified',
	'status',
	'userExternalId',
	'userSourceType',
	'userSourceId',
	'primaryOrganizationalUnitId',
	'passwordSet',
	...RECORD_FIELDS,
	'accountExpireTime',
	'lockExpireTime',
] as const;

export const ORGANIZATIONAL_UNIT_FIELDS = [
	'organizationalUnitId',
	'organizationalUnitName',
	'parentId',
	'organizationalUnitExternalId',
	'organizationalUnitSourceType',
	...RECORD_FIELDS,
] as const;

export const GROUP_FIELDS = ['groupId', 'groupName', 'groupExternalId', ...RECORD_FIELDS] as const;

/** The fields of the three shapes that hold epoch-millisecond times. */
export const TIME_FIELDS: ReadonlySet<string> = new Set([
	'createTime',
	'updateTime',
	'accountExpireTime',
	'lockExpireTime',
]);

/** A field's value as the shapes give it: a time as ISO 8601, anything else as sent. */
export function shapedValue(field: string, value: unknown): unknown {
	return TIME_FIELDS.has(field) ? isoTime(value) : value;
}

function shaped(record: IDataObject, fields: readonly string[]): IDataObject {
	const out: IDataObject = {};
	for (const field of fields) {
		if (record[field] !== undefined)
			out[field] = shapedValue(field, record[field]) as IDataObject[string];
	}
	return out;
}

/** The IDs of a membership list (GetUser's organizationalUnits and groups are lists of objects). */
function ids(list: unknown, key: string): string[] | undefined {
	if (!Array.isArray(list)) return undefined;
	return list
		.map((entry) => (entry as IDataObject)?.[key])
		.filter((id): id is string => typeof id === 'string');
}

export function simpleUser(user: IDataObject): IDataObject {
	const out = shaped(user, USER_FIELDS);
	// Memberships as IDs, which is what the next node takes.
	const ous = ids(user.organizationalUnits, 'organizationalUnitId');
	if (ous) out.organizationalUnitIds = ous;
	const groups = ids(user.groups, 'groupId');
	if (groups) out.groupIds = groups;
	// A record that marks its primary unit in the list instead of naming it (IDaaS's events do).
	if (out.primaryOrganizationalUnitId === undefined && Array.isArray(user.organizationalUnits)) {
		const primary = (user.organizationalUnits as IDataObject[]).find((ou) => ou?.primary === true);
		if (typeof primary?.organizationalUnitId === 'string')
			out.primaryOrganizationalUnitId = primary.organizationalUnitId;
	}
	return out;
}

export function simpleOrganizationalUnit(ou: IDataObject): IDataObject {
	return shaped(ou, ORGANIZATIONAL_UNIT_FIELDS);
}

export function simpleGroup(group: IDataObject): IDataObject {
	return shaped(group, GROUP_FIELDS);
}
