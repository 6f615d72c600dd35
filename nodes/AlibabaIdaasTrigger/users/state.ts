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
function hasOu(mark: string): boolean {
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

/** `mark` with OU number `ouNumber` (0: not known) in place of its own. */
function withOu(mark: string, ouNumber: number): string {
	const digits: number[] = [];
	for (let i = 0; i < MARK_FIXED; i++) digits.push(digit(mark, i));
	pushOu(digits, ouNumber);
	return markOf(digits);
}

/**
 * The fingerprint in `text` at `flagsAt` (flags in the low four bits) and `fixedAt` (stamp, then
 * one character per hash slot): a mark's layout and a stored record's share this part.
 */
function fingerprintAt(
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

// ---------------------------------------------------------------------------------------------
// The stored users

/**
 * The users a poll starts from, kept as they are stored: the packed records (one one-byte string,
 * 37 bytes a user) and an index into them, instead of a string per user and a Map of them (over
 * 110 bytes a user, and twice that while the garbage collector moves them). A user's ID or
 * fingerprint is decoded only when asked for: for the few users a poll finds changed, gone or in
 * doubt.
 *
 * The index is open addressing with linear probing over a typed array
 * (https://en.wikipedia.org/wiki/Open_addressing): a slot holds a record's number plus one (0 is
 * empty), at the hash of its user ID as stored (the record's packed characters); there are at
 * least twice as many slots as users, so a look-up probes one or two slots. The ID asked for is
 * packed once, hashed alike and compared with each probed record's characters, so no stored ID
 * is decoded to find it.
 *
 * OU numbers are the packed OU list's: record index i+1 is `ous[i]`, so a poll's table
 * (UserTable) numbers OUs alike by starting its list with these.
 */
export class StoredUsers {
	readonly size: number;

	readonly ous: readonly string[];

	private readonly text: string;

	readonly ouWidth: number;

	/** Record i is text[starts[i], starts[i + 1] - 1); starts[size] is one past the text's end. */
	private readonly starts: Int32Array;

	private readonly slots: Int32Array;

	/**
	 * Reads a users section in one pass. Throws StateFormatError on anything packUsers would not
	 * have written: users out of ID order or stored twice, OUs listed out of their order of first
	 * use or never used, and what the codec refuses.
	 */
	constructor(state: PackedUsers) {
		const ous = state.ous === '' ? [] : state.ous.split(SEPARATOR);
		if (!ous.every((ou) => isValidId(ou, 'ou_')) || new Set(ous).size !== ous.length)
			throw new StateFormatError('bad OU list');
		if (state.ouWidth !== widthFor(ous.length)) throw new StateFormatError('bad OU width');
		const { records } = state;
		let size = records === '' ? 0 : 1;
		for (let at = records.indexOf(SEPARATOR); at !== -1; at = records.indexOf(SEPARATOR, at + 1))
			size++;
		const starts = new Int32Array(size + 1);
		// A power of two, for a mask instead of a division.
		let capacity = 2;
		while (capacity < 2 * size) capacity *= 2;
		const slots = new Int32Array(capacity);
		const width = MARK_FIXED + state.ouWidth;
		let last = '';
		let ousUsed = 0;
		for (let i = 0, start = 0; i < size; i++, start = starts[i]) {
			let end = records.indexOf(SEPARATOR, start);
			if (end === -1) end = records.length;
			starts[i + 1] = end + 1;
			if (end - start < width) throw new StateFormatError('short record');
			const flags = digit(records, start);
			if (flags >= 48) throw new StateFormatError('bad flags');
			const ouNumber = decodeNumber(records, start + 1, state.ouWidth);
			if (ouNumber > ousUsed + 1 || ouNumber > ous.length)
				throw new StateFormatError('bad OU index');
			if (ouNumber > ousUsed) ousUsed = ouNumber;
			// The stamp and hash characters: any character of the alphabet is a value.
			for (let at = start + 1 + state.ouWidth; at < start + width; at++) digit(records, at);
			// Decoded to be checked (and ordered), then let go.
			const userId = decodeId(flags >> 4, records.slice(start + width, end), USER_PREFIX);
			if (userId <= last) throw new StateFormatError('users out of order or stored twice');
			last = userId;
			let slot = hashEnd(hashCodes(hashStart(0), records, start + width, end)) & (capacity - 1);
			while (slots[slot] !== 0) slot = (slot + 1) & (capacity - 1);
			slots[slot] = i + 1;
		}
		if (state.count !== size) throw new StateFormatError('count does not match');
		if (ousUsed !== ous.length) throw new StateFormatError('an OU no user has');
		this.size = size;
		this.ous = ous;
		this.text = records;
		this.ouWidth = state.ouWidth;
		this.starts = starts;
		this.slots = slots;
	}

	/** The section as read (it is exactly what packUsers writes for these users). */
	packed(): PackedUsers {
		return {
			ous: this.ous.join(SEPARATOR),
			ouWidth: this.ouWidth,
			records: this.text,
			count: this.size,
		};
	}

	/** The number of the record holding `userId`, or -1. */
	find(userId: string): number {
		if (this.size === 0 || !userId.startsWith(USER_PREFIX)) return -1;
		const codes = FIND_CODES;
		codes.length = 0;
		const coding = encodeIdCodes(userId, USER_PREFIX, codes);
		const h =
			coding === IdCoding.Raw
				? hashCodes(hashStart(0), userId, USER_PREFIX.length, userId.length)
				: codes.reduce((h, code) => Math.imul(h ^ code, FNV_PRIME), hashStart(0));
		const mask = this.slots.length - 1;
		for (let slot = hashEnd(h) & mask; this.slots[slot] !== 0; slot = (slot + 1) & mask) {
			const record = this.slots[slot] - 1;
			if (this.idIs(record, coding, codes, userId)) return record;
		}
		return -1;
	}

	/** Whether record `record` holds the ID packed as `coding` and `codes` (Raw: `userId` after the prefix). */
	private idIs(record: number, coding: number, codes: number[], userId: string): boolean {
		const start = this.starts[record];
		if (digit(this.text, start) >> 4 !== coding) return false;
		const at = start + MARK_FIXED + this.ouWidth;
		const length = this.starts[record + 1] - 1 - at;
		if (coding === IdCoding.Raw) {
			if (length !== userId.length - USER_PREFIX.length) return false;
			for (let i = 0; i < length; i++)
				if (this.text.charCodeAt(at + i) !== userId.charCodeAt(USER_PREFIX.length + i))
					return false;
			return true;
		}
		if (length !== codes.length) return false;
		for (let i = 0; i < length; i++) if (this.text.charCodeAt(at + i) !== codes[i]) return false;
		return true;
	}

	has(userId: string): boolean {
		return this.find(userId) !== -1;
	}

	/** Record `record`'s user ID. */
	idAt(record: number): string {
		const start = this.starts[record];
		return decodeId(
			digit(this.text, start) >> 4,
			this.text.slice(start + MARK_FIXED + this.ouWidth, this.starts[record + 1] - 1),
			USER_PREFIX,
		);
	}

	/** Every stored user ID, in ID order (decoded here: for tests and small tables). */
	ids(): string[] {
		return Array.from({ length: this.size }, (_, record) => this.idAt(record));
	}

	/** Record `record`'s OU number (0: not known). */
	ouAt(record: number): number {
		return decodeNumber(this.text, this.starts[record] + 1, this.ouWidth);
	}

	/** Whether `mark` (OUs numbered alike) is record `record`'s fingerprint, compared in place. */
	hasMark(record: number, mark: string): boolean {
		const start = this.starts[record];
		if (CODES[digit(this.text, start) & 15] !== mark.charCodeAt(0)) return false;
		const fixed = start + this.ouWidth;
		for (let i = 1; i < MARK_FIXED; i++)
			if (this.text.charCodeAt(fixed + i) !== mark.charCodeAt(i)) return false;
		return ouNumberOf(mark) === this.ouAt(record);
	}

	fingerprintAt(record: number): Fingerprint {
		const start = this.starts[record];
		const ou = this.ouAt(record);
		return fingerprintAt(
			this.idAt(record),
			this.text,
			start,
			start + 1 + this.ouWidth,
			ou === 0 ? undefined : this.ous[ou - 1],
		);
	}

	get(userId: string): Fingerprint | undefined {
		const record = this.find(userId);
		return record === -1 ? undefined : this.fingerprintAt(record);
	}

	/** The number of records whose ID sorts before `userId` (comparing UTF-16 code units, as byId does). */
	rank(userId: string): number {
		let low = 0;
		let high = this.size;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (this.idAt(middle) < userId) low = middle + 1;
			else high = middle;
		}
		return low;
	}

	/** The text of record `record` with OU index `ou` in `ouWidth` characters instead of its own. */
	recordText(record: number, ou: number, ouWidth: number): string {
		const start = this.starts[record];
		const end = this.starts[record + 1] - 1;
		const codes = [this.text.charCodeAt(start)];
		pushNumber(codes, ou, ouWidth);
		for (let i = 1; i < codes.length; i++) codes[i] = CODES[codes[i]];
		return String.fromCharCode(...codes) + this.text.slice(start + 1 + this.ouWidth, end);
	}

	/** Records `from` to `to` (exclusive) as stored, separators included. */
	run(from: number, to: number): string {
		return this.text.slice(this.starts[from], this.starts[to] - 1);
	}
}

const FIND_CODES: number[] = [];

const FNV_PRIME = 0x01000193;

/**
 * The index hashes an ID as stored: its packed characters, without the coding, so that the
 * look-up packs the ID it is asked for once and hashes that (see hashText in the codec).
 */
function hashCodes(h: number, text: string, from: number, to: number): number {
	for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
	return h;
}

/** No stored users: what a poll starts from before its first users baseline. */
export const NO_USERS = new StoredUsers({ ous: '', ouWidth: 1, records: '', count: 0 });

/** The users section back, indexed; see StoredUsers. */
export function unpackUsers(state: PackedUsers): StoredUsers {
	return new StoredUsers(state);
}

// ---------------------------------------------------------------------------------------------
// This poll's users

/** What a poll knows of a stored user (one byte per stored user). */
const enum Seen {
	/** Not (or no longer) seen by this poll. */
	Not = 0,
	/** Seen with the stored mark. */
	Same = 1,
	/** Seen with another mark, held in `fresh`. */
	Changed = 2,
	/** Confirmed deleted. */
	Gone = 3,
}

/**
 * The users as one poll knows them, against the stored users it started from: a byte per stored
 * user (seen unchanged, seen changed, not seen), and a mark only for the users whose mark differs
 * from the stored one or who were never stored (few, after a baseline), with the OU list the marks
 * number into (the stored list, then the OUs this poll met first).
 */
export class UserTable {
	/** Marks of the users in the table that were not stored, or whose mark differs from the stored one. */
	readonly fresh = new Map<string, string>();

	private readonly seen: Uint8Array;

	/**
	 * When each user was first noted (a count of users noted), for the order of events: a stored
	 * user first seen unchanged and later changed reports where it was first seen, as a Map of
	 * every user's mark kept it. Users never stored are counted only when there are stored users
	 * (a baseline reports no events).
	 */
	private readonly notedAt: Int32Array;

	private readonly newNotedAt = new Map<string, number>();

	private noted = 0;

	private readonly ous: string[];

	private readonly ouNumbers = new Map<string, number>();

	constructor(readonly stored: StoredUsers = NO_USERS) {
		this.seen = new Uint8Array(stored.size);
		this.notedAt = new Int32Array(stored.size);
		this.ous = [...stored.ous];
		this.ous.forEach((ou, i) => this.ouNumbers.set(ou, i + 1));
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

	/**
	 * Notes a user's latest mark; true when it differs from the stored one (or the user was not
	 * stored): only then does the poll need the user's record.
	 */
	note(userId: string, mark: string): boolean {
		const record = this.stored.find(userId);
		if (record === -1) {
			if (this.stored.size > 0 && !this.fresh.has(userId))
				this.newNotedAt.set(userId, this.noted++);
			this.fresh.set(userId, mark);
			return true;
		}
		if (this.seen[record] !== Seen.Same && this.seen[record] !== Seen.Changed)
			this.notedAt[record] = this.noted++;
		if (this.stored.hasMark(record, mark)) {
			this.seen[record] = Seen.Same;
			this.fresh.delete(userId);
			return false;
		}
		this.seen[record] = Seen.Changed;
		this.fresh.set(userId, mark);
		return true;
	}

	/** Takes a user out of the table (a user in doubt, to be looked up). */
	forget(userId: string): void {
		const record = this.stored.find(userId);
		if (record !== -1) this.seen[record] = Seen.Not;
		this.fresh.delete(userId);
	}

	/** The OU number a user in the table has (0: not known), undefined for a user not in it. */
	ouNumberOf(userId: string): number | undefined {
		const mark = this.fresh.get(userId);
		if (mark !== undefined) return ouNumberOf(mark);
		const record = this.stored.find(userId);
		return record !== -1 && this.seen[record] === Seen.Same ? this.stored.ouAt(record) : undefined;
	}

	has(userId: string): boolean {
		return this.ouNumberOf(userId) !== undefined;
	}

	get(userId: string): Fingerprint | undefined {
		const mark = this.fresh.get(userId);
		if (mark !== undefined) return fingerprintAt(userId, mark, 0, 1, this.ouOf(ouNumberOf(mark)));
		const record = this.stored.find(userId);
		return record !== -1 && this.seen[record] === Seen.Same
			? this.stored.fingerprintAt(record)
			: undefined;
	}

	/** Stored users not in the table, in ID order. */
	unseenStored(): string[] {
		const ids: string[] = [];
		for (let record = 0; record < this.stored.size; record++)
			if (this.seen[record] === Seen.Not) ids.push(this.stored.idAt(record));
		return ids;
	}

	/** The users whose mark differs from the stored one (or who were not stored), in the order first noted. */
	changes(): Array<[userId: string, mark: string]> {
		const entries = [...this.fresh];
		if (this.stored.size === 0) return entries;
		const at = (userId: string) => {
			const record = this.stored.find(userId);
			return record === -1 ? (this.newNotedAt.get(userId) as number) : this.notedAt[record];
		};
		return entries
			.map((entry) => ({ entry, at: at(entry[0]) }))
			.sort((a, b) => a.at - b.at)
			.map(({ entry }) => entry);
	}

	/**
	 * The table after this poll: a fresh mark without an OU takes the stored user's OU, stored users
	 * in `deleted` leave, and the other stored users not seen stay as stored.
	 */
	complete(deleted: Iterable<string>): void {
		for (const [userId, mark] of this.fresh) {
			if (hasOu(mark)) continue;
			const record = this.stored.find(userId);
			if (record !== -1) this.note(userId, withOu(mark, this.stored.ouAt(record)));
		}
		for (const userId of deleted) {
			const record = this.stored.find(userId);
			if (record !== -1 && this.seen[record] === Seen.Not) this.seen[record] = Seen.Gone;
		}
		for (let record = 0; record < this.stored.size; record++)
			if (this.seen[record] === Seen.Not) this.seen[record] = Seen.Same;
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
		this.note(fp.userId, markOf(digits));
		return this;
	}

	/** The OU of an OU number (0: not known). */
	ouOf(n: number): string | undefined {
		return n === 0 ? undefined : this.ous[n - 1];
	}

	/** Whether stored record `record` is in the table. */
	holds(record: number): boolean {
		return this.seen[record] === Seen.Same || this.seen[record] === Seen.Changed;
	}
}

/**
 * Where each user of a table goes in ID order: the fresh mark of each changed stored user (by
 * record number), and the users never stored, sorted, each with the number of stored users
 * whose ID sorts before it.
 */
interface PackOrder {
	changed: Map<number, string>;
	added: string[];
	ranks: number[];
}

function packOrder(table: UserTable): PackOrder {
	const changed = new Map<number, string>();
	const added: string[] = [];
	for (const [userId, mark] of table.fresh) {
		const record = table.stored.find(userId);
		if (record === -1) added.push(userId);
		else changed.set(record, mark);
	}
	added.sort();
	return { changed, added, ranks: added.map((userId) => table.stored.rank(userId)) };
}

/** Visits a table's users in ID order: stored users by record number (with their fresh mark if changed), the others by ID. */
function visit(
	table: UserTable,
	order: PackOrder,
	storedUser: (record: number, mark: string | undefined) => void,
	newUser: (userId: string, mark: string) => void,
): void {
	let record = 0;
	const upTo = (end: number) => {
		for (; record < end; record++)
			if (table.holds(record)) storedUser(record, order.changed.get(record));
	};
	order.added.forEach((userId, i) => {
		upTo(order.ranks[i]);
		newUser(userId, table.fresh.get(userId) as string);
	});
	upTo(table.stored.size);
}

/** A table of these fingerprints. */
export function tableOf(fingerprints: Iterable<Fingerprint>): UserTable {
	const table = new UserTable();
	for (const fp of fingerprints) table.set(fp);
	return table;
}

/** A fingerprint of a user record (ListUsers summary or GetUser), with its primary OU if known. */
export function fingerprint(user: Record<string, unknown>, ou?: string): Fingerprint {
	// The OU is not read from the mark: it is given.
	return fingerprintAt(String(user.userId), userMark(user, 0), 0, 1, ou === '' ? undefined : ou);
}

// ---------------------------------------------------------------------------------------------
// Pack

/**
 * The users section of a table: by ID (comparing UTF-16 code units, as byId does), so that the
 * same directory always packs to the same text. Unchanged stored users are copied from the stored
 * text (runs of them as one slice when their OU indexes stay), the others written from their marks.
 */
export function packUsers(table: UserTable): PackedUsers {
	const { stored } = table;
	// The packed OU list: in order of first use, numbered from 1.
	const packedOu: number[] = [0];
	const ous: string[] = [];
	const use = (n: number) => {
		if (packedOu[n] === undefined) {
			packedOu[n] = ous.push(table.ouOf(n) as string);
		}
	};
	const order = packOrder(table);
	let count = 0;
	visit(
		table,
		order,
		(record, mark) => {
			use(mark === undefined ? stored.ouAt(record) : ouNumberOf(mark));
			count++;
		},
		(_, mark) => {
			use(ouNumberOf(mark));
			count++;
		},
	);
	const ouWidth = widthFor(ous.length);
	// Joined a thousand at a time: 100,000 small strings held until the end would outgrow the text.
	const chunks: string[] = [];
	const pieces: string[] = [];
	let written = 0;
	const add = (piece: string, users: number) => {
		pieces.push(piece);
		written += users;
		if (pieces.length === PACK_CHUNK || written === count) {
			chunks.push(pieces.join(SEPARATOR));
			pieces.length = 0;
		}
	};
	// A run of stored users copied as they are: records [runFrom, runTo).
	let runFrom = 0;
	let runTo = 0;
	const flush = () => {
		if (runTo > runFrom) add(stored.run(runFrom, runTo), runTo - runFrom);
		runFrom = runTo = 0;
	};
	visit(
		table,
		order,
		(record, mark) => {
			if (mark === undefined) {
				const n = stored.ouAt(record);
				if (ouWidth === stored.ouWidth && packedOu[n] === n) {
					if (runTo !== record) {
						flush();
						runFrom = record;
					}
					runTo = record + 1;
					return;
				}
				flush();
				add(stored.recordText(record, packedOu[n], ouWidth), 1);
				return;
			}
			flush();
			add(recordOf(stored.idAt(record), mark, packedOu[ouNumberOf(mark)], ouWidth), 1);
		},
		(userId, mark) => {
			flush();
			add(recordOf(userId, mark, packedOu[ouNumberOf(mark)], ouWidth), 1);
		},
	);
	flush();
	return { ous: ous.join(SEPARATOR), ouWidth, records: chunks.join(SEPARATOR), count };
}

const PACK_CHUNK = 1000;

/** A record from a mark, as one flat string: flags, OU, the mark's stamp and hashes, the packed ID. */
function recordOf(userId: string, mark: string, ou: number, ouWidth: number): string {
	const codes = RECORD_CODES;
	codes.length = 1;
	pushNumber(codes, ou, ouWidth);
	for (let at = 1; at < MARK_FIXED; at++) codes.push(digit(mark, at));
	for (let at = 1; at < codes.length; at++) codes[at] = CODES[codes[at]];
	const coding = encodeIdCodes(userId, USER_PREFIX, codes);
	codes[0] = CODES[digit(mark, 0) | (coding << 4)];
	return coding === IdCoding.Raw
		? String.fromCharCode(...codes) + userId.slice(USER_PREFIX.length)
		: String.fromCharCode(...codes);
}

const RECORD_CODES: number[] = [];

/** The users section's fields, with their types; the state reader checks them before unpacking. */
export const USERS_SHAPE = {
	ous: 'string',
	ouWidth: 'number',
	records: 'string',
	count: 'number',
} as const;
