/**
 * This poll's users against the stored ones, and the users section they pack to. Pure: no n8n,
 * no HTTP.
 */

import { CODE, digit, encodeIdCodes, IdCoding, SEPARATOR, widthFor } from '../shared/codec';
import type { Fingerprint, PackedUsers } from './state';
import {
	fingerprintAt,
	hasOu,
	MARK_FIXED,
	markOf,
	ouNumberOf,
	pushNumber,
	pushOu,
	STAMP_WIDTH,
	USER_PREFIX,
	userMark,
	withOu,
} from './state';
import { NO_USERS, StoredUsers } from './stored';

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
	for (let at = 1; at < codes.length; at++) codes[at] = CODE[codes[at]];
	const coding = encodeIdCodes(userId, USER_PREFIX, codes);
	codes[0] = CODE[digit(mark, 0) | (coding << 4)];
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
