import { createDecipheriv, createPublicKey, verify, type KeyObject } from 'crypto';

/**
 * The two JOSE formats IDaaS uses for event callbacks, with node:crypto only:
 * - the request's `event` is a compact JWS signed RS256 with a key from the application's JWKS
 *   (RFC 7515; https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/overview-2);
 * - with encryption on, its `cipherData` claim is a compact JWE, `dir` + A256GCM with the
 *   console's 64-hex-character key (RFC 7516; Alibaba's receiver SDK
 *   https://github.com/aliyunidaas/java-push-sdk, JweUtil).
 *
 * Every check fails closed with an EventRejected whose message says what was wrong and never
 * holds the token, a key or decrypted data.
 */

/** Why a request was refused; `status` is what the webhook answers. */
export class EventRejected extends Error {
	constructor(
		message: string,
		readonly status: 400 | 401 | 500 = 401,
	) {
		super(message);
		this.name = 'EventRejected';
	}
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function segment(value: string, what: string): Buffer {
	if (!B64URL.test(value)) throw new EventRejected(`The ${what} is not base64url`, 400);
	return Buffer.from(value, 'base64url');
}

/** JSON.parse that answers undefined for malformed text (callers throw where lint can see why). */
export function parseJson(text: string): { value: unknown } | undefined {
	try {
		return { value: JSON.parse(text) as unknown };
	} catch {
		return undefined;
	}
}

function jsonObject(bytes: Buffer, what: string): Record<string, unknown> {
	const parsed = parseJson(bytes.toString('utf8'));
	if (!parsed) throw new EventRejected(`The ${what} is not JSON`, 400);
	const { value } = parsed;
	if (!value || typeof value !== 'object' || Array.isArray(value))
		throw new EventRejected(`The ${what} is not a JSON object`, 400);
	return value as Record<string, unknown>;
}

export interface Jws {
	header: Record<string, unknown>;
	claims: Record<string, unknown>;
	kid: string;
	signingInput: string;
	signature: Buffer;
}

/**
 * Splits and decodes a compact JWS. Only RS256 with a key ID is accepted: `none`, HS256 (a
 * public key used as an HMAC secret) and every other algorithm are refused before any key is
 * looked at, as are critical extensions this code does not implement (RFC 7515 §4.1.11).
 */
export function parseJws(token: unknown): Jws {
	if (typeof token !== 'string' || token.length === 0)
		throw new EventRejected('The body has no "event" token', 400);
	const parts = token.split('.');
	if (parts.length !== 3) throw new EventRejected('The event token is not a compact JWS', 400);
	const header = jsonObject(segment(parts[0], 'token header'), 'token header');
	// The caller's alg goes to n8n's log: a few characters are enough to recognise it.
	if (header.alg !== 'RS256')
		throw new EventRejected(
			`The token algorithm ${String(JSON.stringify(header.alg)).slice(0, 24)} is not RS256`,
		);
	if (header.crit !== undefined)
		throw new EventRejected('The token has critical header parameters');
	if (typeof header.kid !== 'string' || !header.kid)
		throw new EventRejected('The token header has no key ID (kid)');
	const claims = jsonObject(segment(parts[1], 'token payload'), 'token payload');
	const signature = segment(parts[2], 'token signature');
	return { header, claims, kid: header.kid, signingInput: `${parts[0]}.${parts[1]}`, signature };
}

export function verifyJws(jws: Jws, key: KeyObject): void {
	if (!verify('RSA-SHA256', Buffer.from(jws.signingInput, 'ascii'), key, jws.signature)) {
		throw new EventRejected('The token signature is not valid');
	}
}

/** An RSA signing key from a JWKS entry; entries of other types or uses are not keys for this. */
export function rsaKey(jwk: Record<string, unknown>): KeyObject | undefined {
	if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return undefined;
	if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
	if (jwk.alg !== undefined && jwk.alg !== 'RS256') return undefined;
	try {
		const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
		// Below 2048 bits RS256 is not safe (RFC 7518 §3.3); IDaaS's keys are 2048-bit.
		return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 ? key : undefined;
	} catch {
		return undefined;
	}
}

export const ISSUER = 'urn:alibaba:idaas:app:event';

export interface ClaimRules {
	applicationId: string;
	/** Checked against `sub` when given. */
	instanceId?: string;
	nowSeconds: number;
	skewSeconds: number;
	/** Off only for fixed test vectors that expired long ago. */
	checkExpiry?: boolean;
}

/** The claim checks of Alibaba's SDK (iss, aud, iat and exp present, exp not past), plus iat not in the future and sub. */
export function checkClaims(claims: Record<string, unknown>, rules: ClaimRules): void {
	// A skew that is not a sane number would make the expiry checks pass whatever the token says.
	if (
		!Number.isFinite(rules.skewSeconds) ||
		rules.skewSeconds < 0 ||
		rules.skewSeconds > 600 ||
		!Number.isFinite(rules.nowSeconds)
	) {
		throw new EventRejected('The clock skew is not a number from 0 to 600', 500);
	}
	if (claims.iss !== ISSUER) throw new EventRejected('The token issuer is not IDaaS events');
	const aud = claims.aud;
	const audiences = Array.isArray(aud) ? aud : [aud];
	if (!audiences.includes(rules.applicationId))
		throw new EventRejected('The token is for another application (aud)');
	if (rules.instanceId && claims.sub !== rules.instanceId)
		throw new EventRejected('The token is from another IDaaS instance (sub)');
	const { iat, exp } = claims;
	if (typeof iat !== 'number' || typeof exp !== 'number')
		throw new EventRejected('The token has no iat or exp');
	if (rules.checkExpiry === false) return;
	if (exp <= rules.nowSeconds - rules.skewSeconds) throw new EventRejected('The token has expired');
	if (iat > rules.nowSeconds + rules.skewSeconds)
		throw new EventRejected('The token was issued in the future');
}

/** A 64-hex-character console key as the 32 bytes it stands for; undefined when not set. */
export function encryptionKey(hex: unknown): Buffer | undefined {
	if (typeof hex !== 'string' || hex.trim() === '') return undefined;
	const clean = hex.trim();
	if (!/^[0-9a-fA-F]{64}$/.test(clean)) {
		throw new EventRejected(
			"The credential's encryption key is not 64 hexadecimal characters",
			500,
		);
	}
	return Buffer.from(clean, 'hex');
}

/** Decrypts a compact JWE made with `dir` and A256GCM; the header segment is the additional authenticated data. */
export function decryptJwe(token: unknown, key: Buffer): string {
	if (typeof token !== 'string') throw new EventRejected('The encrypted data is missing', 400);
	const parts = token.split('.');
	if (parts.length !== 5) throw new EventRejected('The encrypted data is not a compact JWE', 400);
	const [protectedHeader, encryptedKey, ivPart, cipherPart, tagPart] = parts;
	const header = jsonObject(segment(protectedHeader, 'encryption header'), 'encryption header');
	if (header.alg !== 'dir' || header.enc !== 'A256GCM') {
		throw new EventRejected(
			`The encryption ${String(JSON.stringify([header.alg, header.enc])).slice(0, 40)} is not dir/A256GCM`,
			400,
		);
	}
	if (header.zip !== undefined || header.crit !== undefined)
		throw new EventRejected('The encryption header asks for unsupported features', 400);
	if (encryptedKey !== '')
		throw new EventRejected('A dir JWE must not carry an encrypted key', 400);
	const iv = segment(ivPart, 'encryption IV');
	const tag = segment(tagPart, 'encryption tag');
	if (iv.length !== 12 || tag.length !== 16)
		throw new EventRejected('The encryption IV or tag has the wrong length', 400);
	const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
	decipher.setAAD(Buffer.from(protectedHeader, 'ascii'));
	decipher.setAuthTag(tag);
	const ciphertext = segment(cipherPart, 'ciphertext');
	let plaintext: Buffer | undefined;
	try {
		plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
	} catch {
		plaintext = undefined;
	}
	// Wrong key or changed bytes: GCM cannot tell which, and neither should the answer.
	if (!plaintext)
		throw new EventRejected("The encrypted data could not be decrypted with the credential's key");
	return plaintext.toString('utf8');
}
