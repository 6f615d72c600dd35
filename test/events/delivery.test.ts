import type { IDataObject } from 'n8n-workflow';

import { loadSeed } from '../../emulator/seed';
import { DEMO, useHarness } from '../emulator/helpers';
import { recordSecret } from '../setup/leakGuard';
import { Receiver } from './receiver';

/**
 * The emulator's sender against the Event Trigger behind HTTP (n8n-core's WebhookContext): every
 * change through the Developer API or the store arrives as one item, exactly once, through
 * duplicate deliveries, reordering, retries and receiver restarts; forged requests start nothing.
 */

const h = useHarness();
let receiver: Receiver;
let key: string;

async function setUp(
	push: IDataObject = {},
	credential: IDataObject = {},
	parameters: IDataObject = {},
) {
	receiver = await new Receiver({}).start();
	// The delivery timeout is IDaaS's wait for the receiver; only the slow-receiver test is about it, so the
	// others wait long enough for a loaded machine (10 s, the emulator's default, was not always).
	const config = h.emu.events.configure({
		url: receiver.url,
		retryDelayMs: 20,
		timeoutMs: 120_000,
		...push,
	});
	key = config.encryptionKey;
	recordSecret(key);
	receiver.setCredential({
		applicationId: h.app.applicationId,
		instanceId: h.emu.instanceId,
		keySource: 'endpoint',
		jwksUrl: h.emu.events.jwksUrl(h.emu.url, h.app.applicationId),
		encryptionSecret: key,
		...credential,
	});
	receiver.parameters = {
		events: ['*'],
		fullPush: 'emit',
		emitTestEvents: false,
		simplify: true,
		options: {},
		...parameters,
	};
}

afterEach(async () => {
	await receiver?.close();
	receiver.restart();
});

// Waiting for the deliveries to finish: a bound only against a hang, not a verdict on speed.
const settle = async () => expect(await h.emu.events.settled(600_000)).toBe(true);
const keys = () => receiver.items().map((i) => i.event);

test('a user created through the Developer API arrives once, verified, decrypted and simplified', async () => {
	await setUp();
	const created = await h.call('CreateUser', {
		body: {
			username: 'new.hire',
			displayName: 'New Hire',
			email: 'new.hire@example.com',
			emailVerified: true,
			primaryOrganizationalUnitId: DEMO.engineering,
		},
	});
	expect(created.status).toBe(200);
	await settle();
	expect(receiver.executions).toHaveLength(1);
	const [item] = receiver.items();
	expect(item).toMatchObject({
		event: 'user.create',
		eventName: 'User Created',
		eventType: 'urn:alibaba:idaas:app:event:ud:user:create',
		eventId: expect.stringMatching(/^evnt_[a-z0-9]{37}$/),
		eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		objectType: 'user',
		objectId: created.body.userId,
		instanceId: h.emu.instanceId,
		applicationId: h.app.applicationId,
		data: {
			userId: created.body.userId,
			username: 'new.hire',
			email: 'new.hire@example.com',
			primaryOrganizationalUnitId: DEMO.engineering,
			organizationalUnitIds: [DEMO.engineering],
			status: 'enabled',
		},
	});
	expect((item.data as IDataObject).createTime).toMatch(/Z$/);
	expect(receiver.answers[0]).toEqual({
		status: 200,
		body: {
			successEvents: [{ eventId: item.eventId, eventCode: 'SUCCESS', eventMessage: 'SUCCESS' }],
			skippedEvents: [],
			failedEvents: [],
			retriedEvents: [],
		},
	});
	expect(h.emu.events.log.toJSON().byOutcome).toEqual({ success: 1 });
});

test('user, organizational unit and group changes become their documented events, in order', async () => {
	await setUp();
	const s = h.emu.store;
	const ou = s.createOu({ organizationalUnitName: 'Research', parentId: DEMO.engineering });
	s.patchOu(ou.organizationalUnitId, { description: 'R&D' });
	const u = s.createUser({
		username: 'rita',
		primaryOrganizationalUnitId: ou.organizationalUnitId,
	});
	s.patchUser(u.userId, { displayName: 'Rita R.' });
	s.patchUser(u.userId, { displayName: 'Rita R.' }); // no change, no event
	s.setStatus(u.userId, 'disabled');
	s.setStatus(u.userId, 'enabled');
	s.setPassword(u.userId, 'N3w-passw0rd!');
	s.moveUser(u.userId, DEMO.sales);
	s.addUserToOus(u.userId, [DEMO.hr]);
	s.removeUserFromOus(u.userId, [DEMO.hr]);
	const g = h.emu.createGroup({ groupName: 'Researchers' });
	s.patchGroup(g.groupId, { description: 'people doing research' });
	s.addUsersToGroup(g.groupId, [u.userId]);
	s.removeUsersFromGroup(g.groupId, [u.userId]);
	s.deleteGroup(g.groupId);
	s.deleteUser(u.userId);
	s.deleteOu(ou.organizationalUnitId);
	await settle();
	expect(keys()).toEqual([
		'organizationalUnit.create',
		'organizationalUnit.update',
		'user.create',
		'user.update_info',
		'user.disable',
		'user.enable',
		'user.update_password',
		'user.update_primary_ou',
		'organizationalUnit.add_user',
		'organizationalUnit.remove_user',
		'group.create',
		'group.update',
		'group.add_user',
		'group.remove_user',
		'group.delete',
		'user.delete',
		'organizationalUnit.delete',
	]);
	const items = receiver.items();
	expect(items[7].data).toMatchObject({
		userId: u.userId,
		primaryOrganizationalUnitId: DEMO.sales,
	});
	expect(items[12].data).toMatchObject({
		groupId: g.groupId,
		groupName: 'Researchers',
		userId: u.userId,
	});
	expect(items[15]).toMatchObject({ objectId: u.userId, data: { userId: u.userId } });
	// Password sync is off: the password change carries no password at all.
	expect(JSON.stringify(items[6])).not.toContain('N3w-passw0rd!');
});

test("changes outside the application's scope and unsubscribed types are not sent", async () => {
	await setUp({ events: ['urn:alibaba:idaas:app:event:ud:user:create'] });
	h.emu.apps.update(h.app.applicationId, {
		provisioningScope: { organizationalUnitIds: [DEMO.engineering] },
	});
	h.emu.store.createUser({ username: 'in.scope', primaryOrganizationalUnitId: DEMO.platform });
	h.emu.store.createUser({ username: 'out.of.scope', primaryOrganizationalUnitId: DEMO.sales });
	h.emu.store.patchUser(DEMO.alice, { displayName: 'Alice C.' });
	await settle();
	expect(receiver.items().map((i) => (i.data as IDataObject).username)).toEqual(['in.scope']);
});

test('duplicate deliveries and a receiver restart between them start each event once', async () => {
	await setUp();
	h.emu.events.faults(h.app.applicationId, { duplicate: 3 });
	for (const name of ['dup.one', 'dup.two', 'dup.three'])
		h.emu.store.createUser({ username: name, primaryOrganizationalUnitId: DEMO.root });
	await settle();
	expect(receiver.answers).toHaveLength(6);
	expect(receiver.executions).toHaveLength(3);
	const duplicates = receiver.answers.filter(
		(a) => (a.body as IDataObject).successEvents && JSON.stringify(a.body).includes('"duplicate"'),
	);
	expect(duplicates).toHaveLength(3);

	// A restarted n8n has only the workflow's static data: a re-push of the same events is still dropped.
	receiver.restart();
	expect((await receiver.call({ event: 'not-a-token' })).status).toBe(400);
	expect(h.emu.events.replay(h.app.applicationId, 3)).toBe(3);
	h.emu.store.createUser({ username: 'after.restart', primaryOrganizationalUnitId: DEMO.root });
	await settle();
	expect(receiver.answers).toHaveLength(10);
	expect(receiver.executions).toHaveLength(4);
	expect(new Set(receiver.items().map((i) => i.eventId)).size).toBe(4);
	expect(
		String((receiver.staticData['node:IDaaS Events'] as IDataObject).seenEventIds).split(','),
	).toHaveLength(4);
});

test('reordered events each arrive once; eventTime keeps the real order', async () => {
	await setUp();
	h.emu.events.faults(h.app.applicationId, { reorder: 3 });
	for (const name of ['first', 'second', 'third'])
		h.emu.store.createUser({ username: name, primaryOrganizationalUnitId: DEMO.root });
	await settle();
	const items = receiver.items();
	expect(items.map((i) => (i.data as IDataObject).username)).toEqual(['third', 'second', 'first']);
	// Sorting by eventTime restores the order the changes happened in.
	const byTime = [...items].sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
	expect(byTime.map((i) => (i.data as IDataObject).username)).toEqual(['first', 'second', 'third']);
});

test('a slow receiver is retried until it answers in time, and the retries start nothing more', async () => {
	await setUp({ timeoutMs: 300, retryDelayMs: 10 });
	receiver.delayMs = 600;
	// The first attempt times out whatever the machine's speed: the emulator's 300 ms timer starts before the request
	// reaches the receiver, whose 600 ms wait starts after. The moment that timeout is logged, the receiver turns fast
	// and the emulator patient, so the retry lands, however long a loaded machine takes to verify and run it (a
	// 300 ms bound on every retry failed the delivery when each took longer).
	const config = h.emu.events.config(h.app.applicationId);
	const log = h.emu.events.log;
	const record = log.attempt.bind(log);
	jest.spyOn(log, 'attempt').mockImplementation((attempt) => {
		if (attempt.status === 'timeout') {
			receiver.delayMs = 0;
			config.timeoutMs = 120_000;
		}
		record(attempt);
	});
	h.emu.store.createUser({ username: 'slow.one', primaryOrganizationalUnitId: DEMO.root });
	await settle();
	jest.restoreAllMocks();
	const outcome = log.toJSON();
	expect(outcome.byStatus.timeout).toBe(1);
	expect(outcome.byOutcome).toEqual({ success: 1 });
	expect(receiver.executions).toHaveLength(1);
});

test.each([
	'expired',
	'badSignature',
	'unknownKid',
	'wrongAudience',
	'wrongIssuer',
	'algNone',
	'hs256',
	'tamperedCipher',
	'foreignKey',
] as const)('a forged request (%s) is refused and starts nothing', async (kind) => {
	await setUp();
	const answer = await h.emu.events.forge(h.app.applicationId, kind);
	expect(answer.status).toBe(401);
	expect(answer.body).toMatchObject({ error: 'bad_request', errorDescription: expect.any(String) });
	expect(JSON.stringify(answer.body)).not.toContain(key);
	expect(receiver.executions).toHaveLength(0);
});

test('a rotated key is fetched once on its unknown kid; unknown kids refetch at most once per interval', async () => {
	// A token with the new kid in the same second as the last fetch is refused once and found on the retry.
	await setUp({ retryDelayMs: 1100 });
	const served = h.emu.events.jwksServed;
	h.emu.store.createUser({ username: 'before.rotation', primaryOrganizationalUnitId: DEMO.root });
	await settle();
	expect(h.emu.events.jwksServed - served).toBe(1);
	h.emu.events.ring(h.app.applicationId).rotate(true);
	h.emu.store.createUser({ username: 'after.rotation', primaryOrganizationalUnitId: DEMO.root });
	await settle();
	expect(receiver.executions).toHaveLength(2);
	expect(h.emu.events.jwksServed - served).toBe(2);
	const forged = await Promise.all(
		Array.from({ length: 8 }, () => h.emu.events.forge(h.app.applicationId, 'unknownKid')),
	);
	expect(forged.map((f) => f.status)).toEqual(Array(8).fill(401));
	// Eight random kids at once: one fetch between them, not eight.
	expect(h.emu.events.jwksServed - served).toBeLessThanOrEqual(3);
});

test('the test event is answered as passed and starts the workflow only when asked to', async () => {
	await setUp();
	expect(await h.emu.events.sendTest(h.app.applicationId)).toBe('success');
	expect(receiver.executions).toHaveLength(0);
	receiver.parameters.emitTestEvents = true;
	expect(await h.emu.events.sendTest(h.app.applicationId)).toBe('success');
	expect(receiver.items()).toMatchObject([
		{ event: 'test.test', eventName: 'Test Event', test: true },
	]);
});

test('a full push sends every OU and user in batches; each becomes one item marked fullPush', async () => {
	await setUp({ batchSize: 4 });
	const result = h.emu.events.fullPush(h.app.applicationId);
	expect(result).toEqual({ organizationalUnits: 5, users: 10, requests: 4 });
	await settle();
	expect(receiver.executions).toHaveLength(4);
	const items = receiver.items();
	expect(items.filter((i) => i.event === 'organizationalUnit.push')).toHaveLength(5);
	expect(items.filter((i) => i.event === 'user.push' && i.fullPush === true)).toHaveLength(10);
	expect(items[0].data).toMatchObject({
		organizationalUnitId: DEMO.root,
		organizationalUnitName: 'Acme',
	});
	receiver.parameters.fullPush = 'skip';
	h.emu.events.fullPush(h.app.applicationId);
	await settle();
	expect(receiver.executions).toHaveLength(4);
	expect(h.emu.events.log.toJSON().byOutcome).toMatchObject({ skipped: 15, success: 15 });
});

test('event filter: unselected changes are acknowledged as skipped', async () => {
	await setUp({}, {}, { events: ['user.create'] });
	h.emu.store.createUser({ username: 'chosen', primaryOrganizationalUnitId: DEMO.root });
	h.emu.store.patchUser(DEMO.alice, { displayName: 'A.' });
	await settle();
	expect(keys()).toEqual(['user.create']);
	expect(receiver.answers[1].body).toMatchObject({
		successEvents: [],
		skippedEvents: [{ eventCode: 'auto_skipped' }],
	});
});

test('with password sync, the password is withheld unless Include Passwords is on', async () => {
	const password = 'Pushed-Passw0rd-1';
	recordSecret(password);
	await setUp({ passwordSync: true });
	h.emu.store.createUser({
		username: 'with.password',
		password,
		primaryOrganizationalUnitId: DEMO.root,
	});
	await settle();
	expect(receiver.items()[0]).toMatchObject({ passwordWithheld: true });
	expect(JSON.stringify(receiver.items())).not.toContain(password);
	receiver.parameters.options = { includePasswords: true };
	h.emu.store.setPassword(DEMO.alice, password);
	await settle();
	expect(receiver.items()[1]).toMatchObject({ event: 'user.update_password', data: { password } });
});

test('unencrypted pushes verify too; Require Encryption refuses them', async () => {
	await setUp({ encrypt: false, fieldNames: 'v1.0' });
	h.emu.store.createUser({
		username: 'plain',
		email: 'plain@example.com',
		primaryOrganizationalUnitId: DEMO.root,
	});
	await settle();
	// The 2022 field names read into the same simplified record.
	expect(receiver.items()[0].data).toMatchObject({
		username: 'plain',
		userExternalId: expect.stringMatching(/^user_/),
		userSourceType: 'build_in',
		primaryOrganizationalUnitId: DEMO.root,
	});
	receiver.parameters.options = { requireEncryption: true };
	h.emu.store.createUser({ username: 'plain.two', primaryOrganizationalUnitId: DEMO.root });
	await settle();
	expect(receiver.executions).toHaveLength(1);
	expect(receiver.answers.at(-1)).toMatchObject({
		status: 401,
		body: { error: 'bad_request', errorDescription: 'The event was refused' },
	});
	expect(receiver.logs.at(-1)).toMatch(/not encrypted/);
	expect(h.emu.events.log.toJSON().byOutcome).toMatchObject({ undelivered: 1 });
});

test('a credential for another application or with the wrong key refuses everything', async () => {
	await setUp({}, { applicationId: 'app_another0000000000000000' });
	h.emu.store.createUser({ username: 'refused', primaryOrganizationalUnitId: DEMO.root });
	await settle();
	expect(receiver.executions).toHaveLength(0);
	expect(receiver.answers.every((a) => a.status === 401)).toBe(true);
	expect(receiver.answers).toHaveLength(6);
	receiver.setCredential({
		...receiver['credentials'].stored('cred-events-1'),
		applicationId: h.app.applicationId,
		encryptionSecret: 'ab'.repeat(32),
	});
	h.emu.store.createUser({ username: 'wrong.key', primaryOrganizationalUnitId: DEMO.root });
	await settle();
	expect(receiver.executions).toHaveLength(0);
	expect(receiver.answers.at(-1)).toMatchObject({
		status: 401,
		body: { error: 'bad_request', errorDescription: 'The event was refused' },
	});
	expect(receiver.logs.at(-1)).toMatch(/decrypted/);
});

test('the control API configures the push, presses the console buttons and reports the log', async () => {
	await setUp();
	const app = `events/apps/${h.app.applicationId}`;
	const put = await h.control('PUT', app, {
		url: receiver.url,
		encryptionKey: key,
		retryDelayMs: 20,
	});
	expect(put.body).toMatchObject({
		applicationId: h.app.applicationId,
		encrypt: true,
		jwksUrl: `${h.emu.url}/v2/${h.emu.instanceId}/${h.app.applicationId}/provisioning/jwks`,
	});
	expect((await h.control('POST', `${app}/test`)).body).toEqual({ outcome: 'success' });
	expect((await h.control('POST', `${app}/forge`, { kind: 'nonsense' })).status).toBe(400);
	expect((await h.control('POST', `${app}/forge`, { kind: 'expired' })).body).toMatchObject({
		status: 401,
	});
	expect((await h.control('POST', `${app}/push`)).body).toEqual({
		organizationalUnits: 5,
		users: 10,
		requests: 1,
	});
	const settled = (await h.control('POST', 'events/settle', { timeoutMs: 600_000 })).body;
	expect(settled).toMatchObject({
		settled: true,
		byOutcome: { success: 16 },
		forged: [{ kind: 'expired', status: 401 }],
	});
	expect((await h.control('PUT', 'events/apps/app_nosuchapp', { url: receiver.url })).status).toBe(
		404,
	);
	expect((await h.control('DELETE', app)).status).toBe(200);
	h.emu.store.createUser({ username: 'push.off', primaryOrganizationalUnitId: DEMO.root });
	await settle();
	expect(receiver.executions).toHaveLength(1);
});

test('a seed can carry the push configuration; loading it sends nothing', async () => {
	await setUp();
	h.emu.events.remove(h.app.applicationId);
	h.emu.reset({
		...loadSeed('demo'),
		eventPush: [{ url: receiver.url, encryptionKey: key, retryDelayMs: 20 }],
	} as never);
	await settle();
	expect(receiver.answers).toHaveLength(0);
	h.emu.store.createUser({ username: 'seeded.push', primaryOrganizationalUnitId: DEMO.root });
	await settle();
	expect(keys()).toEqual(['user.create']);
});
