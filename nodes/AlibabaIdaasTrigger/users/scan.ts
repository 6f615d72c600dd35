import type { IDataObject } from 'n8n-workflow';

import { parsedBody } from '../../AlibabaIdaas/transport/body';
import type { PageView } from '../../AlibabaIdaas/transport/paging';
import { JsonPage, recordKey } from '../../AlibabaIdaas/transport/paging';
import { hashBytes, hashCode, hashText } from '../shared/codec';
import type { MarkReader } from './state';
import { BOOLEAN_FIELDS, HASH_SLOTS, markFrom, userMark } from './state';

/**
 * A ListUsers page read from its bytes: each user's ID and mark (users/state.ts `userMark`)
 * straight from the JSON text, and its record parsed only when asked (for the few users whose
 * mark differs from the stored one). Parsing every page into objects was the largest single cost
 * of a poll, and their garbage most of its memory.
 *
 * Exact or not at all: the scanner validates the whole body against JSON's grammar
 * (https://www.rfc-editor.org/rfc/rfc8259) and gives up on anything it is not sure of, for the
 * whole page (not an object with an array of objects under the response key, invalid JSON, a
 * byte-order mark, an escape in a top-level key, the response key twice) or for one user (an
 * escape in a key or in a field the mark reads, a nested value in such a field): those are parsed
 * as JSON, as n8n would have parsed the page (transport/body.ts), and marked by `userMark`
 * itself. Strings are hashed as UTF-16 code units (shared/codec.ts `hashText`): an ASCII string's
 * bytes are its code units; any other is decoded as axios decodes the page (UTF-8; an element or
 * value starts and ends at an ASCII byte, which no decoder merges into a neighbouring sequence).
 */

/** A page of users as the poll reads it. */
export interface UsersPage extends PageView {
	/** The record's userId as JSON.parse gives it. */
	userIdAt(index: number): unknown;
	/** `userMark(record, ouNumber)` of the record at `index`. */
	markAt(index: number, ouNumber: number): string;
	/** The record at `index`, parsed (a new object for each call unless it had to be parsed already). */
	recordAt(index: number): IDataObject;
}

/** The page in `bytes` (a ListUsers answer), its records under `responseKey`. */
export function scanUsersPage(bytes: Buffer, responseKey: string): UsersPage {
	try {
		return new ScannedPage(bytes, responseKey);
	} catch {
		// NOT_SURE, or anything else the scanner meets: the parse is always right.
		return new ParsedPage(bytes, responseKey);
	}
}

/** Thrown (made once) where the scanner is not sure: the page is parsed instead. */
const NOT_SURE = new Error('not sure of this page: parse it');

// ---------------------------------------------------------------------------------------------
// The fields the scanner keeps, per record

/** Every field the mark reads, then the ID fields paging reads (paging.ts recordKey). */
const FIELDS: readonly string[] = [
	'status',
	...BOOLEAN_FIELDS,
	'updateTime',
	...HASH_SLOTS.flat(),
	'userId',
	'organizationalUnitId',
	'groupId',
];
const F = FIELDS.length;
const STATUS = FIELDS.indexOf('status');
const BOOLEANS = BOOLEAN_FIELDS.map((name) => FIELDS.indexOf(name));
const UPDATE_TIME = FIELDS.indexOf('updateTime');
const SLOTS = HASH_SLOTS.map((slot) => slot.map((name) => FIELDS.indexOf(name)));
const USER_ID = FIELDS.indexOf('userId');
const KEY_FIELDS = ['userId', 'organizationalUnitId', 'groupId'].map((name) =>
	FIELDS.indexOf(name),
);

/** ASCII text as bytes (a plain Uint8Array: V8 reads it as fast as the page). */
function ascii(text: string): Uint8Array {
	return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Each kept field's name as bytes, and the fields by name length: a key is matched without a string. */
const NAMES = FIELDS.map(ascii);
const BY_LENGTH: number[][] = [];
FIELDS.forEach((name, field) => (BY_LENGTH[name.length] ??= []).push(field));

/** What a kept field holds. */
const enum Kind {
	Absent = 0,
	Null,
	True,
	False,
	/** A number whose text is String(Number(text)). */
	Number,
	/** Any other number: hashed as String(Number(text)). */
	OtherNumber,
	/** A string of printable ASCII (its span is inside the quotes). */
	Ascii,
	/** A string with other bytes, without escapes: decoded as UTF-8. */
	Utf8,
}

// ---------------------------------------------------------------------------------------------
// The mark from the bytes: markFrom (users/state.ts) reads each field through the MarkReader
// below; the equivalence tests (test/trigger/scan.test.ts) hold it to userMark.

const S = 0x73; // 's'
const N = 0x6e; // 'n'
const B = 0x62; // 'b'
const TRUE_TEXT = ascii('true');
const DISABLED_TEXT = ascii('disabled');

/** A parse of the page, only as far as it must go: where each record and each kept field is. */
class ScannedPage implements UsersPage, MarkReader {
	readonly size: number;

	readonly totalCount: unknown;

	readonly nextToken: unknown;

	/** Per record: where it starts and ends, and whether it must be parsed (1). */
	private starts: Int32Array;
	private ends: Int32Array;
	private unsure: Uint8Array;
	/** Per record and kept field (record * F + field): what it holds and where (inside a string's quotes). */
	private kinds: Uint8Array;
	private from: Int32Array;
	private to: Int32Array;

	/** The keys of the record scanned last, in order: where each is, and the kept field it names (-1: none). */
	private readonly keys: number[] = [];

	/** The records that had to be parsed, by position. */
	private parsed?: Map<number, IDataObject>;

	private pos = 0;

	/** The first kept field of the record markAt is marking (record * F). */
	private marking = 0;

	constructor(
		private readonly bytes: Buffer,
		responseKey: string,
	) {
		this.starts = new Int32Array(128);
		this.ends = new Int32Array(128);
		this.unsure = new Uint8Array(128);
		this.kinds = new Uint8Array(128 * F);
		this.from = new Int32Array(128 * F);
		this.to = new Int32Array(128 * F);
		const key = Uint8Array.from(Buffer.from(responseKey, 'utf8'));
		let size = 0;
		let listed = false;
		let totalCount: [number, number] | undefined;
		let nextToken: [number, number] | undefined;

		this.space();
		this.expect(0x7b); // {
		this.space();
		if (bytes[this.pos] === 0x7d) this.pos++;
		else
			for (;;) {
				const keyStart = this.pos + 1;
				if (this.string()) throw NOT_SURE; // an escaped top-level key
				const keyEnd = this.pos - 1;
				this.space();
				this.expect(0x3a); // :
				this.space();
				const valueStart = this.pos;
				if (this.is(keyStart, keyEnd, key)) {
					if (listed) throw NOT_SURE;
					listed = true;
					if (bytes[this.pos] === 0x5b) size = this.records();
					else this.value(0);
				} else {
					this.value(0);
					if (this.is(keyStart, keyEnd, TOTAL_COUNT)) totalCount = [valueStart, this.pos];
					else if (this.is(keyStart, keyEnd, NEXT_TOKEN)) nextToken = [valueStart, this.pos];
				}
				this.space();
				if (bytes[this.pos] === 0x2c) {
					this.pos++;
					this.space();
					continue;
				}
				this.expect(0x7d); // }
				break;
			}
		this.space();
		if (this.pos !== bytes.length) throw NOT_SURE;
		this.size = size;
		this.totalCount = totalCount && this.parse(totalCount[0], totalCount[1]);
		this.nextToken = nextToken && this.parse(nextToken[0], nextToken[1]);
	}

	keyAt(index: number): string | undefined {
		if (this.unsure[index]) return recordKey(this.record(index));
		for (const field of KEY_FIELDS) {
			const kind = this.kinds[index * F + field] as Kind;
			if (kind === Kind.Absent || kind === Kind.Null) continue;
			return kind === Kind.Ascii || kind === Kind.Utf8 ? this.text(index * F + field) : undefined;
		}
		return undefined;
	}

	userIdAt(index: number): unknown {
		if (this.unsure[index]) return this.record(index).userId;
		const at = index * F + USER_ID;
		switch (this.kinds[at] as Kind) {
			case Kind.Absent:
				return undefined;
			case Kind.Null:
				return null;
			case Kind.True:
				return true;
			case Kind.False:
				return false;
			case Kind.Ascii:
			case Kind.Utf8:
				return this.text(at);
			default:
				return Number(this.bytes.toString('latin1', this.from[at], this.to[at]));
		}
	}

	markAt(index: number, ouNumber: number): string {
		if (this.unsure[index]) return userMark(this.record(index), ouNumber);
		this.marking = index * F;
		return markFrom(this, ouNumber);
	}

	// MarkReader, over the record markAt is marking.

	disabled(): boolean {
		return this.equals(this.marking + STATUS, DISABLED_TEXT);
	}

	isTrue(i: number): boolean {
		const at = this.marking + BOOLEANS[i];
		return this.kinds[at] === Kind.True || this.equals(at, TRUE_TEXT);
	}

	hashStamp(h: number): number {
		return this.hashField(h, this.marking + UPDATE_TIME);
	}

	hashSlotField(h: number, slot: number, i: number): number {
		return this.hashField(h, this.marking + SLOTS[slot][i]);
	}

	recordAt(index: number): IDataObject {
		return this.unsure[index] ? this.record(index) : this.element(index);
	}

	/** A field's canonical text hashed after `h` (state.ts hashValue): nothing for absent, null and ''. */
	private hashField(h: number, at: number): number {
		const { bytes } = this;
		const from = this.from[at];
		const to = this.to[at];
		switch (this.kinds[at] as Kind) {
			case Kind.True:
				return hashBytes(hashCode(h, B), TRUE_TEXT, 0, 4);
			case Kind.False:
				return hashText(hashCode(h, B), 'false');
			case Kind.Number:
				return hashBytes(hashCode(h, N), bytes, from, to);
			case Kind.OtherNumber:
				return hashText(hashCode(h, N), String(Number(bytes.toString('latin1', from, to))));
			case Kind.Ascii:
				return from === to ? h : hashBytes(hashCode(h, S), bytes, from, to);
			case Kind.Utf8:
				return hashText(hashCode(h, S), bytes.toString('utf8', from, to));
			default:
				return h;
		}
	}

	/** Whether a field is an ASCII string of exactly these bytes. */
	private equals(at: number, text: Uint8Array): boolean {
		return this.kinds[at] === Kind.Ascii && this.is(this.from[at], this.to[at], text);
	}

	private is(from: number, to: number, text: Uint8Array): boolean {
		const { bytes } = this;
		const length = text.length;
		if (to - from !== length) return false;
		for (let i = 0; i < length; i++) if (bytes[from + i] !== text[i]) return false;
		return true;
	}

	private text(at: number): string {
		const kind = this.kinds[at] as Kind;
		return this.bytes.toString(kind === Kind.Ascii ? 'latin1' : 'utf8', this.from[at], this.to[at]);
	}

	private parse(from: number, to: number): unknown {
		return JSON.parse(this.bytes.toString('utf8', from, to)) as unknown;
	}

	private element(index: number): IDataObject {
		return this.parse(this.starts[index], this.ends[index]) as IDataObject;
	}

	/** A record that had to be parsed, parsed once. */
	private record(index: number): IDataObject {
		this.parsed ??= new Map();
		let record = this.parsed.get(index);
		if (record === undefined) this.parsed.set(index, (record = this.element(index)));
		return record;
	}

	// -------------------------------------------------------------------------------------------
	// Scanning: each step starts at its token and leaves `pos` just after it.

	private space(): void {
		const { bytes } = this;
		let c = bytes[this.pos];
		while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = bytes[++this.pos];
	}

	private expect(byte: number): void {
		if (this.bytes[this.pos] !== byte) throw NOT_SURE;
		this.pos++;
	}

	/** The array of records: each an object. Returns how many. */
	private records(): number {
		const { bytes } = this;
		this.pos++;
		this.space();
		if (bytes[this.pos] === 0x5d) {
			this.pos++;
			return 0;
		}
		let count = 0;
		for (;;) {
			if (bytes[this.pos] !== 0x7b) throw NOT_SURE;
			this.scanRecord(count++);
			this.space();
			if (bytes[this.pos] === 0x2c) {
				this.pos++;
				this.space();
				continue;
			}
			this.expect(0x5d); // ]
			return count;
		}
	}

	private grow(count: number): void {
		if (count < this.starts.length) return;
		const size = this.starts.length * 2;
		const grown = <T extends Int32Array | Uint8Array>(
			array: T,
			make: (n: number) => T,
			n: number,
		) => {
			const copy = make(n);
			copy.set(array);
			return copy;
		};
		this.starts = grown(this.starts, (n) => new Int32Array(n), size);
		this.ends = grown(this.ends, (n) => new Int32Array(n), size);
		this.unsure = grown(this.unsure, (n) => new Uint8Array(n), size);
		this.kinds = grown(this.kinds, (n) => new Uint8Array(n), size * F);
		this.from = grown(this.from, (n) => new Int32Array(n), size * F);
		this.to = grown(this.to, (n) => new Int32Array(n), size * F);
	}

	/**
	 * One record (an object), its kept fields noted; the last of a repeated key counts, as in
	 * JSON.parse. The hot path of a poll, so its position is a local, and a key is first compared
	 * with the key at the same place in the record before (records of one page list their fields
	 * alike): one pass over its bytes instead of a scan and a look-up.
	 */
	private scanRecord(index: number): void {
		this.grow(index);
		const { bytes, kinds, from, to, keys } = this;
		const base = index * F;
		let pos = this.pos;
		this.starts[index] = pos;
		pos = after(bytes, pos + 1);
		if (bytes[pos] === 0x7d) {
			this.ends[index] = this.pos = pos + 1;
			return;
		}
		for (let k = 0; ; k++) {
			if (bytes[pos] !== 0x22) throw NOT_SURE;
			const keyStart = pos + 1;
			let field: number;
			const known = k * 3;
			const length = keys[known + 1] - keys[known];
			if (
				k * 3 < keys.length &&
				bytes[keyStart + length] === 0x22 &&
				same(bytes, keyStart, keys[known], length)
			) {
				field = keys[known + 2];
				pos = keyStart + length + 1;
			} else {
				this.pos = pos;
				const escaped = this.string();
				pos = this.pos;
				// An escaped key may spell a kept field.
				if (escaped) this.unsure[index] = 1;
				field = escaped ? -1 : this.field(keyStart, pos - 1);
				if (!escaped && !this.utf8) {
					keys[known] = keyStart;
					keys[known + 1] = pos - 1;
					keys[known + 2] = field;
				}
			}
			pos = after(bytes, pos);
			if (bytes[pos] !== 0x3a) throw NOT_SURE; // :
			pos = after(bytes, pos + 1);
			const at = base + field;
			const c = bytes[pos];
			if (c === 0x22) {
				// A string of printable ASCII, the common case, here; any other in string().
				let end = pos + 1;
				while (IN_STRING[bytes[end]] === PLAIN) end++;
				let kind = Kind.Ascii;
				if (bytes[end] !== 0x22) {
					this.pos = pos;
					if (this.string() && field >= 0) this.unsure[index] = 1;
					end = this.pos - 1;
					if (this.utf8) kind = Kind.Utf8;
				}
				if (field >= 0) {
					kinds[at] = kind;
					from[at] = pos + 1;
					to[at] = end;
				}
				pos = end + 1;
			} else {
				this.pos = pos;
				if (field < 0) this.value(0);
				else if (c === 0x7b || c === 0x5b) {
					this.value(0);
					this.unsure[index] = 1;
				} else if (c === 0x74) {
					this.literal(TRUE_LITERAL);
					kinds[at] = Kind.True;
				} else if (c === 0x66) {
					this.literal(FALSE_LITERAL);
					kinds[at] = Kind.False;
				} else if (c === 0x6e) {
					this.literal(NULL_LITERAL);
					kinds[at] = Kind.Null;
				} else {
					kinds[at] = this.number() ? Kind.Number : Kind.OtherNumber;
					from[at] = pos;
					to[at] = this.pos;
				}
				pos = this.pos;
			}
			pos = after(bytes, pos);
			if (bytes[pos] === 0x2c) {
				pos = after(bytes, pos + 1);
				continue;
			}
			if (bytes[pos] !== 0x7d) throw NOT_SURE; // }
			this.ends[index] = this.pos = pos + 1;
			return;
		}
	}

	/** The kept field a key names, or -1. */
	private field(from: number, to: number): number {
		const candidates = BY_LENGTH[to - from];
		if (candidates === undefined) return -1;
		const first = this.bytes[from];
		for (let i = 0; i < candidates.length; i++) {
			const field = candidates[i];
			if (NAMES[field][0] === first && this.is(from, to, NAMES[field])) return field;
		}
		return -1;
	}

	/** Set by string(): whether the string held a byte outside ASCII. */
	private utf8 = false;

	/** A string; returns whether it holds an escape. */
	private string(): boolean {
		const { bytes } = this;
		if (bytes[this.pos] !== 0x22) throw NOT_SURE;
		let i = this.pos + 1;
		// The common case, printable ASCII up to the closing quote, one table look-up a byte.
		while (IN_STRING[bytes[i]] === PLAIN) i++;
		let escaped = false;
		let utf8 = false;
		for (;;) {
			// Past the end, bytes[i] is undefined, and so is its class.
			const kind = IN_STRING[bytes[i]] as number | undefined;
			if (kind === PLAIN) i++;
			else if (kind === QUOTE) break;
			else if (kind === HIGH) {
				utf8 = true;
				i++;
			} else if (kind === BACKSLASH) {
				escaped = true;
				const e = bytes[i + 1];
				if (e === 0x75) {
					for (let k = 2; k < 6; k++) if (!isHex(bytes[i + k])) throw NOT_SURE;
					i += 6;
				} else if (ESCAPES.has(e)) i += 2;
				else throw NOT_SURE;
			} else throw NOT_SURE; // a control character (JSON.parse refuses them), or the end
		}
		this.pos = i + 1;
		this.utf8 = utf8;
		return escaped;
	}

	/** Any JSON value, checked and skipped. */
	private value(depth: number): void {
		const { bytes } = this;
		const c = bytes[this.pos];
		if (c === 0x22) this.string();
		else if (c === 0x7b || c === 0x5b) {
			if (depth >= MAX_DEPTH) throw NOT_SURE;
			const close = c + 2; // } or ]
			this.pos++;
			this.space();
			if (bytes[this.pos] === close) {
				this.pos++;
				return;
			}
			for (;;) {
				if (c === 0x7b) {
					this.string();
					this.space();
					this.expect(0x3a);
					this.space();
				}
				this.value(depth + 1);
				this.space();
				if (bytes[this.pos] === 0x2c) {
					this.pos++;
					this.space();
					continue;
				}
				this.expect(close);
				return;
			}
		} else if (c === 0x74) this.literal(TRUE_LITERAL);
		else if (c === 0x66) this.literal(FALSE_LITERAL);
		else if (c === 0x6e) this.literal(NULL_LITERAL);
		else this.number();
	}

	private literal(text: Uint8Array): void {
		if (!this.is(this.pos, this.pos + text.length, text)) throw NOT_SURE;
		this.pos += text.length;
	}

	/** A number (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?); returns whether its text is String(Number(text)). */
	private number(): boolean {
		const { bytes } = this;
		const start = this.pos;
		if (bytes[this.pos] === 0x2d) this.pos++;
		const first = bytes[this.pos];
		if (first === 0x30) this.pos++;
		else if (first >= 0x31 && first <= 0x39) this.digits();
		else throw NOT_SURE;
		const integer = this.pos - start;
		let plain = true;
		if (bytes[this.pos] === 0x2e) {
			this.pos++;
			this.digits();
			plain = false;
		}
		if (bytes[this.pos] === 0x65 || bytes[this.pos] === 0x45) {
			this.pos++;
			if (bytes[this.pos] === 0x2b || bytes[this.pos] === 0x2d) this.pos++;
			this.digits();
			plain = false;
		}
		// Up to 15 digits an integer is exact in a double; "-0" reads back as "0".
		const negative = bytes[start] === 0x2d;
		return plain && integer - (negative ? 1 : 0) <= 15 && !(negative && first === 0x30);
	}

	/** One or more digits. */
	private digits(): void {
		const { bytes } = this;
		if (!isDigit(bytes[this.pos])) throw NOT_SURE;
		while (isDigit(bytes[this.pos])) this.pos++;
	}
}

const TOTAL_COUNT = ascii('totalCount');
const NEXT_TOKEN = ascii('nextToken');
const TRUE_LITERAL = TRUE_TEXT;
const FALSE_LITERAL = ascii('false');
const NULL_LITERAL = ascii('null');
/** Past this nesting the page is parsed instead (JSON.parse has no such limit). */
const MAX_DEPTH = 64;
/** What a byte is inside a string. */
const PLAIN = 0;
const QUOTE = 1;
const BACKSLASH = 2;
const CONTROL = 3;
const HIGH = 4;
const IN_STRING = Uint8Array.from({ length: 256 }, (_, c) =>
	c === 0x22 ? QUOTE : c === 0x5c ? BACKSLASH : c < 0x20 ? CONTROL : c >= 0x80 ? HIGH : PLAIN,
);
/** The characters after a backslash other than u: " \ / b f n r t. */
const ESCAPES = new Set(Array.from('"\\/bfnrt', (c) => c.charCodeAt(0)));

/** The position of the first byte from `pos` on that is not whitespace. */
function after(bytes: Uint8Array, pos: number): number {
	let c = bytes[pos];
	while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = bytes[++pos];
	return pos;
}

/** Whether the `length` bytes at `a` and at `b` are the same. */
function same(bytes: Uint8Array, a: number, b: number, length: number): boolean {
	for (let i = 0; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
	return true;
}

function isDigit(c: number | undefined): boolean {
	return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isHex(c: number | undefined): boolean {
	return (
		c !== undefined &&
		((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))
	);
}

/** A page the scanner was not sure of: parsed as n8n would have parsed it. */
class ParsedPage extends JsonPage implements UsersPage {
	constructor(bytes: Buffer, responseKey: string) {
		const body = parsedBody(bytes);
		super(isObject(body) ? body : {}, responseKey);
	}

	userIdAt(index: number): unknown {
		return this.records[index].userId;
	}

	markAt(index: number, ouNumber: number): string {
		return userMark(this.records[index], ouNumber);
	}

	recordAt(index: number): IDataObject {
		return this.records[index];
	}
}

function isObject(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}
