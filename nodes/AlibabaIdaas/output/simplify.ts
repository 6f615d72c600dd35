import type { IDataObject } from 'n8n-workflow';

/**
 * Compact output shapes. The API returns every field it has (instance IDs, source types,
 * verification flags, epoch-millisecond times); a workflow mostly needs who, where and state.
 * Fields absent from the record stay absent (list endpoints return less than the get endpoints),
 * and times become ISO strings so that n8n's date handling and spreadsheets read them.
 */

export type Subject = 'user' | 'organizationalUnit' | 'group';

/**
 * The largest time a JavaScript Date holds, in ms either side of 1970 (ECMA-262 §21.4.1.22,
 * https://tc39.es/ecma262/#sec-time-values-and-time-range). Beyond it toISOString throws a
 * RangeError; Java services write Long.MAX_VALUE (9223372036854775807) for "never".
 */
export const MAX_TIME_MS = 8.64e15;

/**
 * The one time format of simplified output: ISO 8601 in UTC. The API sends epoch milliseconds (a
 * number, or digits as text); a time already written as a date is normalised to the same form.
 * Undefined when the value is no time a Date can hold.
 */
export function isoTime(value: unknown): string | undefined {
	const ms = typeof value === 'string' ? (/^\d+$/.test(value) ? Number(value) : Date.parse(value)) : value;
	if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0 || ms > MAX_TIME_MS) return undefined;
	return new Date(ms).toISOString();
}

function pick(record: IDataObject, keys: readonly string[]): IDataObject {
	const out: IDataObject = {};
	for (const key of keys) {
		const value = record[key];
		if (value !== undefined && value !== null && value !== '') out[key] = value;
	}
	return out;
}

function withTimes(out: IDataObject, record: IDataObject): IDataObject {
	for (const key of ['createTime', 'updateTime'] as const) {
		const time = isoTime(record[key]);
		if (time) out[key] = time;
		// Beyond the date range ("never" as Long.MAX_VALUE): as sent, rather than dropped.
		else if (Number(record[key]) > MAX_TIME_MS) out[key] = record[key];
	}
	return out;
}

function ids(list: unknown, key: string): string[] | undefined {
	if (!Array.isArray(list)) return undefined;
	return list.map((entry) => (entry as IDataObject)?.[key]).filter((id): id is string => typeof id === 'string');
}

export function simplifyUser(user: IDataObject): IDataObject {
	const out = pick(user, [
		'userId',
		'username',
		'displayName',
		'email',
		'phoneRegion',
		'phoneNumber',
		'status',
		'userExternalId',
		'primaryOrganizationalUnitId',
	]);
	// GetUser lists memberships as objects; IDs are what the next node needs.
	const ous = ids(user.organizationalUnits, 'organizationalUnitId');
	if (ous) out.organizationalUnitIds = ous;
	const groups = ids(user.groups, 'groupId');
	if (groups) out.groupIds = groups;
	return withTimes(out, user);
}

export function simplifyOrganizationalUnit(ou: IDataObject): IDataObject {
	return withTimes(
		pick(ou, ['organizationalUnitId', 'organizationalUnitName', 'parentId', 'organizationalUnitExternalId', 'description']),
		ou,
	);
}

/** Where a group record comes without its name (ListGroupsForUser gives only IDs), the item says how to get it. */
export const GROUP_NAME_NOTE = 'IDaaS lists a user\'s groups without their names: Group → Get with this groupId returns the name';

export function simplifyGroup(group: IDataObject): IDataObject {
	const out = withTimes(pick(group, ['groupId', 'groupName', 'groupExternalId', 'description']), group);
	if (out.groupId !== undefined && out.groupName === undefined) out.groupNameNote = GROUP_NAME_NOTE;
	return out;
}

const SIMPLIFIERS: Record<Subject, (record: IDataObject) => IDataObject> = {
	user: simplifyUser,
	organizationalUnit: simplifyOrganizationalUnit,
	group: simplifyGroup,
};

export function simplify(subject: Subject, record: IDataObject): IDataObject {
	return SIMPLIFIERS[subject](record);
}
