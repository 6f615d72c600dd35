/**
 * `npm run bench`: this node vs n8n's HTTP Request node vs raw undici, on the emulator over
 * loopback, with the same data; prints a table. Not part of `npm test`.
 *
 *   npm run bench                 the full jobs (10,000 creates and patches, 100,000-user lists)
 *   npm run bench -- --scale 0.1  a tenth of that, for a quick look
 *   npm run bench -- --skip-http  without the HTTP Request node (it needs the n8n sandbox)
 *   npm run bench -- --wan 20     also a smaller run with 20 ms added to every request, as a
 *                                 real tenant across a network has (loopback has none)
 *
 * The HTTP Request node comes from the real n8n the project installs into .sandbox/ (see
 * scripts/n8n.mjs); its n8n-workflow and n8n-core are the same versions as ours.
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync } from 'fs';
import { cpus, tmpdir, totalmem } from 'os';
import { join } from 'path';

import type { INodeType, IVersionedNodeType } from 'n8n-workflow';

import { startEmulatorProcess } from './emulatorProcess';
import type { Approach, JobContext } from './jobs';
import { createUsers, listAllUsers, patchUsers, userIdsOf } from './jobs';
import { measure, table } from './measure';
import { benchTriggerPoll } from './trigger';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'idaas-bench-'));

const ROOT = join(__dirname, '..');
const args = process.argv.slice(2);
const scale = Number(args[args.indexOf('--scale') + 1] ?? 1) || 1;
const skipHttp = args.includes('--skip-http');
const wanMs = args.includes('--wan') ? Number(args[args.indexOf('--wan') + 1]) || 20 : 0;
const CONCURRENCY = 5;
const N_WRITE = Math.round(10_000 * scale);
const N_LIST = Math.round(100_000 * scale);

function loadHttpRequestNode(): IVersionedNodeType | undefined {
	if (skipHttp) return undefined;
	const file = join(ROOT, '.sandbox/n8n-2.8.4/node_modules/n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node.js');
	if (!existsSync(file)) {
		process.stderr.write('Installing the n8n sandbox for the HTTP Request node (first run only)...\n');
		execFileSync(process.execPath, [join(ROOT, 'scripts/n8n.mjs'), 'install', '--version', '2.8.4'], { stdio: 'inherit' });
	}
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { HttpRequest } = require(file) as { HttpRequest: new () => IVersionedNodeType };
	return new HttpRequest();
}

interface Row {
	job: string;
	approach: Approach;
	ms: number;
	requests: number;
	tokens: number;
	peakMb: number;
	note?: string;
}

async function runJob(
	label: string,
	users: number,
	latencyMs: number,
	approaches: Approach[],
	base: Omit<JobContext, 'emulator'>,
	work: (ctx: JobContext, approach: Approach) => Promise<unknown>,
	prepare?: (ctx: JobContext) => Promise<void>,
): Promise<Row[]> {
	const rows: Row[] = [];
	for (const approach of approaches) {
		const emulator = await startEmulatorProcess(users, latencyMs);
		const ctx: JobContext = { ...base, emulator };
		try {
			if (prepare) await prepare(ctx);
			await emulator.resetStats();
			const { measurement } = await measure(() => work(ctx, approach));
			const stats = await emulator.stats();
			rows.push({
				job: label,
				approach,
				ms: measurement.ms,
				requests: stats.total,
				tokens: stats.generateTokenCalls,
				peakMb: measurement.peakRssDeltaMb,
			});
		} catch (error) {
			rows.push({ job: label, approach, ms: NaN, requests: 0, tokens: 0, peakMb: 0, note: (error as Error).message.slice(0, 80) });
		} finally {
			await emulator.stop();
		}
		process.stderr.write(`  ${label} / ${approach}: ${rows[rows.length - 1].ms.toFixed(0)} ms\n`);
	}
	return rows;
}

function render(rows: Row[]): Array<Array<string | number>> {
	const floor = new Map(rows.filter((r) => r.approach === 'undici').map((r) => [r.job, r.ms]));
	return rows.map((r) => [
		r.job,
		r.approach === 'node' ? 'this node' : r.approach === 'httpRequest' ? 'HTTP Request node' : 'raw undici',
		Number.isNaN(r.ms) ? `failed: ${r.note}` : (r.ms / 1000).toFixed(2),
		Number.isNaN(r.ms) ? '' : `${(r.ms / floor.get(r.job)!).toFixed(2)}×`,
		r.requests,
		r.tokens,
		r.peakMb.toFixed(0),
	]);
}

async function suite(base: Omit<JobContext, 'emulator'>, writes: number, list: number, latencyMs: number): Promise<Row[]> {
	const approaches: Approach[] = base.httpRequestNode ? ['undici', 'node', 'httpRequest'] : ['undici', 'node'];
	let patchIds: string[] = [];
	return [
		...(await runJob(`create ${writes.toLocaleString('en')} users`, 0, latencyMs, approaches, base, (ctx, a) =>
			createUsers(ctx, a, writes),
		)),
		...(await runJob(
			`patch ${writes.toLocaleString('en')} users`,
			writes,
			latencyMs,
			approaches,
			base,
			(ctx, a) => patchUsers(ctx, a, patchIds),
			async (ctx) => {
				patchIds = await userIdsOf(ctx, writes);
			},
		)),
		...(await runJob(`Get Many, Return All, ${list.toLocaleString('en')} users`, list, latencyMs, approaches, base, (ctx, a) =>
			listAllUsers(ctx, a, list),
		)),
	];
}

const HEADERS = ['job', 'how', 'wall s', 'vs undici', 'requests', 'GenerateToken', 'peak MB'];

async function main(): Promise<void> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { AlibabaIdaas } = require('../nodes/AlibabaIdaas/AlibabaIdaas.node.ts') as { AlibabaIdaas: new () => INodeType };
	const base = { concurrency: CONCURRENCY, idaasNode: new AlibabaIdaas(), httpRequestNode: loadHttpRequestNode() };
	// Warm the JIT of this process once, so the first measured approach is not penalized.
	await suite(base, 200, 2000, 0);

	const loopback = render(await suite(base, N_WRITE, N_LIST, 0));
	const trigger = await measure(() => benchTriggerPoll(N_LIST));
	const t = trigger.result;
	loopback.push([
		`trigger poll, ${N_LIST.toLocaleString('en')} users`,
		'this trigger',
		`${(t.baselineMs / 1000).toFixed(2)} baseline / ${(t.pollMs / 1000).toFixed(2)} next`,
		'',
		t.requests,
		'',
		trigger.measurement.peakRssDeltaMb.toFixed(0),
	]);
	const cpu = cpus()[0]?.model ?? 'unknown CPU';
	let out =
		`\nMachine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; concurrency ${CONCURRENCY}\n\n` +
		`Loopback (no network latency):\n\n${table(HEADERS, loopback)}\n\n` +
		`Trigger state: ${t.stateBytes.toLocaleString('en')} bytes = ${t.bytesPerUser} bytes per user; second poll: ${t.requests} requests, ${t.events} events.\n`;
	if (wanMs > 0) {
		const wan = render(await suite(base, Math.round(N_WRITE / 10), Math.round(N_LIST / 5), wanMs));
		out += `\nWith ${wanMs} ms added to every request (a tenant across a network):\n\n${table(HEADERS, wan)}\n`;
	}
	process.stdout.write(out);
}

main().catch((error) => {
	process.stderr.write(`${(error as Error).stack}\n`);
	process.exit(1);
});
