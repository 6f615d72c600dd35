/**
 * The package in n8n queue mode: PostgreSQL, Redis, one main instance and two `n8n worker` processes of
 * n8n 2.8.4, each with this package installed, against the IDaaS emulator; all on 127.0.0.1, started and stopped
 * here (scripts/ensure-queue-services.sh installs Debian's postgresql and redis-server when missing).
 *
 * - Trigger: the welcome example, active on main, polls one OU; users created there run on the workers, each
 *   exactly once, across a worker killed (SIGKILL) and restarted.
 * - Bulk: the HR sync example, started by webhook as 6 executions of 5,000 rows in all, runs on both workers
 *   (each worker takes 3 at a time) and leaves every row created exactly once.
 * - Tokens: GenerateToken counted over that run, then over a second one (every row renamed) during which every
 *   token is expired; no item is lost to a renewal.
 * - A worker killed during a bulk run: the execution n8n gives up on is reported, and running it again leaves
 *   every row exactly once.
 * Figures (executions, workers, GenerateToken counts, wall times) go to stderr and test/e2e/.artifacts/queue.json.
 */
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
import { HR_WEBHOOK_PATH, hrSyncByWebhook, welcomeWatching } from './helpers/queueWorkflows';
import { credentialRefs } from './helpers/workflows';

const VERSION = '2.8.4';
jest.setTimeout(15 * 60_000);

const ROWS = 5_000;
const EXECUTIONS = 6;
const CONCURRENCY = 3; // per worker: 6 executions at once can only all run if both workers take 3
const KILL_ROWS = 1_200;
const KILL_EXECUTIONS = 4;
const TRIGGER_OU = 'ou_demohr01';
const BULK_OU = 'ou_demoengineering01';
const TRIGGER_CREDENTIAL = { id: 'idaasQueueTrigCr1', name: 'IDaaS for the trigger' };

const hrSync = hrSyncByWebhook(loadExample('hr-sync'));
const welcome = welcomeWatching(loadExample('welcome'), TRIGGER_OU, TRIGGER_CREDENTIAL);

let emulator: DemoEmulator;
let cluster: QueueCluster;
const figures: Record<string, unknown> = {};

interface Row {
	employeeId: string;
	username: string;
	displayName: string;
	email: string;
	organizationalUnitId: string;
}

function rows(prefix: string, count: number, suffix = ''): Row[] {
	return Array.from({ length: count }, (_, i) => {
		const n = String(i).padStart(5, '0');
		return {
			employeeId: `${prefix}${n}`,
			username: `${prefix.toLowerCase()}.user${n}`,
			displayName: `${prefix} User ${n}${suffix}`,
			email: `${prefix.toLowerCase()}.user${n}@example.com`,
			organizationalUnitId: BULK_OU,
		};
	});
}

function batches<T>(all: T[], n: number): T[][] {
	const size = Math.ceil(all.length / n);
	return Array.from({ length: n }, (_, i) => all.slice(i * size, (i + 1) * size));
}

/**
 * Starts one HR sync execution per batch, all at once. Each body carries a marker; the execution it started is
 * found by that marker in the stored execution data (main stores the webhook's body when it queues the job).
 */
async function startSync(label: string, parts: Row[][]): Promise<Map<number, string>> {
	const markers = parts.map((_, i) => `${label}-batch-${i + 1}-of-${parts.length}`);
	await Promise.all(
		parts.map(async (part, i) => {
			const r = await fetch(`${cluster.main.baseUrl}/webhook/${HR_WEBHOOK_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ batch: markers[i], rows: part }),
			});
			if (!r.ok) throw new Error(`webhook ${markers[i]}: ${r.status} ${await r.text()}`);
		}),
	);
	const byBatch = new Map<number, string>();
	await waitFor(
		() => {
			markers.forEach((m, i) => {
				const ids = cluster.executionsContaining(`"${m}"`);
				if (ids.length > 1) throw new Error(`${m} started ${ids.length} executions`);
				if (ids.length === 1) byBatch.set(i, ids[0]);
			});
			return byBatch.size === markers.length;
		},
		{ timeoutMs: 60_000, intervalMs: 200, what: `the executions of ${label}` },
	);
	return byBatch;
}

/** The emulator's users with an external ID starting with `prefix`, counted per external ID. */
async function directory(prefix: string): Promise<Map<string, any[]>> {
	const dump: any = await (await fetch(`${emulator.url}/__emulator/state/dump`)).json();
	const byExternalId = new Map<string, any[]>();
	for (const u of dump.users as any[]) {
		if (!String(u.userExternalId ?? '').startsWith(prefix)) continue;
		byExternalId.set(u.userExternalId, [...(byExternalId.get(u.userExternalId) ?? []), u]);
	}
	return byExternalId;
}

async function stats(): Promise<any> {
	return await (await fetch(`${emulator.url}/__emulator/stats`)).json();
}

const ok = (action: string, s: any) => Number(s.byAction?.[action]?.['200'] ?? 0);

/** Waits for a moment inside a run; fails at once should the run end before it (a broken run must not hang). */
async function midRun(
	what: string,
	afterId: number,
	count: number,
	reached: () => Promise<boolean>,
): Promise<void> {
	const t0 = Date.now();
	while (!(await reached())) {
		const list = cluster.executions(hrSync.id).filter((e) => Number(e.id) > afterId);
		if (list.length >= count && list.every((e) => !['new', 'running'].includes(e.status))) {
			throw new Error(
				`the run ended before ${what}: ${list.map((e) => `${e.id} ${e.status}`).join(', ')}`,
			);
		}
		if (Date.now() - t0 > 5 * 60_000) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** Every row exactly once, with the row's values. */
async function expectDirectory(all: Row[], prefix: string): Promise<void> {
	const dir = await directory(prefix);
	expect(dir.size).toBe(all.length);
	const duplicated = [...dir.entries()].filter(([, users]) => users.length !== 1).map(([id]) => id);
	expect(duplicated).toEqual([]);
	const wrong = all.filter((row) => {
		const [u] = dir.get(row.employeeId) ?? [];
		return (
			!u ||
			u.username !== row.username ||
			u.displayName !== row.displayName ||
			u.primaryOrganizationalUnitId !== row.organizationalUnitId
		);
	});
	expect(wrong.map((r) => r.employeeId)).toEqual([]);
}

function upsertItems(executionIds: string[]): any[] {
	const items = executionIds.flatMap((id) => cluster.nodeOutput(id, 'Upsert user'));
	recordOutput('queue e2e upsert items', items);
	return items;
}

async function createTriggerUser(n: number): Promise<string> {
	const r = await fetch(`${emulator.url}/__emulator/users`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			username: `queue.trigger${n}`,
			displayName: `Queue Trigger ${n}`,
			primaryOrganizationalUnitId: TRIGGER_OU,
		}),
	});
	if (!r.ok) throw new Error(`create user: ${r.status} ${await r.text()}`);
	return ((await r.json()) as any).userId;
}

function workersOf(list: ExecutionRecord[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const e of list) counts[e.worker || '(none)'] = (counts[e.worker || '(none)'] ?? 0) + 1;
	return counts;
}

function note(key: string, value: unknown): void {
	figures[key] = value;
	process.stderr.write(`[queue e2e] ${key}: ${JSON.stringify(value)}\n`);
}

describeE2E(`n8n ${VERSION} queue mode: main + 2 workers, PostgreSQL, Redis`, () => {
	beforeAll(async () => {
		const t0 = Date.now();
		ensureBuilt();
		const paths = ensureN8n(VERSION);
		emulator = await startDemoEmulator();
		const data = emulator.credentialData();
		recordSecret(data.clientSecret);
		const [ref] = credentialRefs(hrSync);
		cluster = await QueueCluster.start(paths, {
			workers: 2,
			concurrency: CONCURRENCY,
			prepare: async (main: N8nSandbox) => {
				await main.importCredentials([
					{ id: ref.id, name: ref.name, type: 'alibabaIdaasApi', data },
					{ ...TRIGGER_CREDENTIAL, type: 'alibabaIdaasApi', data },
				]);
				await main.importWorkflows([hrSync, welcome]);
				await main.publish(hrSync.id);
				await main.publish(welcome.id);
			},
		});
		await cluster.main.setupOwner();
		note('cluster start s', Math.round((Date.now() - t0) / 1000));
	}, 20 * 60_000);

	afterAll(async () => {
		for (const t of emulator?.issuedTokens() ?? []) recordSecret(t);
		if (Object.keys(figures).length)
			writeFileSync(join(artifactsDir(), 'queue.json'), `${JSON.stringify(figures, null, 2)}\n`);
		cluster?.saveLogs(artifactsDir());
		await cluster?.stop();
		await emulator?.close();
	});

	test('trigger on main: each change runs once on a worker, across a worker killed and restarted', async () => {
		const t0 = Date.now();
		// The activation poll takes the baseline; users created after it are changes.
		await waitFor(() => emulator.requestsTo('ListUsers') > 0, {
			timeoutMs: 60_000,
			what: 'the trigger baseline poll',
		});
		const [w1, w2] = cluster.workers;
		const created: string[] = [];
		const runsWith = (ids: string[]) => async () => {
			const done = cluster.executions(welcome.id).filter((e) => e.status === 'success');
			const seen = new Set(
				done.flatMap((e) => cluster.nodeOutput(e.id, 'New IDaaS user').map((i) => i.userId)),
			);
			return (
				ids.every((id) => seen.has(id)) &&
				cluster.executions(welcome.id).every((e) => e.status !== 'running' && e.status !== 'new')
			);
		};
		const round = async (from: number) => {
			for (let n = from; n < from + 3; n++) created.push(await createTriggerUser(n));
			await waitFor(runsWith(created), {
				timeoutMs: 120_000,
				intervalMs: 1000,
				what: `trigger executions for ${created.length} users`,
			});
		};

		await round(1);
		await cluster.killWorker(w2); // idle between polls: no execution of it is lost
		await round(4); // only worker-1 is left
		await cluster.startWorker(w2);
		await round(7);
		await cluster.main.rest(`/rest/workflows/${welcome.id}/deactivate`, {
			method: 'POST',
			body: '{}',
		});

		const list = cluster.executions(welcome.id);
		expect(list.map((e) => e.status).filter((s) => s !== 'success')).toEqual([]);
		expect(list.every((e) => e.worker === 'worker-1' || e.worker === 'worker-2')).toBe(true);
		const reported = list.flatMap((e) => cluster.nodeOutput(e.id, 'New IDaaS user'));
		recordOutput('queue e2e trigger items', reported);
		expect(reported.map((i) => i.event)).toEqual(reported.map(() => 'created'));
		expect(reported.map((i) => i.userId).sort()).toEqual([...created].sort()); // each change exactly once
		// The executions the trigger started while worker-2 was down all ran on worker-1.
		const byWorker = workersOf(list);
		expect(byWorker['worker-1']).toBeGreaterThan(0);
		expect(cluster.startedBy(w1).length + cluster.startedBy(w2).length).toBe(list.length);
		note('trigger', {
			changes: created.length,
			executions: list.length,
			byWorker,
			wallS: Math.round((Date.now() - t0) / 1000),
		});
	});

	const bulk = rows('QE', ROWS);

	test(`bulk: ${ROWS} rows in ${EXECUTIONS} executions at once land on both workers, each row created once`, async () => {
		const t0 = Date.now();
		const before = await stats();
		const started = await startSync('bulk', batches(bulk, EXECUTIONS));
		const list = await cluster.settled(hrSync.id, EXECUTIONS);
		expect(list.map((e) => e.id).sort()).toEqual([...started.values()].sort());
		const wallS = (Date.now() - t0) / 1000;
		const after = await stats();

		expect(list.map((e) => e.status)).toEqual(list.map(() => 'success'));
		const byWorker = workersOf(list);
		expect(Object.keys(byWorker).sort()).toEqual(['worker-1', 'worker-2']);
		// The records agree with the workers' own logs.
		for (const [i, w] of cluster.workers.entries()) {
			expect(
				list
					.filter((e) => e.worker === `worker-${i + 1}`)
					.map((e) => e.id)
					.sort(),
			).toEqual(
				cluster
					.startedBy(w)
					.filter((id) => list.some((e) => e.id === id))
					.sort(),
			);
		}
		await expectDirectory(bulk, 'QE');
		expect(ok('CreateUser', after) - ok('CreateUser', before)).toBe(ROWS);
		const items = upsertItems(list.map((e) => e.id));
		expect(items).toHaveLength(ROWS);
		expect(items.filter((i) => i.action === 'created')).toHaveLength(ROWS);
		const tokens = after.generateTokenCalls - before.generateTokenCalls;
		// A blank stored token, found by every execution at once: each one renews (see docs/scale.md).
		expect(tokens).toBeGreaterThanOrEqual(1);
		expect(tokens).toBeLessThanOrEqual(EXECUTIONS);
		note('bulk', {
			rows: ROWS,
			executions: list.length,
			byWorker,
			generateToken: tokens,
			requests: after.total - before.total,
			wallS: Math.round(wallS),
		});
	});

	test('tokens: every token expired mid-run: renewals bounded by the executions in flight, no item lost', async () => {
		const t0 = Date.now();
		const renamed = rows('QE', ROWS, ' (renamed)');
		const before = await stats();
		const lastId = Math.max(...cluster.executions(hrSync.id).map((e) => Number(e.id)));
		await startSync('renamed', batches(renamed, EXECUTIONS));
		// Mid-run: a third of the renames done.
		await midRun(
			'a third of the renames',
			lastId,
			EXECUTIONS,
			async () => ok('PatchUser', await stats()) - ok('PatchUser', before) >= ROWS / 3,
		);
		const running = cluster
			.executions(hrSync.id)
			.filter((e) => Number(e.id) > lastId && ['new', 'running'].includes(e.status)).length;
		const atExpiry = await stats();
		await emulator.expireTokens();
		const list = await cluster.settled(hrSync.id, EXECUTIONS, { afterId: lastId });
		const after = await stats();

		expect(list.map((e) => e.status)).toEqual(list.map(() => 'success'));
		await expectDirectory(renamed, 'QE');
		expect(ok('PatchUser', after) - ok('PatchUser', before)).toBe(ROWS);
		const items = upsertItems(list.map((e) => e.id));
		expect(items).toHaveLength(ROWS);
		expect(
			items.filter((i) => i.action === 'updated' && i.changedFields.includes('displayName')),
		).toHaveLength(ROWS);
		const beforeExpiry = atExpiry.generateTokenCalls - before.generateTokenCalls;
		const renewals = after.generateTokenCalls - atExpiry.generateTokenCalls;
		// The requests the expired tokens were refused (400 invalid_token) were all sent again.
		const refused = Number(after.statuses['400'] ?? 0) - Number(atExpiry.statuses['400'] ?? 0);
		expect(renewals).toBeGreaterThanOrEqual(1);
		expect(renewals).toBeLessThanOrEqual(running);
		note('tokens', {
			executions: list.length,
			runningAtExpiry: running,
			generateTokenBeforeExpiry: beforeExpiry,
			renewalsAfterExpiry: renewals,
			refusedRequests: refused,
			byWorker: workersOf(list),
			wallS: Math.round((Date.now() - t0) / 1000),
		});
	});

	test('a worker killed mid-run: the execution n8n gives up on is reported, and running it again leaves no duplicates', async () => {
		const t0 = Date.now();
		const [w1] = cluster.workers;
		const killRows = rows('QK', KILL_ROWS);
		const parts = batches(killRows, KILL_EXECUTIONS);
		const before = await stats();
		const lastId = Math.max(...cluster.executions(hrSync.id).map((e) => Number(e.id)));
		const started = await startSync('kill', parts);
		// Mid-run on worker-1: it has started executions of this run and rows are being created.
		await midRun(
			'worker-1 mid-run',
			lastId,
			KILL_EXECUTIONS,
			async () =>
				cluster.runningOn(w1).some((id) => Number(id) > lastId) &&
				ok('CreateUser', await stats()) - ok('CreateUser', before) >= KILL_ROWS / 4,
		);
		await cluster.killWorker(w1);
		const onKilled = cluster.runningOn(w1).filter((id) => Number(id) > lastId);
		const createdBeforeKill = ok('CreateUser', await stats()) - ok('CreateUser', before);

		const list = await cluster.settled(hrSync.id, KILL_EXECUTIONS, {
			afterId: lastId,
			timeoutMs: 5 * 60_000,
		});
		const failed = list.filter((e) => e.status !== 'success');
		expect(failed.map((e) => e.id).sort()).toEqual([...onKilled].sort());
		// n8n 2.8.4 fails a dead worker's jobs as stalled (status error); it never runs them again by itself.
		for (const e of failed) expect(['error', 'crashed']).toContain(e.status);
		const report = failed.map((e) => ({ id: e.id, status: e.status, error: errorOf(e.id) }));
		note('killed worker-1 executions', report);
		const lostParts = [...started.entries()]
			.filter(([, id]) => failed.some((e) => e.id === id))
			.map(([i]) => parts[i]);
		expect(lostParts).toHaveLength(failed.length);

		// Running them again: the same rows, through the same webhook.
		await cluster.startWorker(w1);
		const rerunIds = [...(await startSync('kill-rerun', lostParts)).values()];
		const all = await cluster.settled(hrSync.id, KILL_EXECUTIONS + lostParts.length, {
			afterId: lastId,
			timeoutMs: 5 * 60_000,
		});
		const rerun = all.filter((e) => rerunIds.includes(e.id));
		expect(rerun.map((e) => e.status)).toEqual(rerun.map(() => 'success'));
		const after = await stats();

		await expectDirectory(killRows, 'QK');
		expect(ok('CreateUser', after) - ok('CreateUser', before)).toBe(KILL_ROWS); // no row created twice
		const items = upsertItems(rerun.map((e) => e.id));
		const redone = {
			created: items.filter((i) => i.action === 'created').length,
			alreadyThere: items.filter((i) => i.action === 'unchanged' || i.action === 'updated').length,
		};
		expect(redone.created + redone.alreadyThere).toBe(lostParts.flat().length);
		expect(redone.alreadyThere).toBeGreaterThan(0); // the lost execution had created some before it died
		note('kill', {
			rows: KILL_ROWS,
			executions: KILL_EXECUTIONS,
			createdBeforeKill,
			failed: report.length,
			rerun: redone,
			rerunOn: workersOf(rerun),
			wallS: Math.round((Date.now() - t0) / 1000),
		});
	});
});

/** The error n8n stored for an execution. */
function errorOf(executionId: string): string {
	const error = cluster.runData(executionId).resultData.error ?? {};
	return String(error.message ?? error.name ?? '');
}
