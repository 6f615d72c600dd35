/**
 * The user family's memory of the directory: the `users` section of the state (../state.ts), and
 * the same in memory while a poll runs. Pure: no n8n, no HTTP.
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

import {
	ALPHABET,
	BASE,
	decodeId,
	decodeNumber,
	digit,
	encodeIdCodes,
	hashEnd,
	hashStart,
	hashText,
	IdCoding,
	isValidId,
	SEPARATOR,
	StateFormatError,
	widthFor,
} from '../shared/codec';

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

/**
 * Hashes a field's value as its canonical text, without building that text: absent, null and
 * empty are the same ("not set", no characters); otherwise a type letter (j, n, b or s), then
 * the value (objects as JSON).
 */
function hashValue(h: number, value: unknown): number {
	if (value === undefined || value === null || value === '') return h;
	if (typeof value === 'object') return hashText(hashText(h, 'j'), JSON.stringify(value));
	const type = typeof value === 'number' ? 'n' : typeof value === 'boolean' ? 'b' : 's';
	return hashText(hashText(h, type), typeof value === 'string' ? value : String(value));
}

/** One slot's hash: its fields' canonical texts in order, joined by U+0000. */
export function slotHash(slot: number, user: Record<string, unknown>): number {
	const fields = HASH_SLOTS[slot];
	let h = hashStart(Math.imul(slot + 1, 0x9e3779b1));
	for (let i = 0; i < fields.length; i++)
		h = hashValue(i === 0 ? h : hashText(h, '\u0000'), user[fields[i]]);
	return hashEnd(h) % BASE;
}

export function stampHash(updateTime: unknown): number {
	return hashEnd(hashValue(hashStart(0x7f4a7c15), updateTime)) % STAMP_RANGE;
}

/**
 * In memory, between reading the state and writing it, a user is one short string, its mark: the
 * flags character (status, then BOOLEAN_FIELDS from bit 1), the stamp (STAMP_WIDTH characters),
 * one character per hash slot, then the primary OU's number in the table's OU list (as few
 * characters as it takes; none for "not known"). Equal marks in one table are equal
 * fingerprints, so a poll compares each listed user with what it stored by one string
 * comparison, and never holds more than a mark for a user that did not change.
 */
const MARK_FIXED = 1 + STAMP_WIDTH + HASH_SLOTS.length;

const CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));

/**
 * A mark from its digits, as one flat string: built piece by piece with `+`, a mark would be a
 * rope of a dozen small strings, ten times its size, for each of 100,000 users.
 */
function markOf(digits: number[]): string {
	for (let i = 0; i < digits.length; i++) digits[i] = CODES[digits[i]];
	return String.fromCharCode(...digits);
}

/** Appends `value` in `width` digits (most significant first). */
function pushNumber(digits: number[], value: number, width: number): void {
	for (let i = width - 1; i >= 0; i--) digits.push(Math.floor(value / BASE ** i) % BASE);
}

/** Appends an OU number: no digit for 0 ("not known"), else base 92 without leading zeros. */
function pushOu(digits: number[], n: number): void {
	const start = digits.length;
	for (; n > 0; n = Math.floor(n / BASE)) digits.splice(start, 0, n % BASE);
}

/** Whether a mark holds an OU (its OU number is not 0, "not known"). */
export function hasOu(mark: string): boolean {
	return mark.length > MARK_FIXED;
}

function ouNumberOf(mark: string): number {
	return mark.length === MARK_FIXED ? 0 : decodeNumber(mark, MARK_FIXED, mark.length - MARK_FIXED);
}

/** The mark of a user record (ListUsers summary or GetUser) whose primary OU has number `ouNumber` (0: not known). */
export function userMark(user: Record<string, unknown>, ouNumber: number): string {
	let flags = user.status === 'disabled' ? 1 : 0;
	for (let i = 0; i < BOOLEAN_FIELDS.length; i++) {
		const value = user[BOOLEAN_FIELDS[i]];
		if (value === true || value === 'true') flags |= 2 << i;
	}
	// Into one array kept for the purpose: a poll makes a mark for every listed user, while n8n
	// holds the pages in flight, and the less each mark leaves behind, the fewer of those pages
	// are still alive when the young generation is collected (and moved to the old one).
	const digits = MARK_DIGITS;
	digits.length = 0;
	digits.push(flags);
	pushNumber(digits, stampHash(user.updateTime), STAMP_WIDTH);
	for (let slot = 0; slot < HASH_SLOTS.length; slot++) digits.push(slotHash(slot, user));
	pushOu(digits, ouNumber);
	return markOf(digits);
}

const MARK_DIGITS: number[] = [];

/** `mark` with the OU of `other` (a mark of the same table). */
export function withOuOf(mark: string, other: string): string {
	const digits: number[] = [];
	for (let i = 0; i < MARK_FIXED; i++) digits.push(digit(mark, i));
	for (let i = MARK_FIXED; i < other.length; i++) digits.push(digit(other, i));
	return markOf(digits);
}

/**
 * The users as one poll knows them: a mark per user, and the OU list the marks number into.
 * Tables made with `sharing` number OUs alike, so their marks compare.
 */
export class UserTable {
	readonly marks = new Map<string, string>();

	private readonly ous: string[];

	private readonly ouNumbers: Map<string, number>;

	/** The table this one shares OU numbers with: a poll's stored users, read in ID order. */
	readonly sharing?: UserTable;

	constructor(sharing?: UserTable) {
		this.ous = sharing ? sharing.ous : [];
		this.ouNumbers = sharing ? sharing.ouNumbers : new Map();
		this.sharing = sharing;
	}

	get size(): number {
		return this.marks.size;
	}

	/** The number of an OU (0 for none), given one the first time it is asked for. */
	ouNumber(ou: string | undefined): number {
		if (ou === undefined || ou === '') return 0;
		let n = this.ouNumbers.get(ou);
		if (n === undefined) {
			n = this.ous.push(ou);
			this.ouNumbers.set(ou, n);
		}
		return n;
	}

	ouOf(mark: string): string | undefined {
		const n = ouNumberOf(mark);
		return n === 0 ? undefined : this.ous[n - 1];
	}

	set(fp: Fingerprint): this {
		let flags = fp.status === 'disabled' ? 1 : 0;
		fp.booleans.forEach((on, i) => {
			if (on) flags |= 2 << i;
		});
		const digits = [flags];
		pushNumber(digits, fp.stamp, STAMP_WIDTH);
		digits.push(...fp.hashes);
		pushOu(digits, this.ouNumber(fp.ou));
		this.marks.set(fp.userId, markOf(digits));
		return this;
	}

	get(userId: string): Fingerprint | undefined {
		const mark = this.marks.get(userId);
		if (mark === undefined) return undefined;
		const flags = digit(mark, 0);
		const hashes: number[] = [];
		for (let i = 1 + STAMP_WIDTH; i < MARK_FIXED; i++) hashes.push(digit(mark, i));
		return {
			userId,
			status: flags & 1 ? 'disabled' : 'enabled',
			booleans: BOOLEAN_FIELDS.map((_, i) => (flags & (2 << i)) !== 0),
			ou: this.ouOf(mark),
			stamp: decodeNumber(mark, 1, STAMP_WIDTH),
			hashes,
		};
	}
}

/** A table of these fingerprints. */
export function tableOf(fingerprints: Iterable<Fingerprint>): UserTable {
	const table = new UserTable();
	for (const fp of fingerprints) table.set(fp);
	return table;
}

/** A fingerprint of a user record (ListUsers summary or GetUser), with its primary OU if known. */
export function fingerprint(user: Record<string, unknown>, ou?: string): Fingerprint {
	const table = new UserTable();
	const userId = String(user.userId);
	table.marks.set(userId, userMark(user, table.ouNumber(ou)));
	return table.get(userId) as Fingerprint;
}

// ---------------------------------------------------------------------------------------------
// Pack and unpack

export function packUsers(table: UserTable): PackedUsers {
	// By ID (comparing UTF-16 code units, as byId does), so that the same directory always packs
	// to the same text.
	const ids = idOrder(table);
	// The packed OU list: in order of first use, numbered from 1.
	const packedOu = new Map<number, number>();
	const ous: string[] = [];
	const marks = ids.map((id) => table.marks.get(id) as string);
	const ouOfUser = new Int32Array(ids.length);
	marks.forEach((mark, i) => {
		const n = ouNumberOf(mark);
		let packed = n === 0 ? 0 : packedOu.get(n);
		if (packed === undefined) {
			packed = packedOu.size + 1;
			packedOu.set(n, packed);
			ous.push(table.ouOf(mark) as string);
		}
		ouOfUser[i] = packed;
	});
	const ouWidth = widthFor(ous.length);
	// Joined a thousand at a time: 100,000 small strings held until the end would outgrow the text.
	const chunks: string[] = [];
	const records: string[] = [];
	const codes: number[] = [];
	for (let i = 0; i < ids.length; i++) {
		// A record from its character codes, as one flat string: flags, OU, the mark's stamp and
		// hashes, the packed ID.
		const mark = marks[i];
		codes.length = 1;
		pushNumber(codes, ouOfUser[i], ouWidth);
		for (let at = 1; at < MARK_FIXED; at++) codes.push(digit(mark, at));
		for (let at = 1; at < codes.length; at++) codes[at] = CODES[codes[at]];
		const coding = encodeIdCodes(ids[i], USER_PREFIX, codes);
		codes[0] = CODES[digit(mark, 0) | (coding << 4)];
		records.push(
			coding === IdCoding.Raw
				? String.fromCharCode(...codes) + ids[i].slice(USER_PREFIX.length)
				: String.fromCharCode(...codes),
		);
		if (records.length === PACK_CHUNK || i === ids.length - 1) {
			chunks.push(records.join(SEPARATOR));
			records.length = 0;
		}
	}
	return { ous: ous.join(SEPARATOR), ouWidth, records: chunks.join(SEPARATOR), count: ids.length };
}

const PACK_CHUNK = 1000;

/**
 * The table's user IDs in ID order. A poll's table shares OU numbers with the stored one, which
 * was read in ID order: its IDs are taken in that order and the few new ones merged in, which
 * spares sorting 100,000 IDs in walk order. Whatever the order found, it is checked, and sorted
 * when it is not ID order.
 */
function idOrder(table: UserTable): string[] {
	const base = table.sharing;
	let ids: string[];
	if (base && base.size > 0) {
		const fresh = [...table.marks.keys()].filter((id) => !base.marks.has(id)).sort();
		ids = [];
		let f = 0;
		for (const id of base.marks.keys()) {
			for (; f < fresh.length && fresh[f] < id; f++) ids.push(fresh[f]);
			if (table.marks.has(id)) ids.push(id);
		}
		for (; f < fresh.length; f++) ids.push(fresh[f]);
	} else {
		ids = [...table.marks.keys()];
	}
	for (let i = 1; i < ids.length; i++) if (!(ids[i - 1] < ids[i])) return ids.sort();
	return ids;
}

/** The users section's fields, with their types; the state reader checks them before unpacking. */
export const USERS_SHAPE = {
	ous: 'string',
	ouWidth: 'number',
	records: 'string',
	count: 'number',
} as const;

/**
 * The users back, as marks numbering OUs as the packed OU list does. Throws StateFormatError on
 * anything packUsers would not have written: users out of ID order or stored twice, OUs listed
 * out of their order of first use or never used, and what the codec refuses.
 */
export function unpackUsers(state: PackedUsers): UserTable {
	const ous = state.ous === '' ? [] : state.ous.split(SEPARATOR);
	if (!ous.every((ou) => isValidId(ou, 'ou_')) || new Set(ous).size !== ous.length)
		throw new StateFormatError('bad OU list');
	if (state.ouWidth !== widthFor(ous.length)) throw new StateFormatError('bad OU width');
	const table = new UserTable();
	for (const ou of ous) table.ouNumber(ou);
	// Each OU number's characters at the end of a mark, worked out once.
	const ouDigits: number[][] = [[]];
	for (let n = 1; n <= ous.length; n++) {
		const digits: number[] = [];
		pushOu(digits, n);
		ouDigits.push(digits);
	}
	const { records } = state;
	const width = MARK_FIXED + state.ouWidth;
	let last = '';
	let ousUsed = 0;
	// Record by record in the one text, without cutting it into 100,000 strings at once.
	for (let start = 0, end = 0; records !== '' && end < records.length; start = end + 1) {
		end = records.indexOf(SEPARATOR, start);
		if (end === -1) end = records.length;
		if (end - start < width) throw new StateFormatError('short record');
		const flags = digit(records, start);
		if (flags >= 48) throw new StateFormatError('bad flags');
		const ouNumber = decodeNumber(records, start + 1, state.ouWidth);
		if (ouNumber > ousUsed + 1 || ouNumber > ous.length) throw new StateFormatError('bad OU index');
		if (ouNumber > ousUsed) ousUsed = ouNumber;
		const digits = [flags & 15];
		// The stamp and hash characters: any character of the alphabet is a value.
		for (let i = start + 1 + state.ouWidth; i < start + width; i++) digits.push(digit(records, i));
		digits.push(...ouDigits[ouNumber]);
		const userId = decodeId(flags >> 4, records.slice(start + width, end), USER_PREFIX);
		if (userId <= last) throw new StateFormatError('users out of order or stored twice');
		last = userId;
		table.marks.set(userId, markOf(digits));
	}
	if (state.count !== table.size) throw new StateFormatError('count does not match');
	if (ousUsed !== ous.length) throw new StateFormatError('an OU no user has');
	return table;
}
