import { randomBytes, randomUUID } from 'crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `prefix` + 26 lowercase alphanumerics, the shape of the documented examples
 * (`user_d6sbsuumeta4h66ec3il7yxxxx`; exact length UNCONFIRMED, idaas-api.md §1.2).
 */
export function newId(prefix: string, length = 26): string {
	let id = prefix;
	for (let i = 0; i < length; i++) id += ALPHABET[randomByte() % ALPHABET.length];
	return id;
}

// One randomBytes call per 64 KiB instead of one per ID: generating 100k users spent most of its
// time in the per-call overhead.
let pool = Buffer.alloc(0);
let next = 0;
function randomByte(): number {
	if (next >= pool.length) {
		pool = randomBytes(65536);
		next = 0;
	}
	return pool[next++];
}

/** Opaque bearer strings: `AT…` access tokens, `RT…` refresh tokens (documented prefixes); `DC…` device and `CODE…` authorization codes. */
export function newToken(prefix: 'AT' | 'RT' | 'DC' | 'CODE' | 'STS'): string {
	return prefix + randomBytes(24).toString('base64url');
}

export function newRequestId(): string {
	return randomUUID().toUpperCase();
}
