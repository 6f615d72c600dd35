/**
 * The trigger's memory of the directory, and the diff between two polls. Pure: no n8n, no HTTP.
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

/** JSON-safe printable ASCII: '!' to '~' without '"' and '\\'. The space separates records. */
const ALPHABET = (() => {
	let text = '';
	for (let code = 0x21; code <= 0x7e; code++) {
		if (code !== 0x22 && code !== 0x5c) text += String.fromCharCode(code);
	}
	return text;
})();
const BASE = ALPHABET.length; // 92
const DIGIT: Record<string, number> = {};
for (let i = 0; i < BASE; i++) DIGIT[ALPHABET[i]] = i;
const SEPARATOR = ' ';

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

export const FORMAT_VERSION = 1;

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

/** What the trigger keeps in n8n's static data: JSON primitives only. */
export interface PackedState {
	/** Format version; another version means a fresh baseline. */
	v: number;
	/** Which users the state covers (credential endpoint + filter); a change means a fresh baseline. */
	scope: string;
	/** OU dictionary, space separated; index i+1 in a record means ous[i], 0 means unknown. */
	ous: string;
	/** Characters per OU index in each record. */
	ouWidth: number;
	/** One record per user, space separated. */
	users: string;
	/** Number of users, for a quick look in the database. */
	count: number;
}

// ---------------------------------------------------------------------------------------------
// Hashing

/** FNV-1a over UTF-16 code units, then murmur3's finalizer so that low bits mix well. */
export function hash32(text: string, seed = 0): number {
	let h = 0x811c9dc5 ^ seed;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}

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
// Number and ID coding

function encodeNumber(value: number, width: number): string {
	let text = '';
	for (let i = 0; i < width; i++) {
		text = ALPHABET[value % BASE] + text;
		value = Math.floor(value / BASE);
	}
	return text;
}

function decodeNumber(text: string, start: number, width: number): number {
	let value = 0;
	for (let i = start; i < start + width; i++) {
		const digit = DIGIT[text[i]];
		if (digit === undefined) throw new SnapshotFormatError(`bad character at ${i}`);
		value = value * BASE + digit;
	}
	return value;
}

/** How an ID is stored: the flags' upper two bits. */
const enum IdCoding {
	/** `user_` stripped, rest verbatim (already in the alphabet). */
	Raw = 0,
	/** `user_` stripped, base-36 rest packed 5 → 4 characters; last chunk shorter than 4. */
	Packed = 1,
	/** encodeURIComponent of the whole ID (any other shape). */
	Escaped = 2,
	/** As Packed, but the last chunk holds 4 base-36 characters (also 4 encoded characters). */
	PackedTail4 = 3,
}

const BASE36_CHUNK = 5;
const ENCODED_CHUNK = 4; // 92^4 > 36^5
/** Encoded width of a trailing chunk of n base-36 characters (n < 5): 36^n ≤ 92^n. */
const TAIL_WIDTH = [0, 1, 2, 3, 4];

function encodeId(userId: string): { coding: IdCoding; text: string } {
	if (userId.startsWith(USER_PREFIX)) {
		const rest = userId.slice(USER_PREFIX.length);
		if (/^[0-9a-z]+$/.test(rest)) {
			let text = '';
			let i = 0;
			for (; i + BASE36_CHUNK <= rest.length; i += BASE36_CHUNK) {
				text += encodeNumber(parseInt(rest.slice(i, i + BASE36_CHUNK), 36), ENCODED_CHUNK);
			}
			const tail = rest.length - i;
			if (tail > 0) text += encodeNumber(parseInt(rest.slice(i), 36), TAIL_WIDTH[tail]);
			return { coding: tail === 4 ? IdCoding.PackedTail4 : IdCoding.Packed, text };
		}
		if (/^[!#-[\]-~]+$/.test(rest)) return { coding: IdCoding.Raw, text: rest };
	}
	return { coding: IdCoding.Escaped, text: encodeURIComponent(userId) };
}

function decodeId(coding: IdCoding, text: string): string {
	if (coding === IdCoding.Raw) return USER_PREFIX + text;
	if (coding === IdCoding.Escaped) return decodeURIComponent(text);
	let rest = '';
	let i = 0;
	const tailChars = coding === IdCoding.PackedTail4 ? 4 : text.length % ENCODED_CHUNK;
	const fullChunks = (text.length - tailChars) / ENCODED_CHUNK;
	if (!Number.isInteger(fullChunks)) throw new SnapshotFormatError('bad packed ID length');
	for (let c = 0; c < fullChunks; c++, i += ENCODED_CHUNK) {
		rest += decodeNumber(text, i, ENCODED_CHUNK).toString(36).padStart(BASE36_CHUNK, '0');
	}
	if (tailChars > 0) {
		// A tail of n encoded characters holds n base-36 characters.
		rest += decodeNumber(text, i, tailChars).toString(36).padStart(tailChars, '0');
	}
	return USER_PREFIX + rest;
}

export class SnapshotFormatError extends Error {
	constructor(detail: string) {
		super(`The trigger's stored state is not readable (${detail})`);
		this.name = 'SnapshotFormatError';
	}
}

// ---------------------------------------------------------------------------------------------
// Pack and unpack

function ouWidthFor(dictionarySize: number): number {
	let width = 1;
	while (BASE ** width <= dictionarySize) width++;
	return width;
}

const FIXED_WIDTH = 1 + STAMP_WIDTH + HASH_SLOTS.length; // flags + stamp + hashes (+ OU)

export function pack(fingerprints: Iterable<Fingerprint>, scope: string): PackedState {
	const list = [...fingerprints];
	const ouIndex = new Map<string, number>();
	const ous: string[] = [];
	for (const fp of list) {
		if (fp.ou !== undefined && !ouIndex.has(fp.ou)) {
			ous.push(fp.ou);
			ouIndex.set(fp.ou, ous.length);
		}
	}
	const ouWidth = ouWidthFor(ous.length);
	const records: string[] = new Array(list.length);
	for (let r = 0; r < list.length; r++) {
		const fp = list[r];
		const id = encodeId(fp.userId);
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
	return {
		v: FORMAT_VERSION,
		scope,
		ous: ous.join(SEPARATOR),
		ouWidth,
		users: records.join(SEPARATOR),
		count: list.length,
	};
}

/** Whether static data holds a state this version can read, for this scope. */
export function isUsableState(data: unknown, scope: string): data is PackedState {
	if (data === null || typeof data !== 'object') return false;
	const state = data as Partial<PackedState>;
	return (
		state.v === FORMAT_VERSION &&
		state.scope === scope &&
		typeof state.users === 'string' &&
		typeof state.ous === 'string' &&
		typeof state.ouWidth === 'number'
	);
}

export function unpack(state: PackedState): Map<string, Fingerprint> {
	const ous = state.ous === '' ? [] : state.ous.split(SEPARATOR);
	const result = new Map<string, Fingerprint>();
	if (state.users === '') return result;
	const width = FIXED_WIDTH + state.ouWidth;
	for (const record of state.users.split(SEPARATOR)) {
		if (record.length <= width) throw new SnapshotFormatError('short record');
		const flags = DIGIT[record[0]];
		if (flags === undefined || flags > 63) throw new SnapshotFormatError('bad flags');
		let at = 1;
		const ouNumber = decodeNumber(record, at, state.ouWidth);
		at += state.ouWidth;
		if (ouNumber > ous.length) throw new SnapshotFormatError('bad OU index');
		const stamp = decodeNumber(record, at, STAMP_WIDTH);
		at += STAMP_WIDTH;
		const hashes: number[] = [];
		for (let i = 0; i < HASH_SLOTS.length; i++) hashes.push(DIGIT[record[at++]]);
		const userId = decodeId(((flags >> 4) & 3) as IdCoding, record.slice(at));
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
