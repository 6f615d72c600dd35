import { createHmac, generateKeyPairSync, sign } from 'crypto';

import {
	checkClaims,
	decryptJwe,
	encryptionKey,
	EventRejected,
	parseJws,
	verifyJws,
} from '../../nodes/AlibabaIdaasEventTrigger/jose';
import { parseJwks } from '../../nodes/AlibabaIdaasEventTrigger/jwks';
import { businessData } from '../../nodes/AlibabaIdaasEventTrigger/payload';
import { APP_ID, ENCRYPT_KEY, EVENT1, EVENT2, JWK_JSON } from './sdkVectors';

const KID = 'KEY8VxTKYXwisMyfCAyMTQsux5pSbkZgygSy';
const keys = parseJwks(JWK_JSON);
const key = encryptionKey(ENCRYPT_KEY)!;
// The vectors were issued on 2022-03-30; their expiry is not checked (as in the SDK's own test).
const RULES = {
	applicationId: APP_ID,
	nowSeconds: 1648625708,
	skewSeconds: 60,
	checkExpiry: false,
};

/** Verifies, checks claims and decrypts: what the trigger does with a token, minus the HTTP. */
function open(token: string, rules = RULES) {
	const jws = parseJws(token);
	const found = keys.get(jws.kid);
	if (!found) throw new EventRejected('unknown kid');
	verifyJws(jws, found);
	checkClaims(jws.claims, rules);
	return businessData(
		jws.claims.dataEncrypted ? decryptJwe(jws.claims.cipherData, key) : jws.claims.plainData,
	);
}

const b64 = (value: unknown) =>
	Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
/** Flips one bit of a base64url segment's decoded bytes. */
function flip(part: string, at = 0): string {
	const bytes = Buffer.from(part, 'base64url');
	bytes[Math.min(at, bytes.length - 1)] ^= 0x01;
	return bytes.toString('base64url');
}

function rejected(fn: () => unknown): EventRejected {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(EventRejected);
		return error as EventRejected;
	}
	throw new Error('was accepted');
}

describe("Alibaba's SDK test vectors", () => {
	test('the JWKS yields the 2048-bit RSA key by its kid', () => {
		expect([...keys.keys()]).toEqual([KID]);
		expect(keys.get(KID)!.asymmetricKeyDetails?.modulusLength).toBe(2048);
	});

	test('EVENT1 verifies and decrypts to the user:delete of the SDK test', () => {
		const jws = parseJws(EVENT1);
		expect(jws.header).toEqual({ kid: KID, typ: 'JWT', alg: 'RS256' });
		expect(jws.claims).toMatchObject({
			iss: 'urn:alibaba:idaas:app:event',
			sub: 'idaas_2w4vmfrynxi7ae25mt7k5e4opi',
			aud: APP_ID,
			exp: 1648627508,
			iat: 1648625708,
			jti: 'GRUOIR19y23Q_Q_coz1Kcw',
			dataEncrypted: true,
			plainData: '',
		});
		expect(open(EVENT1)).toEqual({
			instanceId: 'idaas_2w4vmfrynxi7ae25mt7k5e4opi',
			aliUid: '1021806970344813',
			eventVersion: 'V1.0',
			events: [
				{
					eventId: 'evnt_aaaac76zx6x3lxfwgp2f2vm4kvhiv2gi33kqc7q',
					eventType: 'urn:alibaba:idaas:app:event:ud:user:delete',
					eventTime: 1648625692578,
					bizId: 'user_ossx3qxxixacimjwpwqdmmofr4',
					bizData: { userId: 'user_ossx3qxxixacimjwpwqdmmofr4' },
				},
			],
		});
	});

	test('EVENT2 decrypts to the user:create record with the V1.0 field names', () => {
		const data = open(EVENT2, { ...RULES, nowSeconds: 1648630243 });
		expect(data.events).toHaveLength(1);
		expect(data.events[0]).toMatchObject({
			eventType: 'urn:alibaba:idaas:app:event:ud:user:create',
			bizId: 'user_ezb3oauipzax3gbxhg4c5blc64',
		});
		expect(data.events[0].bizData).toMatchObject({
			userId: 'user_ezb3oauipzax3gbxhg4c5blc64',
			username: 'alice',
			displayName: 'Alice',
			email: 'alice@example.com',
			sourceType: 'build_in',
			status: 'enabled',
			organizationalUnits: [
				{ organizationalUnitId: 'ou_root', name: 'Alibaba Cloud IDaaS', primary: true },
			],
		});
	});

	test('with expiry checked, the 2022 tokens are refused as expired (skew 60 s)', () => {
		const jws = parseJws(EVENT1);
		expect(() =>
			checkClaims(jws.claims, { ...RULES, checkExpiry: true, nowSeconds: 1648627508 + 59 }),
		).not.toThrow();
		expect(
			rejected(() =>
				checkClaims(jws.claims, { ...RULES, checkExpiry: true, nowSeconds: 1648627508 + 60 }),
			).message,
		).toMatch(/expired/);
		expect(
			rejected(() =>
				checkClaims(jws.claims, { ...RULES, checkExpiry: true, nowSeconds: 1648625708 - 61 }),
			).message,
		).toMatch(/future/);
	});
});

describe('tampered copies of EVENT1 are refused', () => {
	const [header, payload, signature] = EVENT1.split('.');
	const claims = decode(payload);
	const [jweHeader, , iv, cipher, tag] = (claims.cipherData as string).split('.');
	// A changed cipherData inside the token breaks its signature first; the JWE checks behind the
	// signature are exercised on decryptJwe directly.

	test.each([
		['a header byte', () => `${flip(header, 5)}.${payload}.${signature}`],
		[
			'the header re-encoded (same alg and kid)',
			() => `${b64({ alg: 'RS256', kid: KID, typ: 'JWT' })}.${payload}.${signature}`,
		],
		['a payload byte', () => `${header}.${flip(payload, 40)}.${signature}`],
		['a signature byte', () => `${header}.${payload}.${flip(signature, 10)}`],
		[
			'the audience (payload re-encoded)',
			() => `${header}.${b64({ ...claims, aud: 'app_other' })}.${signature}`,
		],
		['the last signature byte', () => `${header}.${payload}.${flip(signature, 255)}`],
	])('changing %s', (_what, make) => {
		expect(() => open(make())).toThrow(EventRejected);
	});

	test.each([
		['a ciphertext byte', `${jweHeader}..${iv}.${flip(cipher, 3)}.${tag}`],
		['a tag byte', `${jweHeader}..${iv}.${cipher}.${flip(tag, 15)}`],
		['an IV byte', `${jweHeader}..${flip(iv, 0)}.${cipher}.${tag}`],
		[
			'the protected header (additional authenticated data)',
			`${b64({ enc: 'A256GCM', alg: 'dir' })}..${iv}.${cipher}.${tag}`,
		],
		['a truncated tag', `${jweHeader}..${iv}.${cipher}.${tag.slice(0, 10)}`],
		['an encrypted key added', `${jweHeader}.${b64('key')}.${iv}.${cipher}.${tag}`],
		['another algorithm', `${b64({ alg: 'A256KW', enc: 'A256GCM' })}..${iv}.${cipher}.${tag}`],
	])('changing %s of the JWE', (_what, jwe) => {
		expect(() => decryptJwe(jwe, key)).toThrow(EventRejected);
	});

	test('the right JWE with another key is refused', () => {
		expect(() => decryptJwe(claims.cipherData, Buffer.alloc(32, 7))).toThrow(EventRejected);
		expect(decryptJwe(claims.cipherData, key)).toContain(
			'evnt_aaaac76zx6x3lxfwgp2f2vm4kvhiv2gi33kqc7q',
		);
	});

	test('alg none (no signature) is refused before any key is used', () => {
		const token = `${b64({ kid: KID, typ: 'JWT', alg: 'none' })}.${payload}.`;
		expect(rejected(() => open(token)).message).toMatch(/not RS256/);
	});

	test('HS256 signed with the public key as the secret is refused', () => {
		const h = b64({ kid: KID, typ: 'JWT', alg: 'HS256' });
		const mac = createHmac('sha256', JWK_JSON).update(`${h}.${payload}`).digest('base64url');
		expect(rejected(() => open(`${h}.${payload}.${mac}`)).message).toMatch(/not RS256/);
	});

	test('a token signed by another RSA key with the same kid is refused', () => {
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const forged = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), privateKey).toString(
			'base64url',
		);
		expect(rejected(() => open(`${header}.${payload}.${forged}`)).message).toMatch(/signature/);
	});

	test('the wrong application, issuer or instance is refused', () => {
		const jws = parseJws(EVENT1);
		expect(
			rejected(() => checkClaims(jws.claims, { ...RULES, applicationId: 'app_other' })).message,
		).toMatch(/aud/);
		expect(rejected(() => checkClaims({ ...jws.claims, iss: 'urn:evil' }, RULES)).message).toMatch(
			/issuer/,
		);
		expect(
			rejected(() => checkClaims(jws.claims, { ...RULES, instanceId: 'idaas_other' })).message,
		).toMatch(/sub/);
		expect(() =>
			checkClaims(jws.claims, { ...RULES, instanceId: 'idaas_2w4vmfrynxi7ae25mt7k5e4opi' }),
		).not.toThrow();
		expect(rejected(() => checkClaims({ ...jws.claims, iat: undefined }, RULES)).message).toMatch(
			/iat or exp/,
		);
	});

	test('malformed tokens and keys answer 400 or 500, never an exception of another kind', () => {
		for (const bad of [
			undefined,
			'',
			'a.b',
			'a.b.c.d',
			`${header}.${payload}.!!`,
			`${b64('[1]')}.${payload}.${signature}`,
		]) {
			expect(rejected(() => parseJws(bad)).status).toBe(400);
		}
		expect(
			rejected(() => parseJws(`${b64({ alg: 'RS256' })}.${payload}.${signature}`)).message,
		).toMatch(/kid/);
		expect(
			rejected(() =>
				parseJws(`${b64({ alg: 'RS256', kid: KID, crit: ['exp'] })}.${payload}.${signature}`),
			).message,
		).toMatch(/critical/);
		expect(rejected(() => encryptionKey('not-hex')).status).toBe(500);
		expect(encryptionKey('')).toBeUndefined();
		expect(rejected(() => parseJwks('{')).status).toBe(500);
	});
});
