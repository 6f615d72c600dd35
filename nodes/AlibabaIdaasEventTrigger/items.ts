import type { IDataObject } from 'n8n-workflow';

import {
	shapedValue,
	simpleGroup,
	simpleOrganizationalUnit,
	simpleUser,
} from '../AlibabaIdaas/output/shapes';
import { isoTime } from '../AlibabaIdaas/output/time';
import type { EventType } from './eventTypes';
import type { RawEvent } from './payload';

/**
 * One output item per event. Records keep the names IDaaS sent unless simplified; simplifying
 * reads both the V1.0 names of Alibaba's 2022 samples and the SDK v1.1.0 names (which set IDaaS
 * sends today is not documented) into the Developer API's names, and gives the user, unit and
 * group shapes the other two nodes give (AlibabaIdaas/output/shapes.ts).
 */

export interface ItemContext {
	applicationId: string;
	instanceId: string;
	simplify: boolean;
	includePasswords: boolean;
}

/** The V1.0 name (Alibaba's 2022 samples) of a field the shapes give under its Developer API name. */
const V1_NAMES: Record<'user' | 'organizationalUnit' | 'group', Record<string, string>> = {
	user: {
		phoneNumberVerified: 'phoneVerified',
		userExternalId: 'externalId',
		userSourceType: 'sourceType',
		userSourceId: 'sourceId',
		updateTime: 'lastUpdatedTime',
		organizationalUnits: 'userOrganizationalUnits',
	},
	organizationalUnit: {
		organizationalUnitName: 'name',
		organizationalUnitExternalId: 'externalId',
		organizationalUnitSourceType: 'sourceType',
		updateTime: 'lastUpdatedTime',
	},
	group: { updateTime: 'lastUpdatedTime' },
};

/** Times under V1.0 names that no shape has: kept under their name, as ISO. */
const V1_TIME_FIELDS: ReadonlySet<string> = new Set(['lastUpdatedTime', 'registerTime']);

const blank = (value: unknown) => value === undefined || value === '';

/** The record under the Developer API's names: a V1.0 name fills in where that name is absent or blank. */
function developerApiNames(record: IDataObject, names: Record<string, string>): IDataObject {
	const out = { ...record };
	for (const [name, v1] of Object.entries(names))
		if (blank(out[name]) && !blank(record[v1])) out[name] = record[v1];
	return out;
}

function compact(record: Record<string, unknown>): IDataObject {
	return Object.fromEntries(
		Object.entries(record).filter(([, v]) => v !== undefined),
	) as IDataObject;
}

/** Thrown for a record whose shape the simplified item cannot be read from; the event is answered failed. */
export class RecordShapeError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RecordShapeError';
	}
}

/** The user's organizational units must be a list of objects, or absent; anything else is not what IDaaS documents. */
function checkOrganizationalUnits(record: IDataObject): void {
	const name =
		record.userOrganizationalUnits !== undefined
			? 'userOrganizationalUnits'
			: 'organizationalUnits';
	const ous = record[name];
	if (ous === undefined || ous === null || ous === '') return;
	if (
		!Array.isArray(ous) ||
		!ous.every((ou) => ou !== null && typeof ou === 'object' && !Array.isArray(ou))
	) {
		throw new RecordShapeError(`The user record's ${name} is not a list of organizational units`);
	}
}

function simpleRecord(record: IDataObject, object: EventType['object']): IDataObject {
	if (object === 'user') {
		checkOrganizationalUnits(record);
		return simpleUser(developerApiNames(record, V1_NAMES.user));
	}
	if (object === 'organizationalUnit') {
		const ou = simpleOrganizationalUnit(developerApiNames(record, V1_NAMES.organizationalUnit));
		// A membership event's unit record names the user it concerns.
		if (record.userId !== undefined) ou.userId = record.userId;
		return ou;
	}
	// Group records (and those of objects IDaaS may add) are not documented: every field as sent,
	// times as ISO, under the group shape's names where a V1.0 name stands for one.
	const all: IDataObject = {};
	for (const [field, value] of Object.entries(record))
		all[field] = (
			V1_TIME_FIELDS.has(field) ? isoTime(value) : shapedValue(field, value)
		) as IDataObject[string];
	return object === 'group'
		? { ...all, ...simpleGroup(developerApiNames(record, V1_NAMES.group)) }
		: all;
}

export function toItem(event: RawEvent, type: EventType, ctx: ItemContext): IDataObject {
	const record = { ...event.bizData } as IDataObject;
	// Password sync puts the plaintext password in the record; it leaves only on request.
	const hadPassword = record.password !== undefined;
	if (hadPassword && !ctx.includePasswords) delete record.password;
	let data = record;
	if (ctx.simplify) {
		data = simpleRecord(record, type.object);
		if (hadPassword && ctx.includePasswords) data.password = record.password;
	}
	return compact({
		event: type.key,
		eventName: type.name,
		eventType: event.eventType,
		eventId: event.eventId,
		eventTime: isoTime(event.eventTime),
		objectType: type.object,
		objectId: event.bizId,
		fullPush: type.kind === 'fullPush' || undefined,
		test: type.kind === 'test' || undefined,
		instanceId: ctx.instanceId,
		applicationId: ctx.applicationId,
		data,
		passwordWithheld: hadPassword && !ctx.includePasswords ? true : undefined,
	});
}
