import { randomBytes, randomUUID } from 'crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `prefix` + 26 lowercase alphanumerics, the shape of the documented examples
 * (`user_d6sbsuumeta4h66ec3il7yxxxx`; exact length UNCONFIRMED, idaas-api.md §1.2).
 */
export function newId(prefix: string, length = 26): string {
	const bytes = randomBytes(length);
	let id = prefix;
	for (let i = 0; i < length; i++) id += ALPHABET[bytes[i] % ALPHABET.length];
	return id;
}

/** Opaque bearer strings: `AT…` access tokens, `RT…` refresh tokens (documented prefixes). */
export function newToken(prefix: 'AT' | 'RT' | 'DC' | 'STS'): string {
	return prefix + randomBytes(24).toString('base64url');
}

export function newRequestId(): string {
	return randomUUID().toUpperCase();
}
