/**
 * The packed encoding the trigger's state is written in: numbers and IDs as printable ASCII that
 * JSON stores without escapes, and a checksum. Pure: no n8n, no HTTP.
 *
 * Decoding is strict: anything this version would not have written (a character outside the
 * alphabet, a length that does not fit, an ID that fails the ID check) throws a
 * StateFormatError, and the caller takes a fresh baseline instead of diffing against it.
 */

import type { ParamSpec } from '../../AlibabaIdaas/catalog';
import { catalogOp } from '../../AlibabaIdaas/catalog';
import { normalizeValue } from '../../AlibabaIdaas/request/build';

/** JSON-safe printable ASCII: '!' to '~' without '"' and '\\'. The space separates records. */
export const ALPHABET = (() => {
	let text = '';
	for (let code = 0x21; code <= 0x7e; code++) {
		if (code !== 0x22 && code !== 0x5c) text += String.fromCharCode(code);
	}
	return text;
})();
export const BASE = ALPHABET.length; // 92
/** A character code's digit value, -1 outside the alphabet (looked up per character, so an array, not a Map of strings). */
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;
/** The character code of each digit. */
export const CODE = Array.from(ALPHABET, (c) => c.charCodeAt(0));
export const SEPARATOR = ' ';

export class StateFormatError extends Error {
	constructor(detail: string) {
		super(`The trigger's stored state is not one this version wrote (${detail})`);
		this.name = 'StateFormatError';
	}
}

/** The request parameter each kind of stored ID is later sent as (the lookups that confirm deletions). */
const LOOKUP_PARAM: Record<string, readonly [apiName: string, param: string]> = {
	user_: ['GetUser', 'userId'],
	ou_: ['GetOrganizationalUnit', 'organizationalUnitId'],
	group_: ['GetGroup', 'groupId'],
};
const lookupParams = new Map<string, ParamSpec | undefined>();

function lookupParam(prefix: string): ParamSpec | undefined {
	if (!lookupParams.has(prefix)) {
		const [apiName, name] = LOOKUP_PARAM[prefix] ?? [];
		lookupParams.set(
			prefix,
			apiName ? catalogOp(apiName).params.find((param) => param.name === name) : undefined,
		);
	}
	return lookupParams.get(prefix);
}

/**
 * Whether an ID passes the very check the node applies to it as a request parameter (the
 * catalog's ID parameter of GetUser, GetOrganizationalUnit or GetGroup: the prefix, then
 * [A-Za-z0-9_-], at most 128 characters). IDs from the API are held to it before they are
 * stored, so a stored ID can always be looked up later.
 */
export function isValidId(value: unknown, prefix: string): value is string {
	const param = lookupParam(prefix);
	if (typeof value !== 'string' || param === undefined) return false;
	// The node's check of a value made of the prefix and the ID alphabet alone depends on its
	// length only (nothing to trim, one character per code unit), so its verdict is asked once per
	// prefix and length: a poll checks every listed ID, 100,000 and more.
	if (value.startsWith(prefix) && ID_TEXT.test(value)) {
		let byLength = verdicts.get(prefix);
		if (byLength === undefined) verdicts.set(prefix, (byLength = []));
		return (byLength[value.length] ??= nodeAccepts(param, value));
	}
	return nodeAccepts(param, value);
}

const ID_TEXT = /^[A-Za-z0-9_-]*$/;
/** The node's verdict on an ID of the ID alphabet, per prefix and length. */
const verdicts = new Map<string, boolean[]>();

function nodeAccepts(param: ParamSpec, value: string): boolean {
	try {
		return normalizeValue(param, value) === value;
	} catch {
		return false;
	}
}

/** Canonical order (by ID), so that the same directory always packs to the same text. */
export function byId(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Hashing

/**
 * FNV-1a over UTF-16 code units, then murmur3's finalizer so that low bits mix well. In steps
 * (hashStart, hashText, hashEnd), so that a text made of parts is hashed without building it.
 */
export function hash32(text: string, seed = 0): number {
	return hashEnd(hashText(hashStart(seed), text));
}

export function hashStart(seed: number): number {
	return 0x811c9dc5 ^ seed;
}

/** One FNV-1a step: a code unit (or a byte) into `h`. */
export function hashCode(h: number, code: number): number {
	return Math.imul(h ^ code, 0x01000193);
}

/** `text`'s code units from `from` to `to` (the whole text by default) into `h`. */
export function hashText(h: number, text: string, from = 0, to = text.length): number {
	for (let i = from; i < to; i++) h = hashCode(h, text.charCodeAt(i));
	return h;
}

/** hashText over bytes, each byte one code unit: an ASCII text's bytes hash as the text does. */
export function hashBytes(h: number, bytes: Uint8Array, from: number, to: number): number {
	for (let i = from; i < to; i++) h = hashCode(h, bytes[i]);
	return h;
}

export function hashEnd(h: number): number {
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}

/**
 * 64 bits of checksum over the parts, as text: any change to a stored state shows. It hashes
 * `length:part` for each part, joined by '|'; a part given as pieces is its pieces joined by
 * newlines, hashed without building it (a users section is megabytes).
 */
export function checksum(parts: ReadonlyArray<string | readonly string[]>): string {
	const hashOf = (seed: number) => {
		let h = hashStart(seed);
		parts.forEach((part, i) => {
			const pieces = typeof part === 'string' ? [part] : part;
			const length = pieces.reduce((sum, piece) => sum + piece.length, pieces.length - 1);
			h = hashText(h, `${i === 0 ? '' : '|'}${length}:`);
			pieces.forEach((piece, j) => {
				h = hashText(j === 0 ? h : hashText(h, '\n'), piece);
			});
		});
		return hashEnd(h);
	};
	return `${hashOf(0x2545f491).toString(36)}.${hashOf(0x6a09e667).toString(36)}`;
}

// ---------------------------------------------------------------------------------------------
// Numbers

export function digit(text: string, at: number): number {
	const value = DIGIT[text.charCodeAt(at)];
	// charCodeAt past the end is NaN, and DIGIT[NaN] undefined.
	if (!(value >= 0)) throw new StateFormatError(`bad character at ${at}`);
	return value;
}

export function encodeNumber(value: number, width: number): string {
	const codes = new Array<number>(width);
	for (let i = width - 1; i >= 0; i--) {
		codes[i] = CODE[value % BASE];
		value = Math.floor(value / BASE);
	}
	return String.fromCharCode(...codes);
}

export function decodeNumber(text: string, start: number, width: number): number {
	if (start + width > text.length) throw new StateFormatError('record cut short');
	let value = 0;
	for (let i = start; i < start + width; i++) value = value * BASE + digit(text, i);
	return value;
}

/** The fewest characters that number 0..size (0 is kept for "none"). */
export function widthFor(size: number): number {
	let width = 1;
	while (BASE ** width <= size) width++;
	return width;
}

// ---------------------------------------------------------------------------------------------
// IDs

/**
 * How an ID is stored. IDs are validated when they come from the API, so every stored ID is
 * the prefix plus [A-Za-z0-9_-]: either base-36 lower case (the real shape, packed 5 → 4
 * characters) or kept verbatim (all of those characters are in the alphabet).
 */
export const enum IdCoding {
	/** Prefix stripped, rest verbatim. */
	Raw = 0,
	/** Prefix stripped, base-36 rest packed 5 → 4 characters; a last chunk of n < 4 characters in n. */
	Packed = 1,
	/** As Packed, but the last chunk holds 4 base-36 characters (also 4 encoded characters). */
	PackedTail4 = 2,
}

const BASE36_CHUNK = 5;
const ENCODED_CHUNK = 4; // 92^4 > 36^5

/** A base-36 digit's value (0-9, a-z), -1 for any other character code. */
function base36(code: number): number {
	return code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 122 ? code - 87 : -1;
}

export function encodeId(id: string, prefix: string): { coding: IdCoding; text: string } {
	const codes: number[] = [];
	const coding = encodeIdCodes(id, prefix, codes);
	return {
		coding,
		text: coding === IdCoding.Raw ? id.slice(prefix.length) : String.fromCharCode(...codes),
	};
}

/**
 * encodeId's work, appending the packed characters' codes to `codes` (nothing for Raw) and
 * returning the coding: character by character rather than a regular expression and parseInt per
 * chunk, and without a string per ID, since a poll packs every user's ID.
 */
export function encodeIdCodes(id: string, prefix: string, codes: number[]): IdCoding {
	const start = prefix.length;
	const first = codes.length;
	let chunk = 0;
	let inChunk = 0;
	for (let i = start; i < id.length; i++) {
		const value = base36(id.charCodeAt(i));
		if (value < 0) {
			codes.length = first;
			return IdCoding.Raw;
		}
		chunk = chunk * 36 + value;
		if (++inChunk === BASE36_CHUNK || i === id.length - 1) {
			const width = inChunk === BASE36_CHUNK ? ENCODED_CHUNK : inChunk;
			for (let w = width - 1; w >= 0; w--) codes.push(CODE[Math.floor(chunk / BASE ** w) % BASE]);
			chunk = 0;
			inChunk = 0;
		}
	}
	const length = id.length - start;
	if (length <= 0) return IdCoding.Raw;
	return length % BASE36_CHUNK === 4 ? IdCoding.PackedTail4 : IdCoding.Packed;
}

/**
 * The ID back; throws unless it is a valid ID that encodeId would write exactly this way: every
 * chunk in range (a full chunk below 36⁵, a tail of n characters below 36ⁿ, so that it gives back
 * exactly its base-36 characters), the coding the one its tail calls for, and the ID passing the
 * ID check.
 */
export function decodeId(coding: number, text: string, prefix: string): string {
	let id: string;
	if (coding === IdCoding.Raw) {
		id = prefix + text;
		const again = isValidId(id, prefix) ? encodeId(id, prefix) : undefined;
		if (!again || again.coding !== coding || again.text !== text)
			throw new StateFormatError('bad ID');
		return id;
	}
	if (coding !== IdCoding.Packed && coding !== IdCoding.PackedTail4)
		throw new StateFormatError('bad ID coding');
	const tailChars = coding === IdCoding.PackedTail4 ? 4 : text.length % ENCODED_CHUNK;
	const fullChunks = (text.length - tailChars) / ENCODED_CHUNK;
	if (!Number.isInteger(fullChunks) || fullChunks < 0)
		throw new StateFormatError('bad packed ID length');
	// Nothing after the prefix: encodeId keeps such an ID raw.
	if (text.length === 0) throw new StateFormatError('bad ID');
	// One flat string from character codes: a stored ID is kept for the whole poll, and pieces
	// joined or added up would leave garbage (or a chain of pieces) for every stored user.
	const codes = ID_CODES;
	codes.length = 0;
	for (let c = 0; c < prefix.length; c++) codes.push(prefix.charCodeAt(c));
	let i = 0;
	for (let c = 0; c < fullChunks; c++, i += ENCODED_CHUNK) {
		const value = decodeNumber(text, i, ENCODED_CHUNK);
		if (value >= FULL_CHUNK_RANGE) throw new StateFormatError('bad ID');
		pushBase36(codes, value, BASE36_CHUNK);
	}
	if (tailChars > 0) {
		const value = decodeNumber(text, i, tailChars);
		if (value >= 36 ** tailChars) throw new StateFormatError('bad ID');
		pushBase36(codes, value, tailChars);
	}
	id = String.fromCharCode(...codes);
	if (!isValidId(id, prefix)) throw new StateFormatError('bad ID');
	return id;
}

const FULL_CHUNK_RANGE = 36 ** BASE36_CHUNK;
const ID_CODES: number[] = [];

/** Appends `value` as `width` base-36 digits (0-9, a-z), most significant first. */
function pushBase36(codes: number[], value: number, width: number): void {
	for (let w = width - 1; w >= 0; w--) {
		const d = Math.floor(value / 36 ** w) % 36;
		codes.push(d < 10 ? 48 + d : 87 + d);
	}
}
