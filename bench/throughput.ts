import type { EmulatorProcess } from './emulatorProcess';
import { startEmulatorProcess } from './emulatorProcess';
import type { Approach, HttpRequestSetup, JobContext } from './jobs';
import { createUsers, patchUsers, userIdsOf } from './jobs';
import { measure, table } from './measure';

/**
 * Throughput at the tenant's limit, each run against the emulator in its own process:
 * this node with its defaults (automatic concurrency), n8n's HTTP Request node with its defaults
 * (every item at once) and with batching set the way a careful user would for a 50 requests/s
 * tenant, and raw undici that waits out each 429's x-acs-retry-after.
 */

export const THROTTLED = { creates: 2000, perSecond: 50, latencyMs: 20 };

/** Batching that keeps the HTTP Request node at 45 requests/s: 9 items every 200 ms. */
const CAREFUL: HttpRequestSetup = { batching: { size: 9, interval: 200 }, continueOnFail: true };

interface Way {
	how: string;
	approach: Approach;
	setup: HttpRequestSetup;
}

const WAYS: Way[] = [
	{ how: 'raw undici, 50 at once, waits out 429s', approach: 'undici', setup: {} },
	{ how: 'this node, defaults (automatic)', approach: 'node', setup: { continueOnFail: true } },
	{ how: 'HTTP Request node, defaults', approach: 'httpRequest', setup: { continueOnFail: true } },
	{ how: 'HTTP Request node, batches of 9 every 200 ms', approach: 'httpRequest', setup: CAREFUL },
];

export interface ThroughputRow {
	job: string;
	how: string;
	ms: number;
	cpuMs: number;
	failed: number;
	/** Requests answered 200 per second of wall time (creates that succeeded). */
	achieved: number;
	throttled: number;
	requests: number;
	tokens: number;
	note?: string;
}

async function runWay(
	base: Omit<JobContext, 'emulator'>,
	job: string,
	way: Way,
	count: number,
	start: () => Promise<EmulatorProcess>,
): Promise<ThroughputRow> {
	const emulator = await start();
	const row: ThroughputRow = {
		job,
		how: way.how,
		ms: NaN,
		cpuMs: 0,
		failed: 0,
		achieved: 0,
		throttled: 0,
		requests: 0,
		tokens: 0,
	};
	try {
		await emulator.resetStats();
		const { result: failed, measurement } = await measure(() =>
			createUsers({ ...base, concurrency: 'auto', emulator }, way.approach, count, way.setup),
		);
		const stats = await emulator.stats();
		Object.assign(row, {
			ms: measurement.ms,
			cpuMs: measurement.cpuMs,
			failed,
			achieved: ((count - failed) / measurement.ms) * 1000,
			throttled: stats.throttled,
			requests: stats.total,
			tokens: stats.generateTokenCalls,
		});
	} catch (error) {
		row.note = (error as Error).message.slice(0, 80);
	} finally {
		await emulator.stop();
	}
	process.stderr.write(`  ${job} / ${way.how}: ${row.ms.toFixed(0)} ms, ${row.failed} failed\n`);
	return row;
}

function ways(base: Omit<JobContext, 'emulator'>): Way[] {
	return base.httpRequestNode ? WAYS : WAYS.filter((way) => way.approach !== 'httpRequest');
}

/** 2,000 creates across 20 ms of network with no rate limit. */
export async function unlimitedJob(
	base: Omit<JobContext, 'emulator'>,
	count = 2000,
	latencyMs = 20,
): Promise<ThroughputRow[]> {
	const job = `create ${count.toLocaleString('en')}, ${latencyMs} ms, no limit`;
	const rows: ThroughputRow[] = [];
	for (const way of ways(base))
		rows.push(await runWay(base, job, way, count, () => startEmulatorProcess(0, latencyMs)));
	return rows;
}

/** 2,000 creates across 20 ms of network against a 50 requests/s tenant limit. */
export async function throttledJob(
	base: Omit<JobContext, 'emulator'>,
	spec = THROTTLED,
): Promise<ThroughputRow[]> {
	const job = `create ${spec.creates.toLocaleString('en')}, ${spec.latencyMs} ms, ${spec.perSecond} requests/s`;
	const start = async () => {
		const emulator = await startEmulatorProcess(0, spec.latencyMs);
		await emulator.rateLimit(spec.perSecond);
		return emulator;
	};
	const rows: ThroughputRow[] = [];
	for (const way of ways(base)) rows.push(await runWay(base, job, way, spec.creates, start));
	return rows;
}

export function renderThroughput(rows: ThroughputRow[]): string {
	const headers = [
		'job',
		'how',
		'wall s',
		'answered 200 per s',
		'failed items',
		'answered 429',
		'client CPU s',
		'requests',
		'GenerateToken',
	];
	return table(
		headers,
		rows.map((r) =>
			Number.isNaN(r.ms)
				? [r.job, r.how, `failed: ${r.note}`, '', '', '', '', '', '']
				: [
						r.job,
						r.how,
						(r.ms / 1000).toFixed(2),
						r.achieved.toFixed(1),
						r.failed,
						r.throttled,
						(r.cpuMs / 1000).toFixed(2),
						r.requests,
						r.tokens,
					],
		),
	);
}

/** The line a script reads after `npm run bench -- --throttled`: this node's row. */
export function throttledLine(rows: ThroughputRow[], perSecond = THROTTLED.perSecond): string {
	const ours = rows.find((r) => r.how.startsWith('this node'));
	if (!ours || Number.isNaN(ours.ms)) return `throttled: failed (${ours?.note ?? 'no run'})`;
	return `throttled: ${ours.achieved.toFixed(1)} of ${perSecond} requests/s, ${ours.failed} failed items, ${ours.throttled} answered 429`;
}

export interface CpuRow {
	job: string;
	how: string;
	/** The median round's CPU and wall time (ms). */
	cpuMs: number;
	ms: number;
	items: number;
	/** Every round's CPU ms per item, in the order run. */
	rounds: number[];
}

/** Rounds of the CPU job: each node runs first in some of them, so neither gains from the other warming up the shared n8n code. */
export const CPU_ROUNDS = 3;

/**
 * Loopback creates and patches, defaults on both nodes: the client's CPU per item. On 2 cores
 * the emulator's own work shares the machine, so one run of each moves by a tenth or more;
 * the rounds alternate which node goes first, and the table gives the median round.
 */
export async function cpuJob(base: Omit<JobContext, 'emulator'>, count = 2000): Promise<CpuRow[]> {
	const approaches: Array<[Approach, string]> = [['node', 'this node, defaults']];
	if (base.httpRequestNode) approaches.push(['httpRequest', 'HTTP Request node, defaults']);
	const rows: CpuRow[] = [];
	for (const kind of ['create', 'patch'] as const) {
		const runs = new Map<Approach, Array<{ cpuMs: number; ms: number }>>(
			approaches.map(([approach]) => [approach, []]),
		);
		for (let round = 0; round < CPU_ROUNDS; round++) {
			const order = round % 2 === 0 ? approaches : [...approaches].reverse();
			for (const [approach] of order) {
				const emulator = await startEmulatorProcess(kind === 'patch' ? count : 0, 0);
				const ctx: JobContext = { ...base, concurrency: 'auto', emulator };
				try {
					const ids = kind === 'patch' ? await userIdsOf(ctx, count) : [];
					const { measurement } = await measure(() =>
						kind === 'create' ? createUsers(ctx, approach, count) : patchUsers(ctx, approach, ids),
					);
					runs.get(approach)!.push({ cpuMs: measurement.cpuMs, ms: measurement.ms });
				} finally {
					await emulator.stop();
				}
			}
		}
		for (const [approach, how] of approaches) {
			const measured = runs.get(approach)!;
			const middle = [...measured].sort((a, b) => a.cpuMs - b.cpuMs)[
				Math.floor(measured.length / 2)
			];
			rows.push({
				job: `${kind} ${count.toLocaleString('en')} users, loopback`,
				how,
				cpuMs: middle.cpuMs,
				ms: middle.ms,
				items: count,
				rounds: measured.map((run) => run.cpuMs / count),
			});
		}
	}
	return rows;
}

export function renderCpu(rows: CpuRow[]): string {
	const theirs = new Map(rows.filter((r) => r.how.startsWith('HTTP')).map((r) => [r.job, r.cpuMs]));
	return table(
		[
			'job',
			'how',
			'client CPU s',
			'CPU ms per item',
			'vs HTTP Request',
			'wall s',
			'CPU ms per item, each round',
		],
		rows.map((r) => [
			r.job,
			r.how,
			(r.cpuMs / 1000).toFixed(2),
			(r.cpuMs / r.items).toFixed(3),
			theirs.has(r.job) ? `${(r.cpuMs / theirs.get(r.job)!).toFixed(2)}×` : '',
			(r.ms / 1000).toFixed(2),
			r.rounds.map((ms) => ms.toFixed(3)).join(', '),
		]),
	);
}
