import {
	createCipheriv,
	createHmac,
	generateKeyPairSync,
	randomBytes,
	sign,
	type KeyObject,
} from 'crypto';

/**
 * The emulated IDaaS's side of the event-callback crypto: an RSA-2048 signing key per kid, the
 * JWKS the receiver fetches, RS256 tokens and `dir`/A256GCM JWEs, shaped like Alibaba's samples
 * (https://github.com/aliyunidaas/java-push-sdk, EventDataRunnerTest). Also the forgeries the
 * fault tests send.
 */

const KID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** "KEY" plus 33 letters and digits, as in the samples. */
export function newKid(): string {
	return `KEY${[...randomBytes(33)].map((b) => KID_ALPHABET[b % KID_ALPHABET.length]).join('')}`;
}

interface SigningKey {
	kid: string;
	privateKey: KeyObject;
	jwk: Record<string, unknown>;
}

function newKey(): SigningKey {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
	const kid = newKid();
	// The documented JWKS entry has no alg member.
	return { kid, privateKey, jwk: { kty: 'RSA', e, use: 'sig', kid, n } };
}

const b64 = (value: unknown) =>
	Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** One application's keys: the newest signs, older ones stay published until dropped. */
export class KeyRing {
	private keys: SigningKey[] = [newKey()];

	get current(): SigningKey {
		return this.keys[this.keys.length - 1];
	}

	jwks(): { keys: Array<Record<string, unknown>> } {
		return { keys: this.keys.map((k) => k.jwk) };
	}

	/** A new signing key; the old ones are kept in the JWKS unless `dropOld`. */
	rotate(dropOld = false): string {
		const key = newKey();
		this.keys = dropOld ? [key] : [...this.keys, key];
		return key.kid;
	}

	sign(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
		const key = this.current;
		const input = `${b64({ kid: key.kid, typ: 'JWT', alg: 'RS256', ...header })}.${b64(claims)}`;
		return `${input}.${sign('RSA-SHA256', Buffer.from(input), key.privateKey).toString('base64url')}`;
	}
}

/** Compact JWE, `dir` + A256GCM, the protected header as additional authenticated data. */
export function encrypt(plaintext: string, keyHex: string): string {
	const header = b64({ alg: 'dir', enc: 'A256GCM' });
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), iv);
	cipher.setAAD(Buffer.from(header, 'ascii'));
	const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	return `${header}..${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

export const FORGERIES = [
	'expired',
	'badSignature',
	'unknownKid',
	'wrongAudience',
	'wrongIssuer',
	'algNone',
	'hs256',
	'tamperedCipher',
	'foreignKey',
] as const;
export type Forgery = (typeof FORGERIES)[number];

/**
 * A token that a correct receiver must refuse, built from genuine claims: each breaks exactly
 * one rule (expiry, signature, kid, aud, iss, algorithm, ciphertext, signer).
 */
export function forge(ring: KeyRing, claims: Record<string, unknown>, kind: Forgery): string {
	const now = Math.floor(Date.now() / 1000);
	switch (kind) {
		case 'expired':
			return ring.sign({ ...claims, iat: now - 7200, exp: now - 3600 });
		case 'wrongAudience':
			return ring.sign({ ...claims, aud: 'app_someoneelse000000000000000' });
		case 'wrongIssuer':
			return ring.sign({ ...claims, iss: 'urn:example:not-idaas' });
		case 'unknownKid':
			return ring.sign(claims, { kid: newKid() });
		case 'badSignature': {
			const [h, p, s] = ring.sign(claims).split('.');
			const bytes = Buffer.from(s, 'base64url');
			bytes[0] ^= 0x80;
			return `${h}.${p}.${bytes.toString('base64url')}`;
		}
		case 'algNone':
			return `${b64({ kid: ring.current.kid, typ: 'JWT', alg: 'none' })}.${b64(claims)}.`;
		case 'hs256': {
			const input = `${b64({ kid: ring.current.kid, typ: 'JWT', alg: 'HS256' })}.${b64(claims)}`;
			return `${input}.${createHmac('sha256', JSON.stringify(ring.jwks())).update(input).digest('base64url')}`;
		}
		case 'tamperedCipher': {
			const parts = String(claims.cipherData || encrypt('{}', '00'.repeat(32))).split('.');
			const bytes = Buffer.from(parts[3], 'base64url');
			bytes[0] ^= 0x01;
			parts[3] = bytes.toString('base64url');
			return ring.sign({
				...claims,
				dataEncrypted: true,
				cipherData: parts.join('.'),
				plainData: '',
			});
		}
		case 'foreignKey': {
			// Same kid, another private key: only the signature gives it away.
			const stranger = newKey();
			const input = `${b64({ kid: ring.current.kid, typ: 'JWT', alg: 'RS256' })}.${b64(claims)}`;
			return `${input}.${sign('RSA-SHA256', Buffer.from(input), stranger.privateKey).toString('base64url')}`;
		}
	}
}
