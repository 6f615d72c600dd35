import { generateKeyPairSync, sign } from 'crypto';
import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

import { EventRejected } from '../../nodes/AlibabaIdaasEventTrigger/jose';
import { clearKeyCache } from '../../nodes/AlibabaIdaasEventTrigger/jwks';
import { jwksEndpoint, receive } from '../../nodes/AlibabaIdaasEventTrigger/receive';
import { APP_ID, ENCRYPT_KEY, EVENT1, JWK_JSON } from './sdkVectors';

/**
 * One callback request into verified business data, with the webhook context faked: the body,
 * and n8n's httpRequest for the key endpoint (counted). Alibaba's SDK vectors for the encrypted
 * case; a token signed here for the plain one.
 */

const INSTANCE = 'idaas_2w4vmfrynxi7ae25mt7k5e4opi';
const VECTOR_TIME = { nowSeconds: 1648625708, checkExpiry: false };

function webhook(body: unknown, jwks: unknown = JSON.parse(JWK_JSON)) {
	const fetched: unknown[] = [];
	const ctx = {
		getBodyData: () => body,
		helpers: {
			httpRequest: async (options: unknown) => {
				fetched.push(options);
				return jwks;
			},
		},
	} as unknown as IWebhookFunctions;
	return { ctx, fetched };
}

const pasted = (extra: Record<string, unknown> = {}): ICredentialDataDecryptedObject => ({
	keySource: 'pasted',
	jwks: JWK_JSON,
	applicationId: ` ${APP_ID} `,
	instanceId: '',
	encryptionSecret: ENCRYPT_KEY,
	...(extra as ICredentialDataDecryptedObject),
});

async function rejection(promise: Promise<unknown>): Promise<EventRejected> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(EventRejected);
		return error as EventRejected;
	}
	throw new Error('was accepted');
}

/** A plain (unencrypted) event signed with a key of our own. */
function plainEvent(now: number, claimsExtra: Record<string, unknown> = {}) {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'own', use: 'sig', alg: 'RS256' };
	const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const data = {
		instanceId: 'idaas_own',
		aliUid: '1',
		eventVersion: 'V1.0',
		eventData: [
			{
				eventId: 'e1',
				eventType: 'urn:x:user:create',
				eventTime: 5,
				bizId: 'user_1',
				bizData: { userId: 'user_1' },
			},
		],
	};
	const head = b64({ alg: 'RS256', kid: 'own', typ: 'JWT' });
	const claims = b64({
		iss: 'urn:alibaba:idaas:app:event',
		sub: 'idaas_own',
		aud: 'app_own',
		iat: now,
		exp: now + 300,
		dataEncrypted: false,
		plainData: JSON.stringify(data),
		...claimsExtra,
	});
	const signature = sign('RSA-SHA256', Buffer.from(`${head}.${claims}`), privateKey).toString(
		'base64url',
	);
	return { token: `${head}.${claims}.${signature}`, jwks: JSON.stringify({ keys: [jwk] }) };
}

beforeEach(() => clearKeyCache());
afterEach(() => jest.restoreAllMocks());

describe('receive', () => {
	test('verifies and decrypts an encrypted event with a pasted JWKS; the instance comes from the token when the credential has none', async () => {
		const { ctx, fetched } = webhook({ event: EVENT1 });
		const received = await receive.call(ctx, pasted(), {
			skewSeconds: 60,
			requireEncryption: true,
			...VECTOR_TIME,
		});
		expect(received.applicationId).toBe(APP_ID);
		expect(received.instanceId).toBe(INSTANCE);
		expect(received.data.events.map((e) => e.eventType)).toEqual([
			'urn:alibaba:idaas:app:event:ud:user:delete',
		]);
		expect(fetched).toEqual([]);
	});

	test("the credential's instance, when given, must be the token's, and is what the item says", async () => {
		const { ctx } = webhook({ event: EVENT1 });
		const ok = await receive.call(ctx, pasted({ instanceId: ` ${INSTANCE} ` }), {
			skewSeconds: 60,
			requireEncryption: false,
			...VECTOR_TIME,
		});
		expect(ok.instanceId).toBe(INSTANCE);
		expect(
			(
				await rejection(
					receive.call(ctx, pasted({ instanceId: 'idaas_other' }), {
						skewSeconds: 60,
						requireEncryption: false,
						...VECTOR_TIME,
					}),
				)
			).message,
		).toMatch(/sub/);
		expect(
			(
				await rejection(
					receive.call(ctx, pasted({ applicationId: 'app_other' }), {
						skewSeconds: 60,
						requireEncryption: false,
						...VECTOR_TIME,
					}),
				)
			).message,
		).toMatch(/aud/);
	});

	test('fetches the key from the endpoint with a GET, JSON and a 5 s timeout', async () => {
		const { ctx, fetched } = webhook({ event: EVENT1 });
		const credentials = pasted({
			keySource: 'endpoint',
			jwks: undefined,
			jwksUrl: ' https://keys.example/jwks ',
		});
		const received = await receive.call(ctx, credentials, {
			skewSeconds: 60,
			requireEncryption: true,
			...VECTOR_TIME,
		});
		expect(received.instanceId).toBe(INSTANCE);
		expect(fetched).toEqual([
			{ method: 'GET', url: 'https://keys.example/jwks', json: true, timeout: 5000 },
		]);
	});

	test('checks expiry against the clock unless told not to', async () => {
		const { ctx } = webhook({ event: EVENT1 });
		// The vector was issued 2022-03-30 and is valid for 30 minutes.
		expect(
			(await rejection(receive.call(ctx, pasted(), { skewSeconds: 60, requireEncryption: true })))
				.message,
		).toMatch(/expired/);
		jest.spyOn(Date, 'now').mockReturnValue(1648625708 * 1000 + 999);
		const received = await receive.call(ctx, pasted(), {
			skewSeconds: 60,
			requireEncryption: true,
		});
		expect(received.applicationId).toBe(APP_ID);
	});

	test("an encrypted event needs the credential's key", async () => {
		const { ctx } = webhook({ event: EVENT1 });
		for (const encryptionSecret of [undefined, '', '  ']) {
			const error = await rejection(
				receive.call(ctx, pasted({ encryptionSecret }), {
					skewSeconds: 60,
					requireEncryption: false,
					...VECTOR_TIME,
				}),
			);
			expect(error.message).toBe(
				'The event data is encrypted and the credential has no encryption key',
			);
			expect(error.status).toBe(500);
		}
		const wrong = await rejection(
			receive.call(ctx, pasted({ encryptionSecret: 'a'.repeat(64) }), {
				skewSeconds: 60,
				requireEncryption: false,
				...VECTOR_TIME,
			}),
		);
		expect(wrong.message).toMatch(/could not be decrypted/);
	});

	test('a plain event is taken from plainData, unless the trigger requires encryption', async () => {
		const now = 1_800_000_000;
		const { token, jwks } = plainEvent(now);
		const { ctx } = webhook({ event: token });
		const credentials = pasted({ jwks, applicationId: 'app_own', encryptionSecret: '' });
		const received = await receive.call(ctx, credentials, {
			skewSeconds: 60,
			requireEncryption: false,
			nowSeconds: now,
		});
		expect(received).toEqual({
			applicationId: 'app_own',
			instanceId: 'idaas_own',
			data: {
				instanceId: 'idaas_own',
				aliUid: '1',
				eventVersion: 'V1.0',
				events: [
					{
						eventId: 'e1',
						eventType: 'urn:x:user:create',
						eventTime: 5,
						bizId: 'user_1',
						bizData: { userId: 'user_1' },
					},
				],
			},
		});
		const refused = await rejection(
			receive.call(ctx, credentials, { skewSeconds: 60, requireEncryption: true, nowSeconds: now }),
		);
		expect(refused.message).toBe(
			'The event data is not encrypted, and this trigger requires encryption',
		);
		expect(refused.status).toBe(401);
	});

	test('a token whose signature does not verify is refused before its claims are read', async () => {
		const [header, payload, signature] = EVENT1.split('.');
		const bytes = Buffer.from(signature, 'base64url');
		bytes[0] ^= 0x01;
		const { ctx } = webhook({ event: `${header}.${payload}.${bytes.toString('base64url')}` });
		const error = await rejection(
			receive.call(ctx, pasted(), { skewSeconds: 60, requireEncryption: true, ...VECTOR_TIME }),
		);
		expect(error.message).toBe('The token signature is not valid');
		expect(error.status).toBe(401);
	});

	test("a credential without an instance field takes the token's", async () => {
		const credentials = pasted();
		delete credentials.instanceId;
		const received = await receive.call(webhook({ event: EVENT1 }).ctx, credentials, {
			skewSeconds: 60,
			requireEncryption: true,
			...VECTOR_TIME,
		});
		expect(received.instanceId).toBe(INSTANCE);
	});

	test('a token without sub and a credential without an instance give an empty instance, not a made-up one', async () => {
		const now = 1_800_000_000;
		// JSON leaves an undefined claim out: the token carries no sub at all.
		const { token, jwks } = plainEvent(now, { sub: undefined });
		const credentials = pasted({ jwks, applicationId: 'app_own', encryptionSecret: '' });
		delete credentials.instanceId;
		const received = await receive.call(webhook({ event: token }).ctx, credentials, {
			skewSeconds: 60,
			requireEncryption: false,
			nowSeconds: now,
		});
		expect(received.instanceId).toBe('');
		expect(received.applicationId).toBe('app_own');
	});

	test('a body without an event token, or a token no key verifies, is refused', async () => {
		for (const body of [undefined, null, {}, { event: '' }]) {
			const error = await rejection(
				receive.call(webhook(body).ctx, pasted(), {
					skewSeconds: 60,
					requireEncryption: false,
					...VECTOR_TIME,
				}),
			);
			expect(error.status).toBe(400);
		}
		const { token } = plainEvent(1_800_000_000);
		const error = await rejection(
			receive.call(webhook({ event: token }).ctx, pasted(), {
				skewSeconds: 60,
				requireEncryption: false,
				...VECTOR_TIME,
			}),
		);
		expect(error.message).toMatch(/key ID/);
	});
});

describe('jwksEndpoint', () => {
	test('takes https, or http on the loopback only (the local emulator)', () => {
		expect(jwksEndpoint(' https://keys.example/jwks ')).toBe('https://keys.example/jwks');
		expect(jwksEndpoint('https://keys.example')).toBe('https://keys.example/');
		for (const local of [
			'http://localhost:8787/jwks',
			'http://127.0.0.1:1/x',
			'http://127.10.0.1/x',
			'http://[::1]:9/x',
		]) {
			expect(jwksEndpoint(local)).toBe(local);
		}
	});

	test('refuses anything else, as a credential problem (500)', () => {
		for (const bad of [
			'http://keys.example/jwks',
			'http://notlocalhost/x',
			'ftp://localhost/x',
			'ws://127.0.0.1/x',
			'http://10.0.0.1/x',
			'http://localhost.evil/x',
			'http://x127.0.0.1.example/x',
			'http://127.0.0.1.evil/x',
			'ftp://keys.example/x',
			'https://user:pw@keys.example/x',
			'https://user@keys.example/x',
			'https://:pw@keys.example/x',
		]) {
			const call = () => jwksEndpoint(bad);
			expect(call).toThrow(EventRejected);
			expect(call).toThrow("The credential's public key endpoint must be an https:// URL");
		}
		for (const bad of ['', 'keys.example/jwks', undefined, 42]) {
			expect(() => jwksEndpoint(bad)).toThrow("The credential's public key endpoint is not a URL");
		}
		try {
			jwksEndpoint('nope');
		} catch (error) {
			expect((error as EventRejected).status).toBe(500);
		}
	});
});
