/**
 * `npm run bench`: this node vs n8n's HTTP Request node vs raw undici, on the emulator over
 * loopback, with the same data; prints a table. Not part of `npm test`.
 *
 *   npm run bench                 the full jobs (10,000 creates and patches, 100,000-user lists)
 *   npm run bench -- --scale 0.1  a tenth of that, for a quick look
 *   npm run bench -- --skip-http  without the HTTP Request node (it needs the n8n sandbox)
 *   npm run bench -- --wan 20     also a smaller run with 20 ms added to every request, as a
 *                                 real tenant across a network has (loopback has none)
 *   npm run bench -- --events     only the Event Trigger's full-push job (bench/events.ts)
 *   npm run bench -- --trigger    only the polling trigger (bench/trigger.ts): the 100,000-user
 *                                 poll (--users N for another size) and, unless --users is given,
 *                                 the family rows (2,000 groups, 1,000 units); tables as in
 *                                 docs/polling-scale.md
 *   npm run bench -- --reconcile  only User → Reconcile of 10,000 people with 2% changes, beside
 *                                 the HTTP Request node and a Code-node diff (bench/reconcile.ts)
 *   npm run bench -- --offboard   only User → Offboard of 1,000 people with 3 groups and 1 secondary
 *                                 unit each, beside the same job from single-operation nodes (bench/offboard.ts)
 *   npm run bench -- --throughput only the throughput jobs (bench/throughput.ts): 2,000 creates
 *                                 across 20 ms unlimited and against 50 requests/s, and the
 *                                 loopback CPU per item, each node on its defaults
 *   npm run bench -- --throttled  only the 50 requests/s job; its last line reads
 *                                 `throttled: <achieved> of <limit> requests/s, <failed> failed items, <n> answered 429`
 *
 * The HTTP Request node comes from the real n8n the project installs into ~/.cache/n8n-nodes-alibaba-idaas/ (see
 * scripts/n8n.mjs); its n8n-workflow and n8n-core are the same versions as ours.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync } from 'fs';
import { cpus, tmpdir, totalmem } from 'os';
import { join } from 'path';

import type { INodeType, IVersionedNodeType } from 'n8n-workflow';

import { WALK_CONCURRENCY } from '../nodes/AlibabaIdaasTrigger/shared/walk';
import type { AttributionVariant } from './attribution';
import { ATTRIBUTION_LABELS, patchVariant } from './attribution';
import { startEmulatorProcess } from './emulatorProcess';
import type { Approach, JobContext } from './jobs';
import { createUsers, listAllUsers, patchUsers, userIdsOf } from './jobs';
import { runEventsBench } from './events';
import { measure, table } from './measure';
import type { OffboardData, OffboardWay } from './offboard';
import { offboardJob, offboardSource } from './offboard';
import type { ReconcileData, ReconcileWay } from './reconcile';
import { reconcileJob, reconcileSource } from './reconcile';
import {
	CPU_ROUNDS,
	cpuJob,
	renderCpu,
	renderThroughput,
	throttledJob,
	throttledLine,
	unlimitedJob,
} from './throughput';
import type { TriggerBenchResult, TriggerRun } from './trigger';
import { benchTriggerFamilies, benchTriggerPoll, familyTable, pollTable } from './trigger';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'idaas-bench-'));

const ROOT = join(__dirname, '..');
const args = process.argv.slice(2);
const scale = Number(args[args.indexOf('--scale') + 1] ?? 1) || 1;
const skipHttp = args.includes('--skip-http');
const wanMs = args.includes('--wan') ? Number(args[args.indexOf('--wan') + 1]) || 20 : 0;
const reconcileOnly = args.includes('--reconcile');
const offboardOnly = args.includes('--offboard');
const onlyThrottled = args.includes('--throttled');
const onlyThroughput = args.includes('--throughput');
const CONCURRENCY = 5;
const N_WRITE = Math.round(10_000 * scale);
const N_LIST = Math.round(100_000 * scale);

function loadHttpRequestNode(): IVersionedNodeType | undefined {
	if (skipHttp) return undefined;
	// scripts/n8n.mjs installs n8n 2.8.4 on the first run (idempotent) and prints where it is.
	const paths = JSON.parse(
		execFileSync(
			process.execPath,
			[join(ROOT, 'scripts/n8n.mjs'), 'install', '--version', '2.8.4'],
			{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
		),
	) as { dir: string };
	const file = join(
		paths.dir,
		'node_modules/n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node.js',
	);
	const { HttpRequest } = require(file) as { HttpRequest: new () => IVersionedNodeType };
	return new HttpRequest();
}

interface Row {
	job: string;
	/** Which way the job was done, as the table prints it. */
	how: string;
	/** The raw undici row: the floor the others are compared with. */
	floor: boolean;
	ms: number;
	cpuMs: number;
	requests: number;
	tokens: number;
	peakMb: number;
	note?: string;
}

const APPROACH_LABELS: Record<Approach, string> = {
	undici: 'raw undici',
	node: 'this node',
	httpRequest: 'HTTP Request node',
};

/** Runs one job once per variant, each against a fresh emulator with the same data. */
async function runJob<V extends string>(
	label: string,
	users: number,
	latencyMs: number,
	variants: Array<{ variant: V; how: string; floor?: boolean }>,
	base: Omit<JobContext, 'emulator'>,
	work: (ctx: JobContext, variant: V) => Promise<unknown>,
	prepare?: (ctx: JobContext) => Promise<void>,
): Promise<Row[]> {
	const rows: Row[] = [];
	for (const { variant, how, floor = false } of variants) {
		const emulator = await startEmulatorProcess(users, latencyMs);
		const ctx: JobContext = { ...base, emulator };
		const row: Row = {
			job: label,
			how,
			floor,
			ms: NaN,
			cpuMs: 0,
			requests: 0,
			tokens: 0,
			peakMb: 0,
		};
		try {
			if (prepare) await prepare(ctx);
			await emulator.resetStats();
			const { measurement } = await measure(() => work(ctx, variant));
			const stats = await emulator.stats();
			Object.assign(row, {
				ms: measurement.ms,
				cpuMs: measurement.cpuMs,
				requests: stats.total,
				tokens: stats.generateTokenCalls,
				peakMb: measurement.peakRssDeltaMb,
			});
		} catch (error) {
			row.note = (error as Error).message.slice(0, 80);
		} finally {
			await emulator.stop();
		}
		rows.push(row);
		process.stderr.write(`  ${label} / ${how}: ${row.ms.toFixed(0)} ms\n`);
	}
	return rows;
}

function render(rows: Row[]): Array<Array<string | number>> {
	const floor = new Map(rows.filter((r) => r.floor).map((r) => [r.job, r.ms]));
	return rows.map((r) => {
		const failed = Number.isNaN(r.ms);
		return [
			r.job,
			r.how,
			failed ? `failed: ${r.note}` : (r.ms / 1000).toFixed(2),
			failed ? '' : `${(r.ms / floor.get(r.job)!).toFixed(2)}×`,
			failed ? '' : (r.cpuMs / 1000).toFixed(2),
			r.requests,
			r.tokens,
			r.peakMb.toFixed(0),
		];
	});
}

function approaches(
	base: Omit<JobContext, 'emulator'>,
): Array<{ variant: Approach; how: string; floor?: boolean }> {
	const list: Approach[] = base.httpRequestNode
		? ['undici', 'node', 'httpRequest']
		: ['undici', 'node'];
	return list.map((variant) => ({
		variant,
		how: APPROACH_LABELS[variant],
		floor: variant === 'undici',
	}));
}

async function suite(
	base: Omit<JobContext, 'emulator'>,
	writes: number,
	list: number,
	latencyMs: number,
): Promise<Row[]> {
	const ways = approaches(base);
	let patchIds: string[] = [];
	const preparePatch = async (ctx: JobContext) => {
		patchIds = await userIdsOf(ctx, writes);
	};
	return [
		...(await runJob(
			`create ${writes.toLocaleString('en')} users`,
			0,
			latencyMs,
			ways,
			base,
			(ctx, a) => createUsers(ctx, a, writes),
		)),
		...(await runJob(
			`patch ${writes.toLocaleString('en')} users`,
			writes,
			latencyMs,
			ways,
			base,
			(ctx, a) => patchUsers(ctx, a, patchIds),
			preparePatch,
		)),
		...(await runJob(
			`Get Many, Return All, ${list.toLocaleString('en')} users`,
			list,
			latencyMs,
			ways,
			base,
			(ctx, a) => listAllUsers(ctx, a, list),
		)),
	];
}

/** The patch job once more, by the node with n8n's own per-item costs taken out one by one. */
async function attribution(base: Omit<JobContext, 'emulator'>, writes: number): Promise<Row[]> {
	let patchIds: string[] = [];
	const variants: Array<{ variant: AttributionVariant | 'undici'; how: string; floor?: boolean }> =
		[
			{ variant: 'undici', how: APPROACH_LABELS.undici, floor: true },
			...(Object.keys(ATTRIBUTION_LABELS) as AttributionVariant[]).map((variant) => ({
				variant,
				how: ATTRIBUTION_LABELS[variant],
			})),
		];
	return await runJob(
		`patch ${writes.toLocaleString('en')} users`,
		writes,
		0,
		variants,
		base,
		(ctx, variant) =>
			variant === 'undici'
				? patchUsers(ctx, 'undici', patchIds)
				: patchVariant(ctx, variant, patchIds),
		async (ctx) => {
			patchIds = await userIdsOf(ctx, writes);
		},
	);
}

const HEADERS = [
	'job',
	'how',
	'wall s',
	'vs undici',
	'client CPU s',
	'requests',
	'GenerateToken',
	'peak MB',
];

function triggerRows(t: TriggerBenchResult): Row[] {
	const job = `trigger poll, ${t.users.toLocaleString('en')} users`;
	const row = (how: string, run: TriggerRun, floor = false): Row => ({
		job,
		how,
		floor,
		ms: run.measurement.ms,
		cpuMs: run.measurement.cpuMs,
		requests: run.requests,
		tokens: run.generateTokenCalls,
		peakMb: run.measurement.peakRssDeltaMb,
	});
	return [
		row('raw undici, the same requests', t.floor, true),
		row("the trigger's walk through n8n's helpers, nothing compared", t.helpers),
		row('this trigger, next poll', t.poll),
		row('this trigger, first poll', t.baseline),
	];
}

/** Reconcile `people` against an HR source with 2% changes, by the node and by the HTTP Request node. */
async function reconcileRows(base: Omit<JobContext, 'emulator'>, people: number): Promise<Row[]> {
	const ways: Array<{ variant: ReconcileWay; how: string; floor?: boolean }> = [
		{ variant: 'node', how: 'this node, Reconcile', floor: true },
		{ variant: 'nodeAutoMap', how: 'this node, Reconcile, Map Automatically' },
		...(base.httpRequestNode
			? [{ variant: 'httpRequest' as const, how: 'HTTP Request node + Code diff' }]
			: []),
	];
	let data: ReconcileData = { rows: [], changes: 0 };
	const rows = await runJob(
		`reconcile ${people.toLocaleString('en')} people, 2% changes`,
		people,
		0,
		ways,
		base,
		(ctx, way) => reconcileJob(ctx, way, data),
		async (ctx) => {
			data = await reconcileSource(ctx);
		},
	);
	for (const row of rows) row.note ??= `${data.changes} changes`;
	return rows;
}

/** Offboard `people` (3 groups and 1 secondary unit each) by one Offboard node and by single-operation nodes. */
async function offboardRows(base: Omit<JobContext, 'emulator'>, people: number): Promise<Row[]> {
	const ways: Array<{ variant: OffboardWay; how: string; floor?: boolean }> = [
		{ variant: 'offboard', how: 'this node, Offboard', floor: true },
		{ variant: 'singleNodes', how: 'this node, single operations (5 nodes)' },
	];
	let data: OffboardData = { userIds: [] };
	return await runJob(
		`offboard ${people.toLocaleString('en')} people, 3 groups + 1 unit each`,
		people,
		0,
		ways,
		base,
		(ctx, way) => offboardJob(ctx, way, data),
		async (ctx) => {
			data = await offboardSource(ctx, people);
		},
	);
}

function machine(): string {
	const cpu = cpus()[0]?.model ?? 'unknown CPU';
	return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** The throughput jobs (bench/throughput.ts); with `throttledOnly` the 50 requests/s job alone, ending on its line. */
async function throughput(
	base: Omit<JobContext, 'emulator'>,
	throttledOnly: boolean,
): Promise<string> {
	const throttled = await throttledJob(base);
	if (throttledOnly)
		return `\nMachine: ${machine()}\n\n${renderThroughput(throttled)}\n\n${throttledLine(throttled)}\n`;
	const unlimited = await unlimitedJob(base);
	const cpu = await cpuJob(base);
	return (
		`\nAt the tenant's limit (each node on its defaults; ${machine()}):\n\n${renderThroughput([...unlimited, ...throttled])}\n\n` +
		`Client CPU per item on loopback, defaults (the median of ${CPU_ROUNDS} rounds):\n\n${renderCpu(cpu)}\n\n${throttledLine(throttled)}\n`
	);
}

/** The polling trigger's rows alone, with the load the machine was under. */
async function triggerBench(): Promise<string> {
	const users = args.includes('--users') ? Number(args[args.indexOf('--users') + 1]) : 0;
	const load = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
	let out = `\nMachine: ${machine()}\n${load()}\n\n${pollTable(await benchTriggerPoll(users || N_LIST))}\n`;
	if (!users) out += `\n${load()}\n\n${familyTable(await benchTriggerFamilies())}`;
	return out;
}

async function main(): Promise<void> {
	if (args.includes('--events')) return await runEventsBench(args);
	if (args.includes('--trigger')) {
		process.stdout.write(await triggerBench());
		return;
	}
	const { AlibabaIdaas } = require('../nodes/AlibabaIdaas/AlibabaIdaas.node.ts') as {
		AlibabaIdaas: new () => INodeType;
	};
	const base = {
		concurrency: CONCURRENCY,
		idaasNode: new AlibabaIdaas(),
		httpRequestNode: loadHttpRequestNode(),
	};
	if (offboardOnly) {
		await offboardRows(base, 50);
		const rows = await offboardRows(base, Math.round(1000 * scale));
		const perPerson = rows
			.map(
				(r) =>
					`${r.how}: ${r.requests} requests, ${(r.requests / Math.round(1000 * scale)).toFixed(2)} per person`,
			)
			.join('; ');
		process.stdout.write(
			`\nOffboard (loopback; ${machine()}; the ratio column is against Offboard). Floor per person: 1 disable + 3 groups + 1 secondary-unit call = 5 (+1 token revoke per credential provider, not in this job):\n\n${table(HEADERS, render(rows))}\n${perPerson}\n`,
		);
		return;
	}
	if (reconcileOnly) {
		// Warm the JIT of this process once, as the full suite does.
		await reconcileRows(base, 200);
		const rows = await reconcileRows(base, N_WRITE);
		const requests = rows.map((r) => `${r.how}: ${r.requests} requests`).join('; ');
		process.stdout.write(
			`\nReconcile (loopback; the ratio column is against this node):\n\n${table(HEADERS, render(rows))}\n${requests}\n`,
		);
		return;
	}
	// Warm the JIT of this process once, so the first measured approach is not penalized.
	await suite(base, 200, 2000, 0);
	if (onlyThrottled || onlyThroughput) {
		process.stdout.write(await throughput(base, onlyThrottled));
		return;
	}

	const loopbackRows = await suite(base, N_WRITE, N_LIST, 0);
	process.stderr.write(`  trigger poll over ${N_LIST.toLocaleString('en')} users...\n`);
	const t = await benchTriggerPoll(N_LIST);
	loopbackRows.push(...triggerRows(t));
	const attributionRows = await attribution(base, N_WRITE);
	let out =
		`\nMachine: ${machine()}; concurrency ${CONCURRENCY} (trigger: ${WALK_CONCURRENCY})\n\n` +
		`Loopback (no network latency):\n\n${table(HEADERS, render(loopbackRows))}\n\n` +
		`Trigger state: ${t.stateBytes.toLocaleString('en')} bytes = ${t.bytesPerUser} bytes per user; the next poll found ${t.poll.events} of the 15 changes; the raw walk saw ${t.floor.usersSeen.toLocaleString('en')} users.\n\n` +
		`Where the node's time goes (the patch job again, n8n's per-item costs taken out one by one; diagnostic only):\n\n${table(HEADERS, render(attributionRows))}\n`;
	if (wanMs > 0) {
		const wanRows = await suite(base, Math.round(N_WRITE / 10), Math.round(N_LIST / 5), wanMs);
		wanRows.push(...triggerRows(await benchTriggerPoll(Math.round(N_LIST / 5), wanMs)));
		const wan = render(wanRows);
		out += `\nWith ${wanMs} ms added to every request (a tenant across a network):\n\n${table(HEADERS, wan)}\n`;
	}
	out += await throughput(base, false);
	process.stdout.write(out);
}

main()
	// n8n-core leaves timers behind (e.g. its SSH client manager's clean-up), so leave explicitly.
	.then(() => process.exit(0))
	.catch((error) => {
		process.stderr.write(`${(error as Error).stack}\n`);
		process.exit(1);
	});
