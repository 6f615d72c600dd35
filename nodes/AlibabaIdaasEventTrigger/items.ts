import type { IDataObject } from 'n8n-workflow';

import { MAX_TIME_MS } from '../AlibabaIdaas/output/simplify';
import type { EventType } from './eventTypes';
import type { RawEvent } from './payload';

/**
 * One output item per event. Records keep the names IDaaS sent unless simplified; simplifying
 * reads both the V1.0 names of Alibaba's 2022 samples and the SDK v1.1.0 names (which set IDaaS
 * sends today is not documented) into the Developer API's names, with times as ISO strings.
 */

export interface ItemContext {
	applicationId: string;
	instanceId: string;
	simplify: boolean;
	includePasswords: boolean;
}

const TIME_FIELDS = ['createTime', 'updateTime', 'lastUpdatedTime', 'registerTime', 'accountExpireTime', 'lockExpireTime'];

/**
 * Epoch ms (number or numeric string) as ISO; -1 ("never") and blanks as null; a number beyond
 * what a Date holds (Long.MAX_VALUE for "never") as sent.
 */
export function isoTime(value: unknown): string | number | null {
	const ms = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return null;
	if (ms > MAX_TIME_MS) return typeof value === 'number' ? value : String(value);
	return new Date(ms).toISOString();
}

function pick(record: IDataObject, ...names: string[]): unknown {
	for (const name of names) if (record[name] !== undefined && record[name] !== '') return record[name];
	return undefined;
}

function compact(record: Record<string, unknown>): IDataObject {
	return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as IDataObject;
}

/** Thrown for a record whose shape the simplified item cannot be read from; the event is answered failed. */
export class RecordShapeError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RecordShapeError';
	}
}

/** The user's organizational units: a list of objects, or absent; anything else is not what IDaaS documents. */
function organizationalUnits(u: IDataObject): IDataObject[] {
	const name = u.userOrganizationalUnits !== undefined ? 'userOrganizationalUnits' : 'organizationalUnits';
	const ous = pick(u, name);
	if (ous === undefined || ous === null) return [];
	if (!Array.isArray(ous) || !ous.every((ou) => ou !== null && typeof ou === 'object' && !Array.isArray(ou))) {
		throw new RecordShapeError(`The user record's ${name} is not a list of organizational units`);
	}
	return ous as IDataObject[];
}

function simpleUser(u: IDataObject): IDataObject {
	const ous = organizationalUnits(u);
	const primary = ous.find((ou) => ou.primary === true);
	return compact({
		userId: u.userId,
		username: u.username,
		displayName: u.displayName,
		email: u.email,
		emailVerified: u.emailVerified,
		phoneRegion: u.phoneRegion,
		phoneNumber: u.phoneNumber,
		phoneNumberVerified: pick(u, 'phoneNumberVerified', 'phoneVerified'),
		status: u.status,
		userExternalId: pick(u, 'userExternalId', 'externalId'),
		userSourceType: pick(u, 'userSourceType', 'sourceType'),
		userSourceId: pick(u, 'userSourceId', 'sourceId'),
		primaryOrganizationalUnitId: pick(u, 'primaryOrganizationalUnitId') ?? primary?.organizationalUnitId,
		organizationalUnitIds: ous.length ? ous.map((ou) => ou.organizationalUnitId) : undefined,
		passwordSet: u.passwordSet,
		description: u.description,
		createTime: u.createTime !== undefined ? isoTime(u.createTime) : undefined,
		updateTime: pick(u, 'updateTime', 'lastUpdatedTime') !== undefined ? isoTime(pick(u, 'updateTime', 'lastUpdatedTime')) : undefined,
		accountExpireTime: u.accountExpireTime !== undefined ? isoTime(u.accountExpireTime) : undefined,
		lockExpireTime: u.lockExpireTime !== undefined ? isoTime(u.lockExpireTime) : undefined,
	});
}

function simpleOu(o: IDataObject): IDataObject {
	return compact({
		organizationalUnitId: o.organizationalUnitId,
		organizationalUnitName: pick(o, 'organizationalUnitName', 'name'),
		parentId: o.parentId,
		organizationalUnitExternalId: pick(o, 'organizationalUnitExternalId', 'externalId'),
		organizationalUnitSourceType: pick(o, 'organizationalUnitSourceType', 'sourceType'),
		description: o.description,
		createTime: o.createTime !== undefined ? isoTime(o.createTime) : undefined,
		updateTime: pick(o, 'updateTime', 'lastUpdatedTime') !== undefined ? isoTime(pick(o, 'updateTime', 'lastUpdatedTime')) : undefined,
		userId: o.userId,
	});
}

/** Group records are not documented: every field is kept, times become ISO. */
function simpleOther(r: IDataObject): IDataObject {
	const out: IDataObject = { ...r };
	for (const field of TIME_FIELDS) if (out[field] !== undefined) out[field] = isoTime(out[field]);
	return out;
}

export function toItem(event: RawEvent, type: EventType, ctx: ItemContext): IDataObject {
	const record = { ...event.bizData } as IDataObject;
	// Password sync puts the plaintext password in the record; it leaves only on request.
	const hadPassword = record.password !== undefined;
	if (hadPassword && !ctx.includePasswords) delete record.password;
	let data = record;
	if (ctx.simplify) {
		data = type.object === 'user' ? simpleUser(record) : type.object === 'organizationalUnit' ? simpleOu(record) : simpleOther(record);
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
