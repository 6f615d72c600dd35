import type { KeyObject } from 'crypto';

import { tokenFor, type PushConfig, type WireEvent } from '../../emulator/events/delivery';
import { KeyRing } from '../../emulator/events/keys';
import {
	clearKeyCache,
	endpointKey,
	MAX_BACKOFF_MS,
	REFETCH_INTERVAL_MS,
} from '../../nodes/AlibabaIdaasEventTrigger/jwks';
import { ISSUER } from '../../nodes/AlibabaIdaasEventTrigger/jose';
import { Receiver } from './receiver';

/**
 * Odd and hostile deliveries: one malformed event among good ones, options an expression set
 * to nonsense, forged tokens fishing for which check failed, and a key endpoint that is down.
 */

const APP = 'app_hostiletest000000000000';
const INSTANCE = 'idaas_hostiletest0000000000';
const KEY = 'beef'.repeat(16);
const ring = new KeyRing();
// Java's Long.MAX_VALUE, a common "never" (the literal would lose precision as a JS number).
const NEVER = Number('9223372036854775807');
const config = { applicationId: APP, encrypt: true, encryptionKey: KEY } as PushConfig;
let n = 0;

const event = (bizData: unknown, extra: Partial<WireEvent> = {}): WireEvent => ({
	eventId: `evnt_hostile${String(++n).padStart(30, '0')}`,
	eventType: 'urn:alibaba:idaas:app:event:ud:user:update_info',
	eventTime: String(Date.UTC(2026, 11, 1, 12, 0, n)),
	bizId: `user_${n}`,
	bizData: JSON.stringify(bizData),
	...extra,
});
const body = (...events: WireEvent[]) => ({
	event: tokenFor(config, ring, INSTANCE, events).token,
});

let receiver: Receiver;
beforeEach(() => {
	receiver = new Receiver({
		applicationId: APP,
		instanceId: INSTANCE,
		keySource: 'pasted',
		jwks: JSON.stringify(ring.jwks()),
		encryptionSecret: KEY,
	});
	receiver.parameters = {
		events: ['*'],
		fullPush: 'emit',
		emitTestEvents: false,
		simplify: true,
		options: {},
	};
});
afterEach(() => receiver.restart());

describe('one malformed event in a delivery', () => {
	test('is answered failed, the others are emitted once; the retry gives no duplicate and no loss', async () => {
		const good = event({
			userId: 'user_good',
			username: 'good',
			userOrganizationalUnits: [{ organizationalUnitId: 'ou_1', primary: true }],
		});
		const asText = event({
			userId: 'user_text',
			userOrganizationalUnits: JSON.stringify([{ organizationalUnitId: 'ou_1' }]),
		});
		const holdsNull = event({ userId: 'user_null', userOrganizationalUnits: [null] });
		// A time beyond the Date range ("never") is no reason to fail: it is passed on as sent.
		const never = event(
			{ userId: 'user_never', accountExpireTime: NEVER },
			{ eventTime: '9223372036854775807' },
		);
		const delivery = [good, asText, holdsNull, never];

		const first = await receiver.call(body(...delivery));
		expect(first.status).toBe(200);
		expect(first.items.map((i) => i.eventId)).toEqual([good.eventId, never.eventId]);
		expect(first.items[1]).toMatchObject({
			eventTime: NEVER,
			data: { userId: 'user_never', accountExpireTime: NEVER },
		});
		expect(first.webhookResponse).toEqual({
			successEvents: [
				{ eventId: good.eventId, eventCode: 'SUCCESS', eventMessage: 'SUCCESS' },
				{ eventId: never.eventId, eventCode: 'SUCCESS', eventMessage: 'SUCCESS' },
			],
			skippedEvents: [],
			failedEvents: [
				{
					eventId: asText.eventId,
					eventCode: 'failed',
					eventMessage:
						"The user record's userOrganizationalUnits is not a list of organizational units",
				},
				{
					eventId: holdsNull.eventId,
					eventCode: 'failed',
					eventMessage:
						"The user record's userOrganizationalUnits is not a list of organizational units",
				},
			],
			retriedEvents: [],
		});

		// IDaaS sends the whole delivery again (its answer was lost): nothing twice, nothing lost.
		const retry = await receiver.call(body(...delivery));
		expect(retry.items).toEqual([]);
		expect(retry.webhookResponse!.successEvents).toEqual([
			{ eventId: good.eventId, eventCode: 'SUCCESS', eventMessage: 'duplicate' },
			{ eventId: never.eventId, eventCode: 'SUCCESS', eventMessage: 'duplicate' },
		]);
		expect(
			(retry.webhookResponse!.failedEvents as Array<{ eventId: string }>).map((e) => e.eventId),
		).toEqual([asText.eventId, holdsNull.eventId]);
		expect(receiver.items().map((i) => i.eventId)).toEqual([good.eventId, never.eventId]);
	});

	test('a record that is not JSON fails only its own event', async () => {
		const good = event({ userId: 'user_fine' });
		const broken = { ...event({}), bizData: '{"userId": "user_cut' };
		const result = await receiver.call(body(broken, good));
		expect(result.status).toBe(200);
		expect(result.items.map((i) => i.eventId)).toEqual([good.eventId]);
		expect(result.webhookResponse!.failedEvents).toEqual([
			{ eventId: broken.eventId, eventCode: 'failed', eventMessage: 'The bizData is not JSON' },
		]);
	});

	test('a bad event is not recorded as seen: once its sender fixes it, the same ID is emitted', async () => {
		const bad = event({ userId: 'user_fixed', userOrganizationalUnits: '[]' });
		expect((await receiver.call(body(bad))).items).toEqual([]);
		const fixed = {
			...bad,
			bizData: JSON.stringify({ userId: 'user_fixed', userOrganizationalUnits: [] }),
		};
		expect((await receiver.call(body(fixed))).items.map((i) => i.eventId)).toEqual([bad.eventId]);
	});
});

describe('number options an expression set to nonsense refuse the delivery', () => {
	const expiredToken = () => {
		const now = Math.floor(Date.now() / 1000);
		const signed = tokenFor(config, ring, INSTANCE, [event({ userId: 'user_old' })]);
		// A year past its expiry, signed with the real key.
		return {
			event: ring.sign({ ...signed.claims, iat: now - 366 * 86400, exp: now - 365 * 86400 }),
		};
	};

	test.each([['60s'], [NaN], [1e12], [-1], [601]])(
		'Clock Skew %p: the expired token is not accepted, the log names the option',
		async (clockSkew) => {
			receiver.parameters.options = { clockSkew };
			const result = await receiver.call(expiredToken());
			expect(result).toMatchObject({
				status: 500,
				body: { error: 'internal_error', errorDescription: 'The event could not be processed' },
			});
			expect(receiver.executions).toHaveLength(0);
			expect(receiver.logs.at(-1)).toMatch(/Clock Skew \(Seconds\) must be a number from 0 to 600/);
		},
	);

	test('a valid skew still lets the expiry check refuse the old token', async () => {
		receiver.parameters.options = { clockSkew: '120' };
		expect(await receiver.call(expiredToken())).toMatchObject({ status: 401 });
		expect(receiver.logs.at(-1)).toMatch(/expired/);
	});

	test.each([['many'], [NaN], [1e12], [99], [150.5]])(
		'Remembered Event IDs %p: refused, so the ledger is never emptied',
		async (rememberedEvents) => {
			const e = event({ userId: 'user_once' });
			expect((await receiver.call(body(e))).items).toHaveLength(1);
			receiver.parameters.options = { rememberedEvents };
			expect(await receiver.call(body(e))).toMatchObject({ status: 500, items: [] });
			expect(receiver.logs.at(-1)).toMatch(
				/Remembered Event IDs must be a whole number from 100 to 1000000/,
			);
			receiver.parameters.options = {};
			expect((await receiver.call(body(e))).items).toEqual([]);
			expect(receiver.items()).toHaveLength(1);
		},
	);
});

describe('refusals tell the caller nothing', () => {
	const claims = () =>
		tokenFor({ ...config, encrypt: false }, ring, INSTANCE, [event({ userId: 'user_x' })]).claims;
	const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

	test('every failed check gives the same short body; the reason is in the log', async () => {
		const forged = {
			audience: ring.sign({ ...claims(), aud: 'app_someoneelse000000000000000' }),
			instance: ring.sign({ ...claims(), sub: 'idaas_someoneelse00000000000' }),
			issuer: ring.sign({ ...claims(), iss: 'urn:example' }),
			kid: ring.sign(claims(), { kid: 'unknown-kid' }),
			hugeAlg: `${b64({ kid: 'k', alg: 'A'.repeat(200_000) })}.${b64(claims())}.`,
		};
		const bodies = new Set<string>();
		for (const token of Object.values(forged)) {
			const result = await receiver.call({ event: token });
			expect(result.status).toBe(401);
			bodies.add(JSON.stringify(result.body));
		}
		expect([...bodies]).toEqual([
			JSON.stringify({ error: 'bad_request', errorDescription: 'The event was refused' }),
		]);
		expect(receiver.logs.join('\n')).toMatch(
			/another application \(aud\)[\s\S]*another IDaaS instance \(sub\)[\s\S]*issuer[\s\S]*key ID/,
		);
		// The alg a caller sent reaches the log cut short, never 200 KB of it.
		expect(receiver.logs.at(-1)!.length).toBeLessThan(200);
		expect(receiver.executions).toHaveLength(0);
		expect(ISSUER).not.toBe('urn:example');
	});
});

describe('the public key endpoint while it is down', () => {
	const other = new KeyRing();
	beforeEach(() => clearKeyCache());
	const URL_ = 'https://keys.example.test/jwks';

	test('fifty forged kids make one fetch, and the wait doubles after each failure', async () => {
		let fetches = 0;
		const down = async () => {
			fetches++;
			throw new Error('ECONNREFUSED');
		};
		const t0 = 1_000_000;
		const results = [];
		for (let i = 0; i < 50; i++)
			results.push(
				await endpointKey(URL_, `forged-${i}`, down, t0 + i).catch((e: Error) => e.message),
			);
		expect(fetches).toBe(1);
		expect(new Set(results)).toEqual(
			new Set(['The public keys could not be fetched from the public key endpoint']),
		);
		// 1 s after the first failure: the second try; then 2 s, then 4 s.
		await endpointKey(URL_, 'x', down, t0 + REFETCH_INTERVAL_MS).catch(() => undefined);
		expect(fetches).toBe(2);
		await endpointKey(URL_, 'x', down, t0 + REFETCH_INTERVAL_MS * 2).catch(() => undefined);
		expect(fetches).toBe(2);
		await endpointKey(URL_, 'x', down, t0 + REFETCH_INTERVAL_MS * 3).catch(() => undefined);
		expect(fetches).toBe(3);
		// Never more than one try a minute, however long it stays down.
		let t = t0 + REFETCH_INTERVAL_MS * 3;
		for (let i = 0; i < 20; i++)
			await endpointKey(URL_, 'x', down, (t += MAX_BACKOFF_MS)).catch(() => undefined);
		expect(fetches).toBe(23);
	});

	test('a key fetched before keeps verifying while the endpoint is down, also past its day of validity', async () => {
		const kid = String(other.jwks().keys[0].kid);
		let up = true;
		let fetches = 0;
		const fetchJwks = async () => {
			fetches++;
			if (!up) throw new Error('ECONNREFUSED');
			return other.jwks();
		};
		const t0 = 5_000_000;
		const key: KeyObject = await endpointKey(URL_, kid, fetchJwks, t0);
		up = false;
		const dayLater = t0 + 25 * 3600_000;
		expect(await endpointKey(URL_, kid, fetchJwks, dayLater)).toBe(key);
		expect(await endpointKey(URL_, kid, fetchJwks, dayLater + 10)).toBe(key);
		expect(fetches).toBe(2);
	});
});
