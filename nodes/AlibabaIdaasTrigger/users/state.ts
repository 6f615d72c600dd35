/**
 * What the user family remembers of a user: the fingerprint, the mark a poll compares, and their
 * characters in the `users` section of the state (../state.ts; stored.ts reads that section,
 * table.ts writes it). Pure: no n8n, no HTTP.
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

import { BASE, CODE, decodeNumber, digit, hashEnd, hashStart, hashText } from '../shared/codec';

export const USER_PREFIX = 'user_';

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

export const STAMP_WIDTH = 3;
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

/**
 * How a mark reads one user record: userMark reads a parsed record, the page scanner (scan.ts) a
 * record's bytes. Both go through markFrom, so the mark's layout, seeds and widths are written once.
 */
export interface MarkReader {
	/** Whether the status is 'disabled'. */
	disabled(): boolean;
	/** Whether BOOLEAN_FIELDS[i] is true (or 'true'). */
	isTrue(i: number): boolean;
	/** updateTime's canonical text (hashValue) hashed after `h`. */
	hashStamp(h: number): number;
	/** HASH_SLOTS[slot][i]'s canonical text (hashValue) hashed after `h`. */
	hashSlotField(h: number, slot: number, i: number): number;
}

/** A parsed record (ListUsers summary or GetUser) as a MarkReader. */
class RecordReader implements MarkReader {
	constructor(private readonly user: Record<string, unknown>) {}

	disabled(): boolean {
		return this.user.status === 'disabled';
	}

	isTrue(i: number): boolean {
		const value = this.user[BOOLEAN_FIELDS[i]];
		return value === true || value === 'true';
	}

	hashStamp(h: number): number {
		return hashValue(h, this.user.updateTime);
	}

	hashSlotField(h: number, slot: number, i: number): number {
		return hashValue(h, this.user[HASH_SLOTS[slot][i]]);
	}
}

/** One slot's hash: its fields' canonical texts in order, joined by U+0000. */
function slotOf(reader: MarkReader, slot: number): number {
	const fields = HASH_SLOTS[slot];
	let h = hashStart(Math.imul(slot + 1, 0x9e3779b1));
	for (let i = 0; i < fields.length; i++)
		h = reader.hashSlotField(i === 0 ? h : hashText(h, '\u0000'), slot, i);
	return hashEnd(h) % BASE;
}

function stampOf(reader: MarkReader): number {
	return hashEnd(reader.hashStamp(hashStart(0x7f4a7c15))) % STAMP_RANGE;
}

export function slotHash(slot: number, user: Record<string, unknown>): number {
	return slotOf(new RecordReader(user), slot);
}

export function stampHash(updateTime: unknown): number {
	return stampOf(new RecordReader({ updateTime }));
}

/**
 * In memory, between reading the state and writing it, a user is one short string, its mark: the
 * flags character (status, then BOOLEAN_FIELDS from bit 1), the stamp (STAMP_WIDTH characters),
 * one character per hash slot, then the primary OU's number in the table's OU list (as few
 * characters as it takes; none for "not known"). Equal marks in one table are equal
 * fingerprints, so a poll compares each listed user with what it stored by one string
 * comparison, and never holds more than a mark for a user that did not change.
 */
export const MARK_FIXED = 1 + STAMP_WIDTH + HASH_SLOTS.length;

/**
 * A mark from its digits, as one flat string: built piece by piece with `+`, a mark would be a
 * rope of a dozen small strings, ten times its size, for each of 100,000 users.
 */
export function markOf(digits: number[]): string {
	for (let i = 0; i < digits.length; i++) digits[i] = CODE[digits[i]];
	return String.fromCharCode(...digits);
}

/** Appends `value` in `width` digits (most significant first). */
export function pushNumber(digits: number[], value: number, width: number): void {
	for (let i = width - 1; i >= 0; i--) digits.push(Math.floor(value / BASE ** i) % BASE);
}

/** Appends an OU number: no digit for 0 ("not known"), else base 92 without leading zeros. */
export function pushOu(digits: number[], n: number): void {
	const start = digits.length;
	for (; n > 0; n = Math.floor(n / BASE)) digits.splice(start, 0, n % BASE);
}

/** Whether a mark holds an OU (its OU number is not 0, "not known"). */
export function hasOu(mark: string): boolean {
	return mark.length > MARK_FIXED;
}

export function ouNumberOf(mark: string): number {
	return mark.length === MARK_FIXED ? 0 : decodeNumber(mark, MARK_FIXED, mark.length - MARK_FIXED);
}

/** The mark of a user record (ListUsers summary or GetUser) whose primary OU has number `ouNumber` (0: not known). */
export function userMark(user: Record<string, unknown>, ouNumber: number): string {
	return markFrom(new RecordReader(user), ouNumber);
}

/** The mark of the record `reader` reads, whose primary OU has number `ouNumber` (0: not known). */
export function markFrom(reader: MarkReader, ouNumber: number): string {
	let flags = reader.disabled() ? 1 : 0;
	for (let i = 0; i < BOOLEAN_FIELDS.length; i++) if (reader.isTrue(i)) flags |= 2 << i;
	// Into one array kept for the purpose: a poll makes a mark for every listed user, while n8n
	// holds the pages in flight, and the less each mark leaves behind, the fewer of those pages
	// are still alive when the young generation is collected (and moved to the old one).
	const digits = MARK_DIGITS;
	digits.length = 0;
	digits.push(flags);
	pushNumber(digits, stampOf(reader), STAMP_WIDTH);
	for (let slot = 0; slot < HASH_SLOTS.length; slot++) digits.push(slotOf(reader, slot));
	pushOu(digits, ouNumber);
	return markOf(digits);
}

const MARK_DIGITS: number[] = [];

/** `mark` with OU number `ouNumber` (0: not known) in place of its own. */
export function withOu(mark: string, ouNumber: number): string {
	const digits: number[] = [];
	for (let i = 0; i < MARK_FIXED; i++) digits.push(digit(mark, i));
	pushOu(digits, ouNumber);
	return markOf(digits);
}

/**
 * The fingerprint in `text` at `flagsAt` (flags in the low four bits) and `fixedAt` (stamp, then
 * one character per hash slot): a mark's layout and a stored record's share this part.
 */
export function fingerprintAt(
	userId: string,
	text: string,
	flagsAt: number,
	fixedAt: number,
	ou: string | undefined,
): Fingerprint {
	const flags = digit(text, flagsAt) & 15;
	const hashes: number[] = [];
	for (let i = STAMP_WIDTH; i < MARK_FIXED - 1; i++) hashes.push(digit(text, fixedAt + i));
	return {
		userId,
		status: flags & 1 ? 'disabled' : 'enabled',
		booleans: BOOLEAN_FIELDS.map((_, i) => (flags & (2 << i)) !== 0),
		ou,
		stamp: decodeNumber(text, fixedAt, STAMP_WIDTH),
		hashes,
	};
}
