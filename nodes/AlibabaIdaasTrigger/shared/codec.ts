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
const DIGIT = new Map<string, number>();
for (let i = 0; i < BASE; i++) DIGIT.set(ALPHABET[i], i);
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

export function hashText(h: number, text: string): number {
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
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
	const value = DIGIT.get(text[at]);
	if (value === undefined) throw new StateFormatError(`bad character at ${at}`);
	return value;
}

export function encodeNumber(value: number, width: number): string {
	let text = '';
	for (let i = 0; i < width; i++) {
		text = ALPHABET[value % BASE] + text;
		value = Math.floor(value / BASE);
	}
	return text;
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

export function encodeId(id: string, prefix: string): { coding: IdCoding; text: string } {
	const rest = id.slice(prefix.length);
	if (/^[0-9a-z]+$/.test(rest)) {
		let text = '';
		let i = 0;
		for (; i + BASE36_CHUNK <= rest.length; i += BASE36_CHUNK) {
			text += encodeNumber(parseInt(rest.slice(i, i + BASE36_CHUNK), 36), ENCODED_CHUNK);
		}
		const tail = rest.length - i;
		if (tail > 0) text += encodeNumber(parseInt(rest.slice(i), 36), tail);
		return { coding: tail === 4 ? IdCoding.PackedTail4 : IdCoding.Packed, text };
	}
	return { coding: IdCoding.Raw, text: rest };
}

/** The ID back; throws unless it is a valid ID that encodeId would write exactly this way. */
export function decodeId(coding: number, text: string, prefix: string): string {
	let id: string;
	if (coding === IdCoding.Raw) {
		id = prefix + text;
	} else if (coding === IdCoding.Packed || coding === IdCoding.PackedTail4) {
		const tailChars = coding === IdCoding.PackedTail4 ? 4 : text.length % ENCODED_CHUNK;
		const fullChunks = (text.length - tailChars) / ENCODED_CHUNK;
		if (!Number.isInteger(fullChunks) || fullChunks < 0)
			throw new StateFormatError('bad packed ID length');
		// Joined, not added up: a stored ID is kept for the whole poll, and one string is smaller than a chain of pieces.
		const parts = [prefix];
		let i = 0;
		for (let c = 0; c < fullChunks; c++, i += ENCODED_CHUNK) {
			parts.push(decodeNumber(text, i, ENCODED_CHUNK).toString(36).padStart(BASE36_CHUNK, '0'));
		}
		if (tailChars > 0)
			parts.push(decodeNumber(text, i, tailChars).toString(36).padStart(tailChars, '0'));
		id = parts.join('');
	} else {
		throw new StateFormatError('bad ID coding');
	}
	const again = isValidId(id, prefix) ? encodeId(id, prefix) : undefined;
	if (!again || again.coding !== coding || again.text !== text)
		throw new StateFormatError('bad ID');
	return id;
}
