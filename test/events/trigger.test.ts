import type { IDataObject } from 'n8n-workflow';

import { tokenFor, type PushConfig, type WireEvent } from '../../emulator/events/delivery';
import { KeyRing } from '../../emulator/events/keys';
import { recordSecret } from '../setup/leakGuard';
import { Receiver } from './receiver';

/**
 * The trigger's handling of what one request carries, with tokens made by the emulator's signer
 * and the keys pasted into the credential (no endpoint involved).
 */

const APP = 'app_triggertest0000000000000';
const INSTANCE = 'idaas_triggertest00000000000';
const KEY = 'c0ffee'.repeat(10) + 'c0ff';
const ring = new KeyRing();
const config = { applicationId: APP, encrypt: true, encryptionKey: KEY } as PushConfig;
let n = 0;

const event = (eventType: string, extra: Partial<WireEvent> = {}): WireEvent => ({
	eventId: `evnt_test${String(++n).padStart(33, '0')}`,
	eventType: `urn:alibaba:idaas:app:event:${eventType}`,
	eventTime: String(Date.UTC(2026, 11, 1, 12, 0, n)),
	bizId: `user_${n}`,
	bizData: JSON.stringify({ userId: `user_${n}`, username: `u${n}` }),
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

test('several events in one request: one item each, a repeated ID inside the request once', async () => {
	const a = event('ud:user:create');
	const b = event('ud:group:create', {
		bizId: 'group_1',
		bizData: JSON.stringify({ groupId: 'group_1', groupName: 'G', createTime: '1764590400000' }),
	});
	const result = await receiver.call(body(a, b, a));
	expect(result.status).toBe(200);
	expect(result.items.map((i) => i.event)).toEqual(['user.create', 'group.create']);
	expect(result.items[1].data).toEqual({
		groupId: 'group_1',
		groupName: 'G',
		createTime: '2025-12-01T12:00:00.000Z',
	});
	expect(result.webhookResponse).toEqual({
		successEvents: [
			{ eventId: a.eventId, eventCode: 'SUCCESS', eventMessage: 'SUCCESS' },
			{ eventId: b.eventId, eventCode: 'SUCCESS', eventMessage: 'SUCCESS' },
			{ eventId: a.eventId, eventCode: 'SUCCESS', eventMessage: 'duplicate' },
		],
		skippedEvents: [],
		failedEvents: [],
		retriedEvents: [],
	});
});

test('an event type IDaaS adds later is emitted under All Changes with a readable key, and skipped otherwise', async () => {
	const future = event('ud:user:expire');
	expect((await receiver.call(body(future))).items).toMatchObject([
		{
			event: 'user.expire',
			eventType: 'urn:alibaba:idaas:app:event:ud:user:expire',
			objectType: 'user',
		},
	]);
	receiver.parameters.events = ['user.create'];
	const later = event('ud:user:expire');
	const result = await receiver.call(body(later));
	expect(result.items).toEqual([]);
	expect(result.webhookResponse!.skippedEvents).toEqual([
		{
			eventId: later.eventId,
			eventCode: 'auto_skipped',
			eventMessage: 'not selected in the trigger',
		},
	]);
});

test('raw output keeps the record as IDaaS sent it, minus the password', async () => {
	receiver.parameters.simplify = false;
	recordSecret('Raw-Secret-99');
	const e = event('ud:user:create', {
		bizData: JSON.stringify({
			userId: 'user_raw',
			lastUpdatedTime: '1764590400000',
			password: 'Raw-Secret-99',
		}),
	});
	const [item] = (await receiver.call(body(e))).items;
	expect(item.data).toEqual({ userId: 'user_raw', lastUpdatedTime: '1764590400000' });
	expect(item.passwordWithheld).toBe(true);
});

test("the editor's test URL and the production URL keep separate records of what they emitted", async () => {
	const e = event('ud:user:create');
	expect((await receiver.call(body(e), 'manual')).items).toHaveLength(1);
	expect((await receiver.call(body(e), 'webhook')).items).toHaveLength(1);
	expect((await receiver.call(body(e), 'webhook')).items).toHaveLength(0);
});

test('the record of seen IDs is bounded: the oldest are forgotten first', async () => {
	receiver.parameters.options = { rememberedEvents: 100 };
	const events = Array.from({ length: 150 }, () => event('ud:user:update_info'));
	for (let i = 0; i < 150; i += 50) await receiver.call(body(...events.slice(i, i + 50)));
	expect(receiver.items()).toHaveLength(150);
	const seen = String((receiver.staticData['node:IDaaS Events'] as IDataObject).seenEventIds).split(
		',',
	);
	expect(seen).toHaveLength(100);
	expect(seen.every((id) => id.length === 12)).toBe(true);
	// The newest are remembered, the oldest are not (after a restart, only static data counts).
	receiver.restart();
	expect((await receiver.call(body(events[149]))).items).toHaveLength(0);
	expect((await receiver.call(body(events[0]))).items).toHaveLength(1);
});

test('pasted keys: a token signed by a key not in the pasted JWKS is refused', async () => {
	const other = new KeyRing();
	const result = await receiver.call({
		event: tokenFor(config, other, INSTANCE, [event('ud:user:create')]).token,
	});
	expect(result).toMatchObject({
		status: 401,
		body: { error: 'bad_request', errorDescription: 'The event was refused' },
	});
	expect(receiver.logs.at(-1)).toContain(
		"No public key with the token's key ID in the pasted JWKS",
	);
	expect(receiver.executions).toHaveLength(0);
});

test('a missing or non-hex encryption key answers 500 (IDaaS retries) and names no secret', async () => {
	receiver.setCredential({
		applicationId: APP,
		keySource: 'pasted',
		jwks: JSON.stringify(ring.jwks()),
		encryptionSecret: '',
	});
	expect(await receiver.call(body(event('ud:user:create')))).toMatchObject({
		status: 500,
		body: { error: 'internal_error', errorDescription: 'The event could not be processed' },
	});
	expect(receiver.logs.at(-1)).toContain(
		'The event data is encrypted and the credential has no encryption key',
	);
	receiver.setCredential({
		applicationId: APP,
		keySource: 'pasted',
		jwks: JSON.stringify(ring.jwks()),
		encryptionSecret: 'not-hex-at-all-0000',
	});
	const answer = await receiver.call(body(event('ud:user:create')));
	expect(answer).toMatchObject({ status: 500 });
	expect(JSON.stringify(answer)).not.toContain('not-hex-at-all');
});
