import type { IDataObject } from 'n8n-workflow';

/**
 * Compact output shapes. The API returns every field it has (instance IDs, source types,
 * verification flags, epoch-millisecond times); a workflow mostly needs who, where and state.
 * Fields absent from the record stay absent (list endpoints return less than the get endpoints),
 * and times become ISO strings so that n8n's date handling and spreadsheets read them.
 */

export type Subject = 'user' | 'organizationalUnit' | 'group';

function isoTime(value: unknown): string | undefined {
	const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
	if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return undefined;
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

export function simplifyGroup(group: IDataObject): IDataObject {
	return withTimes(pick(group, ['groupId', 'groupName', 'groupExternalId', 'description']), group);
}

const SIMPLIFIERS: Record<Subject, (record: IDataObject) => IDataObject> = {
	user: simplifyUser,
	organizationalUnit: simplifyOrganizationalUnit,
	group: simplifyGroup,
};

export function simplify(subject: Subject, record: IDataObject): IDataObject {
	return SIMPLIFIERS[subject](record);
}
