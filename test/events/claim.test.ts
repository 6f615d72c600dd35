import type { IDataObject } from 'n8n-workflow';

import { tokenFor, type PushConfig, type WireEvent } from '../../emulator/events/delivery';
import { KeyRing } from '../../emulator/events/keys';
import { answerClaim, claimRemotely, claimUrlOf } from '../../nodes/AlibabaIdaasEventTrigger/claim';
import { Receiver } from './receiver';

/**
 * The Claim URL: a processor asks one deciding instance which events are new, and starts only
 * those; the deciding instance verifies the delivery's token and starts nothing itself. (That two
 * separate processes cannot both start an event is shown end to end in
 * test/e2e/queue-webhooks.e2e.test.ts: here every Receiver shares one process.)
 */

const APP = 'app_claimtest00000000000000000';
const INSTANCE = 'idaas_claimtest000000000000';
const KEY = 'beef01'.repeat(10) + 'beef';
const ring = new KeyRing();
const config = { applicationId: APP, encrypt: true, encryptionKey: KEY } as PushConfig;
let n = 0;

const event = (): WireEvent => ({
	eventId: `evnt_claim${String(++n).padStart(32, '0')}`,
	eventType: 'urn:alibaba:idaas:app:event:ud:user:create',
	eventTime: String(Date.UTC(2026, 11, 1, 12, 0, n)),
	bizId: `user_${n}`,
	bizData: JSON.stringify({ userId: `user_${n}`, username: `u${n}` }),
});
const token = (...events: WireEvent[]) => tokenFor(config, ring, INSTANCE, events).token;
const credential = {
	applicationId: APP,
	instanceId: INSTANCE,
	keySource: 'pasted',
	jwks: JSON.stringify(ring.jwks()),
	encryptionSecret: KEY,
};
const recorded = (r: Receiver) =>
	String((r.staticData['node:IDaaS Events'] as IDataObject | undefined)?.seenEventIds ?? '')
		.split(',')
		.filter(Boolean);
const parameters = (options: Record<string, string> = {}) => ({
	events: ['*'],
	fullPush: 'emit',
	emitTestEvents: false,
	simplify: true,
	options,
});

let authority: Receiver;
let processor: Receiver;
beforeEach(async () => {
	authority = await new Receiver(credential).start();
	authority.parameters = parameters();
	processor = new Receiver(credential);
	processor.parameters = parameters({ claimUrl: authority.url });
});
afterEach(async () => {
	authority.restart();
	await authority.close();
});

test('a processor starts only what the deciding instance answers new, and leaves its own static data alone', async () => {
	const [a, b] = [event(), event()];
	// The deciding instance has already started a (another processor asked first).
	expect((await authority.call({ event: token(a), claim: [a.eventId] })).body).toEqual({
		fresh: [a.eventId],
	});
	const result = await processor.call({ event: token(a, b) });
	expect(result.status).toBe(200);
	expect(result.items.map((i) => i.eventId)).toEqual([b.eventId]);
	expect(result.webhookResponse!.successEvents).toEqual([
		{ eventId: a.eventId, eventCode: 'SUCCESS', eventMessage: 'duplicate' },
		{ eventId: b.eventId, eventCode: 'SUCCESS', eventMessage: 'SUCCESS' },
	]);
	// The question carried the delivery's token; the record is the deciding instance's alone.
	expect(authority.answers.map((x) => x.body)).toEqual([{ fresh: [b.eventId] }]);
	expect(processor.staticData).toEqual({});
	expect(recorded(authority)).toHaveLength(2);
	// A retry through the processor: nothing new.
	expect((await processor.call({ event: token(a, b) })).items).toEqual([]);
});

test('the deciding instance starts nothing, and grants only IDs of a token it verified', async () => {
	const [a, b] = [event(), event()];
	const answered = await authority.call({ event: token(a), claim: [a.eventId, b.eventId, 42] });
	expect(answered.status).toBe(200);
	expect(answered.body).toEqual({ fresh: [a.eventId] }); // b is not in the token
	expect(authority.executions).toEqual([]);
	// A claim without a token IDaaS signed is refused like any forged delivery.
	const forged = await authority.call({ event: 'e30.e30.e30', claim: [b.eventId] });
	expect(forged.status).toBe(401);
	expect(forged.body).not.toHaveProperty('fresh');
	expect((await authority.call({ event: token(b), claim: [b.eventId] })).body).toEqual({
		fresh: [b.eventId],
	});
});

test('a Claim URL that does not answer refuses the delivery with 500 (IDaaS retries) and starts nothing', async () => {
	const url = authority.url;
	await authority.close();
	const a = event();
	const result = await processor.call({ event: token(a) });
	expect(result.status).toBe(500);
	expect(processor.executions).toEqual([]);
	expect(processor.logs.join('\n')).toContain('The Claim URL did not answer');
	expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
});

test('the Claim URL option: empty for a single n8n, otherwise http(s) without user info', () => {
	expect(claimUrlOf({})).toBeUndefined();
	expect(claimUrlOf({ claimUrl: '  ' })).toBeUndefined();
	expect(claimUrlOf({ claimUrl: 'http://n8n-main:5678/webhook/x/idaas-events' })).toBe(
		'http://n8n-main:5678/webhook/x/idaas-events',
	);
	for (const bad of ['n8n-main:5678', 'ftp://n8n-main/x', 'https://user:pw@n8n-main/x']) {
		expect(() => claimUrlOf({ claimUrl: bad })).toThrow(/Claim URL must be an http/);
	}
});

test('a question asked again with the same token gets the same answer; another token for the same event gets none', () => {
	const a = event();
	const first = token(a);
	const data: IDataObject = {};
	expect(
		answerClaim('wf:node:webhook', data, { event: first, claim: [a.eventId] }, [a.eventId], 100),
	).toEqual({ fresh: [a.eventId] });
	// The processor's first question timed out after the decision: asking again must not turn a grant into a duplicate.
	expect(
		answerClaim('wf:node:webhook', data, { event: first, claim: [a.eventId] }, [a.eventId], 100),
	).toEqual({ fresh: [a.eventId] });
	// IDaaS's own retry carries a new token: the event is a duplicate.
	expect(
		answerClaim('wf:node:webhook', data, { event: token(a), claim: [a.eventId] }, [a.eventId], 100),
	).toEqual({ fresh: [] });
});

test('a processor asks a second time with the same token when the first question fails, then gives up with 500', async () => {
	const bodies: unknown[] = [];
	let failures = 1;
	const ctx = {
		helpers: {
			httpRequest: async (options: IDataObject) => {
				bodies.push(options.body);
				if (failures-- > 0) throw new Error('timeout of 4000ms exceeded');
				return { fresh: ['x', 'not-asked'] };
			},
		},
	} as never;
	expect([...(await claimRemotely.call(ctx, 'http://main/x', 'tok', ['x', 'y']))]).toEqual(['x']);
	expect(bodies).toEqual([
		{ event: 'tok', claim: ['x', 'y'] },
		{ event: 'tok', claim: ['x', 'y'] },
	]);
	failures = 2;
	await expect(claimRemotely.call(ctx, 'http://main/x', 'tok', ['x'])).rejects.toMatchObject({
		status: 500,
		message: expect.stringContaining('did not answer'),
	});
});
