/**
 * The user family's memory of the directory (the `users` section of the state, state.ts), and
 * the diff between two polls. Pure: no n8n, no HTTP.
 *
 * Budget: n8n keeps a poller's static data in the workflow row (or its cursor table), so the
 * whole directory has to fit in a few megabytes. We keep a fingerprint per user, not the record,
 * packed into one string of printable ASCII that JSON stores without escapes. At the real ID
 * shape (`user_` + 26 base-36 characters) a user costs 37-38 bytes of JSON.
 *
 * What a fingerprint holds (one record of the packed string):
 * - flags, exactly: status, passwordSet, phoneNumberVerified, emailVerified, and how the ID is stored;
 * - the primary organizational unit, exactly: an index into an OU dictionary stored once per state;
 * - a 19-bit hash of updateTime: the catch-all that notices any change IDaaS stamps, including
 *   changes of fields ListUsers does not show (custom fields, password);
 * - a 6.5-bit hash (one character) per tracked text/time field (HASH_SLOTS): enough to *name* the fields that
 *   changed. Their old values are not kept (they would not fit), so update items carry `old` only
 *   for status, the booleans and the primary OU. A changed field whose one-character hash happens
 *   to collide (1 in 92) goes unnamed; the update itself is still reported through the other
 *   fields or the updateTime hash (a miss needs both to collide: about 1 in 70 million).
 * - the user ID, compressed: 5 base-36 characters become 4 characters of our 92-character alphabet.
 */

import { ALPHABET, BASE, byId, decodeId, decodeNumber, digit, encodeId, encodeNumber, hash32, isValidId, SEPARATOR, StateFormatError, widthFor } from './codec';

const USER_PREFIX = 'user_';

/**
 * Fields named by a one-character hash (old value unknown), one slot per line. The account's
 * source identity (userExternalId, userSourceType, userSourceId) shares one slot: the Developer
 * API cannot change it (PatchUser has none of the three), only a directory sync can, so a
 * change there is reported as all three fields (whichever of them changed). Order is part of the
 * format.
 */
export const HASH_SLOTS: ReadonlyArray<readonly string[]> = [
	['username'],
	['displayName'],
	['email'],
	['phoneRegion'],
	['phoneNumber'],
	['userExternalId', 'userSourceType', 'userSourceId'],
	['accountExpireTime'],
	['lockExpireTime'],
	['description'],
];

/** Every field whose change the trigger names. */
export const HASHED_FIELDS: readonly string[] = HASH_SLOTS.flat();

/** Fields kept exactly as one bit each (old value known). Order is part of the format. */
export const BOOLEAN_FIELDS = ['passwordSet', 'phoneNumberVerified', 'emailVerified'] as const;

const STAMP_WIDTH = 3;
const STAMP_RANGE = BASE ** STAMP_WIDTH;

export type UserStatus = 'enabled' | 'disabled';

/** What the trigger remembers about one user between polls. */
export interface Fingerprint {
	userId: string;
	status: UserStatus;
	/** passwordSet, phoneNumberVerified, emailVerified, in BOOLEAN_FIELDS order. */
	booleans: boolean[];
	/** Primary OU; undefined when not known. */
	ou: string | undefined;
	/** Hash of updateTime, 0 ≤ stamp < 92³. */
	stamp: number;
	/** One hash per HASH_SLOTS entry, 0 ≤ h < 92. */
	hashes: number[];
}

/** The users section of the trigger's state (state.ts): JSON primitives only. */
export interface PackedUsers {
	/** OU dictionary, space separated; index i+1 in a record means ous[i], 0 means unknown. */
	ous: string;
	/** Characters per OU index in each record. */
	ouWidth: number;
	/** One record per user, space separated. */
	records: string;
	/** Number of users, for a quick look in the database (checked on read). */
	count: number;
}

// ---------------------------------------------------------------------------------------------
// Hashing

/** A field's value as hashed: absent, null and empty are the same ("not set"). */
function canonical(value: unknown): string {
	if (value === undefined || value === null || value === '') return '';
	if (typeof value === 'object') return `j${JSON.stringify(value)}`;
	return `${typeof value === 'number' ? 'n' : typeof value === 'boolean' ? 'b' : 's'}${String(value)}`;
}

/** One slot's hash: its fields' values in order. */
export function slotHash(slot: number, user: Record<string, unknown>): number {
	const fields = HASH_SLOTS[slot];
	const text = fields.length === 1 ? canonical(user[fields[0]]) : fields.map((f) => canonical(user[f])).join('\u0000');
	return hash32(text, Math.imul(slot + 1, 0x9e3779b1)) % BASE;
}

export function stampHash(updateTime: unknown): number {
	return hash32(canonical(updateTime), 0x7f4a7c15) % STAMP_RANGE;
}

/** A fingerprint of a user record (ListUsers summary or GetUser), with its primary OU if known. */
export function fingerprint(user: Record<string, unknown>, ou?: string): Fingerprint {
	return {
		userId: String(user.userId),
		status: user.status === 'disabled' ? 'disabled' : 'enabled',
		booleans: BOOLEAN_FIELDS.map((field) => user[field] === true || user[field] === 'true'),
		ou: ou === '' ? undefined : ou,
		stamp: stampHash(user.updateTime),
		hashes: HASH_SLOTS.map((_, slot) => slotHash(slot, user)),
	};
}

// ---------------------------------------------------------------------------------------------
// Pack and unpack

const FIXED_WIDTH = 1 + STAMP_WIDTH + HASH_SLOTS.length; // flags + stamp + hashes (+ OU)

export function packUsers(fingerprints: Iterable<Fingerprint>): PackedUsers {
	const list = [...fingerprints].sort((a, b) => byId(a.userId, b.userId));
	const ouIndex = new Map<string, number>();
	const ous: string[] = [];
	for (const fp of list) {
		if (fp.ou !== undefined && !ouIndex.has(fp.ou)) {
			ous.push(fp.ou);
			ouIndex.set(fp.ou, ous.length);
		}
	}
	const ouWidth = widthFor(ous.length);
	const records: string[] = new Array(list.length);
	for (let r = 0; r < list.length; r++) {
		const fp = list[r];
		const id = encodeId(fp.userId, USER_PREFIX);
		let flags = fp.status === 'disabled' ? 1 : 0;
		fp.booleans.forEach((on, i) => {
			if (on) flags |= 2 << i;
		});
		flags |= id.coding << 4;
		let record = ALPHABET[flags];
		record += encodeNumber(fp.ou === undefined ? 0 : (ouIndex.get(fp.ou) as number), ouWidth);
		record += encodeNumber(fp.stamp, STAMP_WIDTH);
		for (const h of fp.hashes) record += ALPHABET[h];
		records[r] = record + id.text;
	}
	return { ous: ous.join(SEPARATOR), ouWidth, records: records.join(SEPARATOR), count: list.length };
}

/** The users section's fields, with their types; the state reader checks them before unpacking. */
export const USERS_SHAPE = { ous: 'string', ouWidth: 'number', records: 'string', count: 'number' } as const;

/**
 * The fingerprints back. Throws StateFormatError on anything packUsers would not have written;
 * the caller also checks that packing the result gives the same text (unused OUs, order).
 */
export function unpackUsers(state: PackedUsers): Map<string, Fingerprint> {
	const ous = state.ous === '' ? [] : state.ous.split(SEPARATOR);
	if (!ous.every((ou) => isValidId(ou, 'ou_')) || new Set(ous).size !== ous.length) throw new StateFormatError('bad OU list');
	if (state.ouWidth !== widthFor(ous.length)) throw new StateFormatError('bad OU width');
	const result = new Map<string, Fingerprint>();
	const records = state.records === '' ? [] : state.records.split(SEPARATOR);
	if (state.count !== records.length) throw new StateFormatError('count does not match');
	const width = FIXED_WIDTH + state.ouWidth;
	for (const record of records) {
		if (record.length < width) throw new StateFormatError('short record');
		const flags = digit(record, 0);
		if (flags >= 48) throw new StateFormatError('bad flags');
		let at = 1;
		const ouNumber = decodeNumber(record, at, state.ouWidth);
		at += state.ouWidth;
		if (ouNumber > ous.length) throw new StateFormatError('bad OU index');
		const stamp = decodeNumber(record, at, STAMP_WIDTH);
		at += STAMP_WIDTH;
		const hashes: number[] = [];
		for (let i = 0; i < HASH_SLOTS.length; i++) hashes.push(digit(record, at++));
		const userId = decodeId(flags >> 4, record.slice(at), USER_PREFIX);
		if (result.has(userId)) throw new StateFormatError('user stored twice');
		result.set(userId, {
			userId,
			status: flags & 1 ? 'disabled' : 'enabled',
			booleans: BOOLEAN_FIELDS.map((_, i) => (flags & (2 << i)) !== 0),
			ou: ouNumber === 0 ? undefined : ous[ouNumber - 1],
			stamp,
			hashes,
		});
	}
	return result;
}

// ---------------------------------------------------------------------------------------------
// Diff

export type TriggerEvent = 'created' | 'updated' | 'deleted' | 'enabled' | 'disabled' | 'moved';

export const ALL_EVENTS: readonly TriggerEvent[] = ['created', 'updated', 'deleted', 'enabled', 'disabled', 'moved'];

export interface FieldChange {
	field: string;
	/** Present only when `oldKnown`. */
	old?: unknown;
	new: unknown;
	/** Whether the old value is known; the trigger keeps only hashes of text fields. */
	oldKnown: boolean;
}

export interface UserEvent {
	event: TriggerEvent;
	userId: string;
	/** The current record (ListUsers summary or GetUser), absent for deletions. */
	user?: Record<string, unknown>;
	/** What the trigger last knew, for deletions. */
	previous?: { status: UserStatus; primaryOrganizationalUnitId?: string };
	/** For `updated`: the fields that changed. */
	changes?: FieldChange[];
	/** For `moved`: the old and new primary OU (old undefined if it was not known). */
	from?: string;
	to?: string;
	/** For `enabled`/`disabled`: the status before. */
	previousStatus?: UserStatus;
}

/** One user as seen by this poll: its record and its fingerprint. */
export interface Observed {
	user: Record<string, unknown>;
	fp: Fingerprint;
}

/**
 * The fields that differ between a stored fingerprint and a fresh one. Status and primary OU
 * are not fields here: they have their own events.
 */
export function changedFields(old: Fingerprint, fresh: Fingerprint, user: Record<string, unknown>): FieldChange[] {
	const statusOrOuChanged = old.status !== fresh.status || (old.ou !== undefined && fresh.ou !== undefined && old.ou !== fresh.ou);
	const changes: FieldChange[] = [];
	BOOLEAN_FIELDS.forEach((field, i) => {
		if (old.booleans[i] !== fresh.booleans[i]) {
			changes.push({ field, old: old.booleans[i], new: fresh.booleans[i], oldKnown: true });
		}
	});
	HASH_SLOTS.forEach((fields, i) => {
		if (old.hashes[i] === fresh.hashes[i]) return;
		for (const field of fields) changes.push({ field, new: user[field], oldKnown: false });
	});
	if (changes.length === 0 && old.stamp !== fresh.stamp && !statusOrOuChanged) {
		// Something ListUsers does not show changed (custom fields, password, memberships...).
		// A new updateTime alongside a status change or a move is that change's own stamp.
		changes.push({ field: 'updateTime', new: user.updateTime, oldKnown: false });
	}
	return changes;
}

/**
 * The events between the stored state and this poll. `current` holds every user this poll
 * established as existing (listed, or confirmed with GetUser); `deleted` the stored users
 * confirmed gone (GetUser answered ResourceNotFound.User). Stored users in neither are left
 * alone by the caller (kept as they were), so nothing is invented.
 */
export function diff(
	previous: ReadonlyMap<string, Fingerprint>,
	current: ReadonlyMap<string, Observed>,
	deleted: Iterable<string>,
): UserEvent[] {
	const events: UserEvent[] = [];
	for (const [userId, seen] of current) {
		const old = previous.get(userId);
		if (!old) {
			events.push({ event: 'created', userId, user: seen.user });
			continue;
		}
		const fresh = seen.fp;
		if (old.status !== fresh.status) {
			events.push({ event: fresh.status, userId, user: seen.user, previousStatus: old.status });
		}
		if (old.ou !== undefined && fresh.ou !== undefined && old.ou !== fresh.ou) {
			events.push({ event: 'moved', userId, user: seen.user, from: old.ou, to: fresh.ou });
		}
		const changes = changedFields(old, fresh, seen.user);
		if (changes.length > 0) events.push({ event: 'updated', userId, user: seen.user, changes });
	}
	for (const userId of deleted) {
		const old = previous.get(userId);
		if (!old) continue;
		events.push({
			event: 'deleted',
			userId,
			previous: { status: old.status, ...(old.ou !== undefined ? { primaryOrganizationalUnitId: old.ou } : {}) },
		});
	}
	return events;
}

/**
 * The state after this poll: users seen now, plus stored users neither seen nor confirmed
 * deleted (kept unchanged). A fresh fingerprint without an OU keeps the stored OU.
 */
export function nextState(
	previous: ReadonlyMap<string, Fingerprint>,
	current: ReadonlyMap<string, Observed>,
	deleted: ReadonlySet<string>,
): Fingerprint[] {
	const result: Fingerprint[] = [];
	for (const [userId, seen] of current) {
		const old = previous.get(userId);
		result.push(seen.fp.ou === undefined && old?.ou !== undefined ? { ...seen.fp, ou: old.ou } : seen.fp);
	}
	for (const [userId, old] of previous) {
		if (!current.has(userId) && !deleted.has(userId)) result.push(old);
	}
	return result;
}
