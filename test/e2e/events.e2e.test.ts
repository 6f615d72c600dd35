/**
 * End to end, the Event Trigger in a real `n8n start` (2.8.4, and 2.41.1 on Node 24 unless E2E_SKIP_LATEST=1): the
 * welcome-events example (set to all events) is published, the emulator pushes to its production webhook URL, and
 * users, OUs and groups changed through the Developer API arrive as executions, each event exactly once through
 * duplicate deliveries, a replay and an n8n restart; forged and malformed requests start nothing.
 */
import { randomBytes } from 'crypto';

import { catalogOp } from '../../nodes/AlibabaIdaas/catalog';
import { recordOutput, recordSecret } from '../setup/leakGuard';
import { DemoEmulator, startDemoEmulator } from './helpers/emulator';
import {
	describeE2E,
	ensureBuilt,
	ensureN8n,
	loadExample,
	N8nPaths,
	N8nSandbox,
	requireFromN8n,
	waitFor,
} from './helpers/n8n';
import { withLocalNotifications } from './helpers/workflows';

jest.setTimeout(240_000);

const EVENT_TRIGGER = 'n8n-nodes-alibaba-idaas.alibabaIdaasEventTrigger';
const VERSIONS = process.env.E2E_SKIP_LATEST === '1' ? ['2.8.4'] : ['2.8.4', '2.41.1'];

describe.each(VERSIONS)('n8n %s', (version) => {
	let paths: N8nPaths;
	let emulator: DemoEmulator;
	let n8n: N8nSandbox;
	let target: { instanceId: string; applicationId: string; clientId: string; clientSecret: string };
	let token = '';
	const key = randomBytes(32).toString('hex');
	const workflow = withLocalNotifications(loadExample('welcome-events'));
	const trigger = workflow.nodes.find((n: any) => n.type === EVENT_TRIGGER);
	trigger.parameters.events = ['*'];
	const webhookUrl = () => `${n8n.baseUrl}/webhook/${trigger.webhookId}/idaas-events`;
	const control = async (method: string, path: string, body?: unknown) => {
		const r = await fetch(`${emulator.url}/__emulator/events/${path}`, {
			method,
			headers: { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const json = await r.json();
		if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
		return json as any;
	};
	const app = () => `apps/${target.applicationId}`;

	/** A Developer API call built from the catalog, as the node builds it. */
	async function api(
		action: string,
		body: Record<string, unknown>,
		path: Record<string, string> = {},
	): Promise<any> {
		const op = catalogOp(action);
		const values: Record<string, string> = {
			instanceId: target.instanceId,
			applicationId: target.applicationId,
			...path,
		};
		const url = emulator.url + op.path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name]);
		const r = await fetch(url, {
			method: op.method,
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const json = await r.json();
		if (!r.ok) throw new Error(`${action}: ${r.status} ${JSON.stringify(json)}`);
		return json;
	}

	async function executions(): Promise<any[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId: workflow.id }));
		const body = await n8n.rest(`/rest/executions?filter=${filter}&limit=100`);
		return body.data.results ?? body.data;
	}

	/** The trigger's items of every finished execution. */
	async function triggerItems(): Promise<any[]> {
		const { parse } = requireFromN8n(paths, 'flatted');
		const items: any[] = [];
		for (const e of await executions()) {
			const full = (await n8n.rest(`/rest/executions/${e.id}`)).data;
			const runData = parse(full.data).resultData.runData;
			recordOutput(`e2e ${version} event trigger execution`, runData);
			items.push(...runData[trigger.name][0].data.main[0].map((i: any) => i.json));
		}
		return items;
	}

	async function startN8n(): Promise<void> {
		await n8n.startServer();
		if (!n8n.cookie) await n8n.setupOwner();
		// Registered once a forged token is refused (before that, n8n answers 404): that also starts nothing.
		await waitFor(async () => (await fetch(webhookUrl(), { method: 'POST' })).status !== 404, {
			timeoutMs: 60_000,
			what: 'the production webhook',
		});
	}

	beforeAll(async () => {
		ensureBuilt();
		paths = ensureN8n(version);
		emulator = await startDemoEmulator();
		const data = emulator.credentialData();
		target = {
			instanceId: data.instanceId,
			applicationId: data.applicationId,
			clientId: data.clientId,
			clientSecret: data.clientSecret,
		};
		recordSecret(key);
		recordSecret(data.clientSecret);
		n8n = await N8nSandbox.create(paths, `events-${version}`);
		const ref = trigger.credentials.alibabaIdaasEventsApi;
		await n8n.importCredentials([
			{
				id: ref.id,
				name: ref.name,
				type: 'alibabaIdaasEventsApi',
				data: {
					applicationId: target.applicationId,
					instanceId: target.instanceId,
					keySource: 'endpoint',
					jwksUrl: `${emulator.url}/v2/${target.instanceId}/${target.applicationId}/provisioning/jwks`,
					encryptionSecret: key,
				},
			},
		]);
		await n8n.importWorkflows([workflow]);
		await n8n.publish(workflow.id);
		await startN8n();
		await control('PUT', app(), {
			url: webhookUrl(),
			encrypt: true,
			encryptionKey: key,
			retryDelayMs: 1000,
		});
		const form = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: target.clientId,
			client_secret: target.clientSecret,
		});
		const t = await fetch(
			`${emulator.url}/v2/${target.instanceId}/${target.applicationId}/oauth2/token`,
			{
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: form,
			},
		);
		token = ((await t.json()) as { access_token: string }).access_token;
		recordSecret(token);
	}, 20 * 60_000);

	afterAll(async () => {
		await n8n?.dispose();
		await emulator?.close();
	});

	test('the connection test passes and starts nothing; forged and malformed requests are refused', async () => {
		expect(await control('POST', `${app()}/test`)).toEqual({ outcome: 'success' });
		for (const kind of [
			'expired',
			'badSignature',
			'unknownKid',
			'wrongAudience',
			'algNone',
			'hs256',
			'tamperedCipher',
		]) {
			const answer = await control('POST', `${app()}/forge`, { kind });
			expect([kind, answer.status]).toEqual([kind, 401]);
			expect(JSON.stringify(answer.body)).not.toContain(key);
		}
		const garbage = await fetch(webhookUrl(), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"event":"not.a.token"}',
		});
		expect(garbage.status).toBe(400);
		expect(await executions()).toHaveLength(0);
	});

	test('users, OUs and groups changed through the API arrive once each, through duplicate deliveries', async () => {
		await control('POST', `${app()}/faults`, { duplicate: 2 });
		const answeredBefore = (await control('GET', 'log')).byStatus['200'] ?? 0;
		const t0 = Date.now();
		const user = await api('CreateUser', {
			username: `ev.${version}`,
			displayName: 'Event Hire',
			email: `ev.${version}@example.com`,
			emailVerified: true,
			primaryOrganizationalUnitId: 'ou_demoengineering01',
		});
		await api('PatchUser', { displayName: 'Event Hire (renamed)' }, { userId: user.userId });
		const ou = await api('CreateOrganizationalUnit', {
			organizationalUnitName: `Events ${version}`,
			parentId: 'ou_demoroot01',
		});
		const group = await api('CreateGroup', { groupName: `events-${version}` });
		await api('AddUsersToGroup', { userIds: [user.userId] }, { groupId: group.groupId });
		const settled = await control('POST', 'settle', { timeoutMs: 60_000 });
		expect(settled.settled).toBe(true);
		const list = await waitFor(
			async () =>
				(await executions()).filter((e) => e.finished || e.status === 'success').length >= 5
					? executions()
					: undefined,
			{
				timeoutMs: 60_000,
				what: 'five executions',
			},
		);
		process.stderr.write(
			`[e2e] n8n ${version}: 5 changes (2 delivered twice) → ${list.length} executions in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
		);
		const items = await triggerItems();
		expect(items.map((i) => i.event).sort()).toEqual([
			'group.add_user',
			'group.create',
			'organizationalUnit.create',
			'user.create',
			'user.update_info',
		]);
		expect(new Set(items.map((i) => i.eventId)).size).toBe(5);
		expect(items.find((i) => i.event === 'user.create')).toMatchObject({
			objectId: user.userId,
			data: { username: `ev.${version}`, email: `ev.${version}@example.com` },
		});
		expect(items.find((i) => i.event === 'organizationalUnit.create')).toMatchObject({
			objectId: ou.organizationalUnitId,
		});
		expect(JSON.stringify(items)).not.toContain(key);
		// The duplicates were answered as already processed.
		expect(settled.byStatus['200'] - answeredBefore).toBe(7);
		// n8n answered with the trigger's body: each event a success, the second copies as duplicates.
		const answers = settled.recentAttempts.slice(-7).map((a: any) => a.answer);
		for (const answer of answers)
			expect(answer).toMatchObject({
				successEvents: [{ eventCode: 'SUCCESS' }],
				skippedEvents: [],
				failedEvents: [],
				retriedEvents: [],
			});
		expect(
			answers.filter((a: any) => a.successEvents[0].eventMessage === 'duplicate'),
		).toHaveLength(2);
		expect(settled.byOutcome.success).toBeGreaterThanOrEqual(5);
		expect(Object.keys(settled.byOutcome)).toEqual(['success']);
	});

	test('after an n8n restart, a replay of the same events starts nothing; a new change starts one execution', async () => {
		const before = (await executions()).length;
		await n8n.stopServer();
		await startN8n();
		expect((await control('POST', `${app()}/replay`, { last: 5 })).replayed).toBe(5);
		await api(
			'PatchUser',
			{ displayName: 'Event Hire (after restart)' },
			{ userId: emulator.findUser({ username: `ev.${version}` })!.userId },
		);
		expect((await control('POST', 'settle', { timeoutMs: 60_000 })).settled).toBe(true);
		const list = await waitFor(
			async () => ((await executions()).length > before ? executions() : undefined),
			{ timeoutMs: 60_000, what: 'the new execution' },
		);
		// Give a wrongly started replay the time to show up before counting.
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect((await executions()).length).toBe(before + 1);
		expect(list[0]).toBeDefined();
		const items = await triggerItems();
		expect(items.filter((i) => i.event === 'user.update_info')).toHaveLength(2);
		expect(new Set(items.map((i) => i.eventId)).size).toBe(items.length);
	});

	test('one malformed event in a delivery is answered failed, the others start one execution; the retry starts nothing and loses nothing', async () => {
		const before = (await executions()).length;
		const event = (n: number, record: Record<string, unknown>) => ({
			eventId: `evnt_e2emalformed${version.replace(/\./g, '')}${String(n).padStart(20, '0')}`,
			eventType: 'urn:alibaba:idaas:app:event:ud:user:update_info',
			eventTime: String(Date.now()),
			bizId: String(record.userId),
			bizData: JSON.stringify(record),
		});
		const good = event(1, { userId: 'user_e2egood1', username: 'e2e.good.one' });
		// userOrganizationalUnits as JSON text instead of a list: the item cannot be built.
		const bad = event(2, {
			userId: 'user_e2ebad',
			userOrganizationalUnits: JSON.stringify([{ organizationalUnitId: 'ou_demoroot01' }]),
		});
		const alsoGood = event(3, {
			userId: 'user_e2egood2',
			username: 'e2e.good.two',
			accountExpireTime: '9223372036854775807',
		});
		const deliver = async () => {
			const r = await fetch(webhookUrl(), {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(emulator.signedDelivery(target.applicationId, [good, bad, alsoGood])),
			});
			return { status: r.status, body: (await r.json()) as any };
		};
		const first = await deliver();
		expect(first.status).toBe(200);
		expect(first.body.successEvents).toEqual([
			{ eventId: good.eventId, eventCode: 'SUCCESS', eventMessage: 'SUCCESS' },
			{ eventId: alsoGood.eventId, eventCode: 'SUCCESS', eventMessage: 'SUCCESS' },
		]);
		expect(first.body.failedEvents).toEqual([
			{
				eventId: bad.eventId,
				eventCode: 'failed',
				eventMessage: expect.stringContaining('userOrganizationalUnits'),
			},
		]);
		await waitFor(
			async () =>
				(await executions()).filter((e) => e.finished || e.status === 'success').length > before
					? true
					: undefined,
			{ timeoutMs: 60_000, what: 'the execution' },
		);

		// IDaaS sends the same delivery again (an answer it did not get): duplicates, the bad one failed again.
		const retry = await deliver();
		expect(retry.status).toBe(200);
		expect(retry.body.successEvents.map((e: any) => e.eventMessage)).toEqual([
			'duplicate',
			'duplicate',
		]);
		expect(retry.body.failedEvents.map((e: any) => e.eventId)).toEqual([bad.eventId]);
		// Give a wrongly started execution the time to show up before counting.
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect((await executions()).length).toBe(before + 1);
		const mine = (await triggerItems()).filter((i) =>
			[good.eventId, bad.eventId, alsoGood.eventId].includes(i.eventId),
		);
		expect(mine.map((i) => i.eventId).sort()).toEqual([good.eventId, alsoGood.eventId].sort());
		expect(mine.find((i) => i.eventId === alsoGood.eventId).data).toMatchObject({
			userId: 'user_e2egood2',
			accountExpireTime: '9223372036854775807',
		});
	});
});

describeE2E('event trigger e2e prerequisites', () => {
	test('the emulator serves the JWKS at the documented path', async () => {
		const emulator = await startDemoEmulator();
		try {
			const data = emulator.credentialData();
			const r = await fetch(
				`${emulator.url}/v2/${data.instanceId}/${data.applicationId}/provisioning/jwks`,
			);
			const jwks = (await r.json()) as { keys: Array<Record<string, unknown>> };
			expect(jwks.keys).toEqual([
				{
					kty: 'RSA',
					e: 'AQAB',
					use: 'sig',
					kid: expect.stringMatching(/^KEY[A-Za-z0-9]{33}$/),
					n: expect.any(String),
				},
			]);
		} finally {
			await emulator.close();
		}
	});
});
