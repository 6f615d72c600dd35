/**
 * Exactly once in queue mode, across processes: PostgreSQL, Redis, one main instance, two `n8n worker` and two
 * `n8n webhook` processes of n8n 2.41.1 (E2E_QUEUE_N8N=2.8.4 for the older line), each with this package installed,
 * all on 127.0.0.1, started and stopped here. A round-robin proxy stands in for the load balancer in front of the
 * webhook processors.
 *
 * - Event Trigger: EVENTS events signed and encrypted by the emulator, each delivered twice at once through the
 *   proxy (so one copy reaches each processor), then each delivered again as IDaaS does when it got no answer, and
 *   every answer that is not a success retried as IDaaS retries. The trigger's Claim URL points at its production
 *   URL on main. Counted: executions and items, exactly one per event.
 * - Polling trigger: the welcome example polls on main; users created before and after a restart of main each run
 *   exactly once.
 * Figures go to stderr and test/e2e/.artifacts/queue-webhooks-<version>.json (docs/queue-mode.md has the design and runs).
 */
import { randomBytes } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { recordOutput, recordSecret } from '../setup/leakGuard';
import { DemoEmulator, startDemoEmulator } from './helpers/emulator';
import {
	artifactsDir,
	describeE2E,
	ensureBuilt,
	ensureN8n,
	loadExample,
	N8nSandbox,
	waitFor,
} from './helpers/n8n';
import { ExecutionRecord, QueueCluster } from './helpers/queueCluster';
import { welcomeWatching, withWorkerRecord } from './helpers/queueWorkflows';
import { RoundRobinProxy } from './helpers/roundRobinProxy';

const VERSION = process.env.E2E_QUEUE_N8N ?? '2.41.1';
jest.setTimeout(15 * 60_000);

const EVENTS = 200;
/** IDaaS stops after five retries (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/overview-2). */
const MAX_RETRIES = 5;
const IDAAS_WAIT_MS = 10_000;
const TRIGGER = 'IDaaS events';
const WEBHOOK_ID = '3a7e9c1d-0000-4000-8000-00000000e2e6';
const EVENTS_CREDENTIAL = { id: 'idaasQueueEvtCred1', name: 'IDaaS events (queue)' };
const POLL_CREDENTIAL = { id: 'idaasQueuePollCr1', name: 'IDaaS for the polling trigger' };
const POLL_OU = 'ou_demohr01';
const key = randomBytes(32).toString('hex');

const welcome = welcomeWatching(loadExample('welcome'), POLL_OU, POLL_CREDENTIAL);
// n8n 2.41 refuses to activate a poll more often than once a minute (n8n-core, active-workflow-triggers.ts).
if (!VERSION.startsWith('2.8.'))
	welcome.nodes.find((n: any) => n.parameters?.pollTimes).parameters.pollTimes = {
		item: [{ mode: 'everyMinute' }],
	};

/** The Event Trigger and nothing else (the worker record after it), its Claim URL on main. */
function eventsWorkflow(claimUrl: string): any {
	return withWorkerRecord(
		{
			id: 'idaasQueueEvents1',
			name: 'IDaaS events through webhook processors',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				{
					id: 'c3d4e5f6-0000-4000-8000-00000000e2e6',
					name: TRIGGER,
					type: 'n8n-nodes-alibaba-idaas.alibabaIdaasEventTrigger',
					typeVersion: 1,
					webhookId: WEBHOOK_ID,
					position: [0, 0],
					parameters: {
						events: ['*'],
						fullPush: 'emit',
						emitTestEvents: false,
						simplify: true,
						options: { claimUrl },
					},
					credentials: { alibabaIdaasEventsApi: EVENTS_CREDENTIAL },
				},
			],
			connections: {},
		},
		TRIGGER,
	);
}

let emulator: DemoEmulator;
let cluster: QueueCluster;
let proxy: RoundRobinProxy;
let events: any;
let applicationId = '';
const figures: Record<string, unknown> = { version: VERSION };

const path = `webhook/${WEBHOOK_ID}/idaas-events`;

function note(name: string, value: unknown): void {
	figures[name] = value;
	process.stderr.write(`[queue webhooks e2e ${VERSION}] ${name}: ${JSON.stringify(value)}\n`);
}

/** One user change as IDaaS pushes it. */
function change(n: number): {
	eventId: string;
	eventType: string;
	eventTime: string;
	bizId: string;
	bizData: string;
} {
	const userId = `user_queuewh${String(n).padStart(6, '0')}`;
	return {
		eventId: `evnt_queuewh${VERSION.replace(/\./g, '')}${String(n).padStart(24, '0')}`,
		eventType: 'urn:alibaba:idaas:app:event:ud:user:update_info',
		eventTime: String(Date.UTC(2026, 11, 1, 12, 0, 0) + n),
		bizId: userId,
		bizData: JSON.stringify({
			userId,
			username: `queue.wh${n}`,
			displayName: `Queue Webhook ${n}`,
		}),
	};
}

/** A user created in the OU the polling trigger watches (through the emulator's control API, not the node). */
async function createPolledUser(n: number): Promise<string> {
	const create = async () =>
		await fetch(`${emulator.url}/__emulator/users`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				username: `queue.restart${n}`,
				displayName: `Queue Restart ${n}`,
				primaryOrganizationalUnitId: POLL_OU,
			}),
		});
	// A kept-alive socket the emulator closed as it was reused fails before the request reached it: send it again.
	const r = await create().catch(async () => await create());
	if (!r.ok) throw new Error(`create user: ${r.status} ${await r.text()}`);
	return ((await r.json()) as any).userId;
}

/**
 * Waits until a workflow has `count` executions and none is still going. Not QueueCluster.settled(): that also waits
 * for each execution's custom data, which n8n 2.41.1 under load did not save for 3 of 200 executions that succeeded.
 */
async function finished(workflowId: string, count: number): Promise<ExecutionRecord[]> {
	return await waitFor(
		() => {
			const list = cluster.executions(workflowId);
			return list.length >= count &&
				list.every((e) => !['new', 'running', 'waiting'].includes(e.status))
				? list
				: undefined;
		},
		{
			timeoutMs: 5 * 60_000,
			intervalMs: 1000,
			what: `${count} finished executions of ${workflowId}`,
		},
	);
}

interface Tally {
	deliveries: number;
	retries: number;
	started: string[];
	duplicateAnswers: number;
	statuses: Record<string, number>;
}

/**
 * One delivery as IDaaS makes it: a freshly signed token for the event, POSTed through the proxy; no answer within
 * 10 s, or one that is not a success for the event (500, or the event failed or to retry), is retried, up to
 * MAX_RETRIES times. (The 10 s only decides when a retry is sent; the counts hold whichever way it goes.)
 */
async function deliver(n: number, tally: Tally, target?: number): Promise<void> {
	const e = change(n);
	for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
		if (attempt > 0) tally.retries++;
		tally.deliveries++;
		// Only the first attempt is pinned: IDaaS's retries go wherever the balancer sends them.
		const pin: Record<string, string> =
			attempt === 0 && target !== undefined ? { 'x-e2e-target': String(target) } : {};
		const body: any = await fetch(`${proxy.url}/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...pin },
			body: JSON.stringify(emulator.signedDelivery(applicationId, [e])),
			// IDaaS waits 10 s for the answer, then retries.
			signal: AbortSignal.timeout(IDAAS_WAIT_MS),
		})
			.then(async (r) => {
				tally.statuses[r.status] = (tally.statuses[r.status] ?? 0) + 1;
				return r.status === 200 ? await r.json() : {};
			})
			.catch(() => {
				tally.statuses.timeout = (tally.statuses.timeout ?? 0) + 1;
				return {};
			});
		const success = (body.successEvents ?? []).find((s: any) => s.eventId === e.eventId);
		if (success) {
			if (success.eventMessage === 'duplicate') tally.duplicateAnswers++;
			else tally.started.push(e.eventId);
			return;
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`event ${n}: no success after ${MAX_RETRIES} retries`);
}

describeE2E(
	`n8n ${VERSION} queue mode: two webhook processors behind a round-robin proxy, main, two workers`,
	() => {
		beforeAll(async () => {
			const t0 = Date.now();
			ensureBuilt();
			const paths = ensureN8n(VERSION);
			emulator = await startDemoEmulator();
			const data = emulator.credentialData();
			applicationId = data.applicationId;
			recordSecret(key);
			recordSecret(data.clientSecret);
			cluster = await QueueCluster.start(paths, {
				workers: 2,
				webhookProcessors: 2,
				prepare: async (main: N8nSandbox) => {
					events = eventsWorkflow(`${main.baseUrl}/${path}`);
					await main.importCredentials([
						{
							...EVENTS_CREDENTIAL,
							type: 'alibabaIdaasEventsApi',
							data: {
								applicationId: data.applicationId,
								instanceId: data.instanceId,
								keySource: 'endpoint',
								jwksUrl: `${emulator.url}/v2/${data.instanceId}/${data.applicationId}/provisioning/jwks`,
								encryptionSecret: key,
							},
						},
						{ ...POLL_CREDENTIAL, type: 'alibabaIdaasApi', data },
					]);
					await main.importWorkflows([events, welcome]);
					await main.publish(events.id);
					await main.publish(welcome.id);
				},
			});
			await cluster.main.setupOwner();
			proxy = await new RoundRobinProxy(cluster.webhookProcessors.map((w) => w.baseUrl)).start();
			// The emulator signs with its key ring and encrypts with this key, as the application's push is configured.
			const put = await fetch(`${emulator.url}/__emulator/events/apps/${applicationId}`, {
				method: 'PUT',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ url: `${proxy.url}/${path}`, encrypt: true, encryptionKey: key }),
			});
			if (!put.ok) throw new Error(`push config: ${put.status} ${await put.text()}`);
			// Each processor finds the webhook once main has registered it (before that: 404).
			for (const w of cluster.webhookProcessors) {
				await waitFor(
					async () => (await fetch(`${w.baseUrl}/${path}`, { method: 'POST' })).status !== 404,
					{ timeoutMs: 60_000, what: `the webhook on ${w.label}` },
				);
			}
			note('cluster start s', Math.round((Date.now() - t0) / 1000));
		}, 20 * 60_000);

		afterAll(async () => {
			for (const t of emulator?.issuedTokens() ?? []) recordSecret(t);
			if (Object.keys(figures).length > 1)
				writeFileSync(
					join(artifactsDir(), `queue-webhooks-${VERSION}.json`),
					`${JSON.stringify(figures, null, 2)}\n`,
				);
			cluster?.saveLogs(artifactsDir());
			await proxy?.close();
			await cluster?.stop();
			await emulator?.close();
		});

		test(`Event Trigger: ${EVENTS} events, each delivered twice at once to the two processors and again later, start ${EVENTS} executions of one item each`, async () => {
			const t0 = Date.now();
			const tally: Tally = {
				deliveries: 0,
				retries: 0,
				started: [],
				duplicateAnswers: 0,
				statuses: {},
			};
			const before = new Map(proxy.counts);
			const answersBefore = proxy.answers.length;
			// Both copies of an event at once, one to each processor; five events at a time.
			for (let n = 0; n < EVENTS; n += 5)
				await Promise.all(
					Array.from({ length: 5 }, (_, i) => [
						deliver(n + i, tally, 0),
						deliver(n + i, tally, 1),
					]).flat(),
				);
			const perProcessor = [...proxy.counts.entries()].map(
				([url, count]) => count - (before.get(url) ?? 0),
			);
			// IDaaS's retry of a delivery whose answer it did not get, now reaching either processor: ten at a time.
			for (let n = 0; n < EVENTS; n += 10)
				await Promise.all(Array.from({ length: 10 }, (_, i) => deliver(n + i, tally)));

			// Every start a processor answered is one execution, whether or not the sender still waited for the answer:
			// wait for every answer, then for that many executions (no clock decides the count).
			await waitFor(() => proxy.inFlight === 0, {
				timeoutMs: 5 * 60_000,
				what: 'every delivery answered',
			});
			const starts = proxy.answers
				.slice(answersBefore)
				.flatMap((a) =>
					a.status === 200 ? ((JSON.parse(a.body).successEvents ?? []) as any[]) : [],
				)
				.filter((s) => s.eventMessage === 'SUCCESS').length;
			const list = await finished(events.id, starts);
			const items = list.flatMap((e) => cluster.nodeOutput(e.id, TRIGGER));
			recordOutput('queue webhooks e2e event items', items);
			const perEvent = new Map<string, number>();
			for (const i of items) perEvent.set(i.eventId, (perEvent.get(i.eventId) ?? 0) + 1);
			const duplicates = [...perEvent.values()].reduce((sum, c) => sum + c - 1, 0);
			const byWorker: Record<string, number> = {};
			for (const e of list)
				byWorker[e.worker || '(not recorded)'] = (byWorker[e.worker || '(not recorded)'] ?? 0) + 1;
			note('events', {
				events: EVENTS,
				deliveries: tally.deliveries,
				retries: tally.retries,
				statuses: tally.statuses,
				firstPassPerProcessor: perProcessor,
				executions: list.length,
				items: items.length,
				duplicates,
				startsAnswered: starts,
				startsHeardBySender: tally.started.length,
				duplicateAnswers: tally.duplicateAnswers,
				byWorker,
				wallS: Math.round((Date.now() - t0) / 1000),
			});

			expect(Math.min(...perProcessor)).toBeGreaterThanOrEqual(EVENTS);
			expect(list.map((e) => e.status).filter((s) => s !== 'success')).toEqual([]);
			expect(duplicates).toBe(0);
			expect(list).toHaveLength(EVENTS);
			expect(items).toHaveLength(EVENTS);
			expect([...perEvent.keys()].sort()).toEqual(
				Array.from({ length: EVENTS }, (_, n) => change(n).eventId).sort(),
			);
			expect(starts).toBe(EVENTS);
			// What the sender heard: each event started or a duplicate, every copy answered (a start it did not wait for
			// was retried and answered duplicate).
			expect(tally.started.length + tally.duplicateAnswers).toBe(3 * EVENTS);
			expect(byWorker['worker-1']).toBeGreaterThan(0);
			expect(byWorker['worker-2']).toBeGreaterThan(0);
		});

		test('polling trigger on main: each change runs once, across a restart of main between polls', async () => {
			const t0 = Date.now();
			await waitFor(() => emulator.requestsTo('ListUsers') > 0, {
				timeoutMs: 150_000,
				what: 'the trigger baseline poll',
			});
			const created: string[] = [];
			const round = async (from: number) => {
				for (let n = from; n < from + 3; n++) created.push(await createPolledUser(n));
				await waitFor(
					() => {
						const done = cluster.executions(welcome.id).filter((e) => e.status === 'success');
						const seen = new Set(
							done.flatMap((e) => cluster.nodeOutput(e.id, 'New IDaaS user').map((i) => i.userId)),
						);
						return created.every((id) => seen.has(id));
					},
					{
						timeoutMs: 180_000,
						intervalMs: 1000,
						what: `trigger executions for ${created.length} users`,
					},
				);
			};
			await round(1);
			await cluster.main.stopServer();
			await cluster.main.startServer();
			// The first poll after the restart reports these, and would report the first three again were the state lost.
			await round(4);
			await cluster.main
				.rest(`/rest/workflows/${welcome.id}/deactivate`, { method: 'POST', body: '{}' })
				.catch(() => undefined);
			const list = await finished(welcome.id, cluster.executions(welcome.id).length);

			const reported = list.flatMap((e) => cluster.nodeOutput(e.id, 'New IDaaS user'));
			recordOutput('queue webhooks e2e trigger items', reported);
			note('polling across a main restart', {
				changes: created.length,
				executions: list.length,
				items: reported.length,
				wallS: Math.round((Date.now() - t0) / 1000),
			});
			expect(reported.map((i) => i.userId).sort()).toEqual([...created].sort());
		});
	},
);
