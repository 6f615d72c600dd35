import { generateKeyPairSync } from 'crypto';

import {
	checkClaims,
	decryptJwe,
	encryptionKey,
	EventRejected,
	ISSUER,
	parseJws,
	rsaKey,
} from '../../nodes/AlibabaIdaasEventTrigger/jose';
import { APP_ID, ENCRYPT_KEY, EVENT1, JWK_JSON } from './sdkVectors';

/**
 * Every refusal of the JOSE checks with its exact reason and answer status: the webhook answers
 * with them, and a check that stopped working would otherwise hide behind a later one.
 */

const b64 = (value: unknown) =>
	Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const [HEADER, PAYLOAD, SIGNATURE] = EVENT1.split('.');
const CIPHER = JSON.parse(Buffer.from(PAYLOAD, 'base64url').toString('utf8')).cipherData as string;
const [JWE_HEADER, , IV, TEXT, TAG] = CIPHER.split('.');
const KEY = encryptionKey(ENCRYPT_KEY)!;

function refusal(run: () => unknown): { message: string; status: number } {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(EventRejected);
		expect((error as Error).name).toBe('EventRejected');
		return { message: (error as EventRejected).message, status: (error as EventRejected).status };
	}
	throw new Error('was accepted');
}

describe('parseJws refuses, saying why', () => {
	test.each([
		['no token', undefined, 'The body has no "event" token'],
		['an empty token', '', 'The body has no "event" token'],
		['a number', 7, 'The body has no "event" token'],
		['two parts', 'a.b', 'The event token is not a compact JWS'],
		['four parts', 'a.b.c.d', 'The event token is not a compact JWS'],
		[
			'a header that is not base64url',
			`!!.${PAYLOAD}.${SIGNATURE}`,
			'The token header is not base64url',
		],
		[
			'a header that is not JSON',
			`${b64('nope')}.${PAYLOAD}.${SIGNATURE}`,
			'The token header is not JSON',
		],
		[
			'a header that is a list',
			`${b64([1])}.${PAYLOAD}.${SIGNATURE}`,
			'The token header is not a JSON object',
		],
		[
			'a header that is null',
			`${b64('null')}.${PAYLOAD}.${SIGNATURE}`,
			'The token header is not a JSON object',
		],
		[
			'a header that is text',
			`${b64('"x"')}.${PAYLOAD}.${SIGNATURE}`,
			'The token header is not a JSON object',
		],
		[
			'a payload that is not base64url',
			`${HEADER}.!!.${SIGNATURE}`,
			'The token payload is not base64url',
		],
		[
			'a payload that is not JSON',
			`${HEADER}.${b64('{')}.${SIGNATURE}`,
			'The token payload is not JSON',
		],
		[
			'a payload that is a list',
			`${HEADER}.${b64([1])}.${SIGNATURE}`,
			'The token payload is not a JSON object',
		],
		[
			'a signature that is not base64url',
			`${HEADER}.${PAYLOAD}.!!`,
			'The token signature is not base64url',
		],
	])('%s (400)', (_, token, message) => {
		expect(refusal(() => parseJws(token))).toEqual({ message, status: 400 });
	});

	test('an algorithm other than RS256, critical parameters or no key ID (401)', () => {
		expect(
			refusal(() => parseJws(`${b64({ alg: 'RS512', kid: 'k' })}.${PAYLOAD}.${SIGNATURE}`)),
		).toEqual({ message: 'The token algorithm "RS512" is not RS256', status: 401 });
		expect(
			refusal(() =>
				parseJws(`${b64({ alg: 'RS256', kid: 'k', crit: [] })}.${PAYLOAD}.${SIGNATURE}`),
			),
		).toEqual({ message: 'The token has critical header parameters', status: 401 });
		expect(
			refusal(() => parseJws(`${b64({ alg: 'RS256', kid: '' })}.${PAYLOAD}.${SIGNATURE}`)),
		).toEqual({ message: 'The token header has no key ID (kid)', status: 401 });
	});

	test('a good token parses into its parts', () => {
		const jws = parseJws(EVENT1);
		expect(jws.signingInput).toBe(`${HEADER}.${PAYLOAD}`);
		expect(jws.signature).toEqual(Buffer.from(SIGNATURE, 'base64url'));
	});
});

describe('rsaKey takes only RSA signing keys of 2048 bits or more', () => {
	const jwk = JSON.parse(JWK_JSON).keys[0] as Record<string, unknown>;

	test('the SDK key, with or without use and alg', () => {
		expect(rsaKey(jwk)).toBeDefined();
		expect(rsaKey({ ...jwk, use: undefined, alg: 'RS256' })).toBeDefined();
	});

	test('not another type, use or algorithm, nor a malformed or short key', () => {
		expect(rsaKey({ ...jwk, kty: 'EC' })).toBeUndefined();
		expect(rsaKey({ ...jwk, n: 5 })).toBeUndefined();
		expect(rsaKey({ ...jwk, e: undefined })).toBeUndefined();
		expect(rsaKey({ ...jwk, use: 'enc' })).toBeUndefined();
		expect(rsaKey({ ...jwk, alg: 'RS512' })).toBeUndefined();
		expect(rsaKey({ ...jwk, n: '!!' })).toBeUndefined();
		const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
			format: 'jwk',
		});
		expect(rsaKey({ ...short })).toBeUndefined();
	});
});

describe('checkClaims', () => {
	const claims = { iss: ISSUER, aud: [APP_ID, 'app_other'], sub: 'idaas_1', iat: 1000, exp: 2000 };
	const rules = { applicationId: APP_ID, nowSeconds: 1000, skewSeconds: 60 };

	test('takes a token issued now, or up to the skew in the future, and an audience list', () => {
		expect(() => checkClaims(claims, rules)).not.toThrow();
		expect(() => checkClaims({ ...claims, iat: 1060 }, rules)).not.toThrow();
		expect(refusal(() => checkClaims({ ...claims, iat: 1061 }, rules))).toEqual({
			message: 'The token was issued in the future',
			status: 401,
		});
	});

	test('skips expiry only when told to', () => {
		const old = { ...claims, iat: 1, exp: 2 };
		expect(() => checkClaims(old, { ...rules, checkExpiry: false })).not.toThrow();
		expect(refusal(() => checkClaims(old, { ...rules, checkExpiry: true })).message).toBe(
			'The token has expired',
		);
		expect(refusal(() => checkClaims(old, rules)).message).toBe('The token has expired');
	});
});

describe('encryptionKey', () => {
	test('reads 64 hexadecimal characters, around spaces, as 32 bytes', () => {
		expect(encryptionKey(` ${ENCRYPT_KEY} `)).toEqual(Buffer.from(ENCRYPT_KEY, 'hex'));
		expect(encryptionKey(ENCRYPT_KEY.toUpperCase())).toEqual(Buffer.from(ENCRYPT_KEY, 'hex'));
		expect(encryptionKey('   ')).toBeUndefined();
		expect(encryptionKey(undefined)).toBeUndefined();
	});

	test('refuses anything else as a credential problem (500)', () => {
		for (const bad of [
			`${ENCRYPT_KEY}0`,
			`0${ENCRYPT_KEY}`,
			ENCRYPT_KEY.slice(1),
			`${ENCRYPT_KEY.slice(1)}g`,
		]) {
			expect(refusal(() => encryptionKey(bad))).toEqual({
				message: "The credential's encryption key is not 64 hexadecimal characters",
				status: 500,
			});
		}
	});
});

describe('decryptJwe refuses, saying why', () => {
	const jwe = (
		header: unknown,
		parts: Partial<Record<'key' | 'iv' | 'text' | 'tag', string>> = {},
	) =>
		[
			typeof header === 'string' ? header : b64(header),
			parts.key ?? '',
			parts.iv ?? IV,
			parts.text ?? TEXT,
			parts.tag ?? TAG,
		].join('.');

	test('decrypts the SDK vector', () => {
		expect(JSON.parse(decryptJwe(CIPHER, KEY))).toMatchObject({ eventVersion: 'V1.0' });
	});

	test.each([
		['no data', undefined, 'The encrypted data is missing'],
		['four parts', 'a.b.c.d', 'The encrypted data is not a compact JWE'],
		['a header that is not base64url', jwe('!!'), 'The encryption header is not base64url'],
		['a header that is not JSON', jwe(b64('{')), 'The encryption header is not JSON'],
		[
			'another key algorithm',
			jwe({ alg: 'A256KW', enc: 'A256GCM' }),
			'The encryption ["A256KW","A256GCM"] is not dir/A256GCM',
		],
		[
			'another content encryption',
			jwe({ alg: 'dir', enc: 'A128GCM' }),
			'The encryption ["dir","A128GCM"] is not dir/A256GCM',
		],
		[
			'compression',
			jwe({ alg: 'dir', enc: 'A256GCM', zip: 'DEF' }),
			'The encryption header asks for unsupported features',
		],
		[
			'critical parameters',
			jwe({ alg: 'dir', enc: 'A256GCM', crit: ['x'] }),
			'The encryption header asks for unsupported features',
		],
		[
			'an encrypted key',
			jwe({ alg: 'dir', enc: 'A256GCM' }, { key: 'abc' }),
			'A dir JWE must not carry an encrypted key',
		],
		[
			'an IV that is not base64url',
			jwe({ alg: 'dir', enc: 'A256GCM' }, { iv: '!!' }),
			'The encryption IV is not base64url',
		],
		[
			'a tag that is not base64url',
			jwe({ alg: 'dir', enc: 'A256GCM' }, { tag: '!!' }),
			'The encryption tag is not base64url',
		],
		[
			'a short IV',
			jwe({ alg: 'dir', enc: 'A256GCM' }, { iv: b64('12345678') }),
			'The encryption IV or tag has the wrong length',
		],
		[
			'a short tag',
			jwe({ alg: 'dir', enc: 'A256GCM' }, { tag: b64('12345678') }),
			'The encryption IV or tag has the wrong length',
		],
		[
			'ciphertext that is not base64url',
			jwe(JWE_HEADER, { text: '!!' }),
			'The ciphertext is not base64url',
		],
	])('%s (400)', (_, token, message) => {
		expect(refusal(() => decryptJwe(token, KEY))).toEqual({ message, status: 400 });
	});

	test('the right JWE with another key, or a changed byte, cannot be decrypted (401)', () => {
		const reason = {
			message: "The encrypted data could not be decrypted with the credential's key",
			status: 401,
		};
		expect(refusal(() => decryptJwe(CIPHER, Buffer.alloc(32, 1)))).toEqual(reason);
		const text = Buffer.from(TEXT, 'base64url');
		text[0] ^= 1;
		expect(
			refusal(() => decryptJwe(jwe(JWE_HEADER, { text: text.toString('base64url') }), KEY)),
		).toEqual(reason);
	});
});
