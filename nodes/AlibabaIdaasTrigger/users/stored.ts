/**
 * The stored users, read: the `users` section of the state kept as its packed text with an index.
 * Pure: no n8n, no HTTP.
 */

import {
	decodeId,
	decodeNumber,
	digit,
	CODE,
	encodeIdCodes,
	hashCode,
	hashEnd,
	hashStart,
	hashText,
	IdCoding,
	isValidId,
	SEPARATOR,
	StateFormatError,
	widthFor,
} from '../shared/codec';
import type { Fingerprint, PackedUsers } from './state';
import { fingerprintAt, MARK_FIXED, ouNumberOf, pushNumber, USER_PREFIX } from './state';

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
			let slot = hashEnd(hashText(hashStart(0), records, start + width, end)) & (capacity - 1);
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

	/**
	 * The last look-up's answer: a poll asks about each listed user twice in a row (the OU it was
	 * seen under, then its mark), and the records never change.
	 */
	private lastId = '';
	private lastRecord = -1;

	/** The number of the record holding `userId`, or -1. */
	find(userId: string): number {
		if (userId !== this.lastId) {
			this.lastRecord = this.lookUp(userId);
			this.lastId = userId;
		}
		return this.lastRecord;
	}

	private lookUp(userId: string): number {
		if (this.size === 0 || !userId.startsWith(USER_PREFIX)) return -1;
		const codes = FIND_CODES;
		codes.length = 0;
		const coding = encodeIdCodes(userId, USER_PREFIX, codes);
		const h =
			coding === IdCoding.Raw
				? hashText(hashStart(0), userId, USER_PREFIX.length)
				: codes.reduce(hashCode, hashStart(0));
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
		if (CODE[digit(this.text, start) & 15] !== mark.charCodeAt(0)) return false;
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
		for (let i = 1; i < codes.length; i++) codes[i] = CODE[codes[i]];
		return String.fromCharCode(...codes) + this.text.slice(start + 1 + this.ouWidth, end);
	}

	/** Records `from` to `to` (exclusive) as stored, separators included. */
	run(from: number, to: number): string {
		return this.text.slice(this.starts[from], this.starts[to] - 1);
	}
}

const FIND_CODES: number[] = [];

/** No stored users: what a poll starts from before its first users baseline. */
export const NO_USERS = new StoredUsers({ ous: '', ouWidth: 1, records: '', count: 0 });

/** The users section back, indexed; see StoredUsers. */
export function unpackUsers(state: PackedUsers): StoredUsers {
	return new StoredUsers(state);
}
