/**
 * `npm run bench -- --events` (only this; or `npx tsx bench/events.ts`): the Event Trigger under
 * a full push. The emulator, in its own process with a generated directory, pushes every OU and
 * user in batches to the trigger, which runs inside n8n-core's WebhookContext behind an HTTP
 * port in this process (test/events/receiver.ts). Measured: time from the push until every
 * record was emitted, requests, and how fast the trigger answered under that load (IDaaS allows
 * 10 s per request).
 *
 *   --users N         directory size (default 10,000)
 *   --batch N         events per request (default 50; the real batch size is not documented)
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { Receiver } from '../test/events/receiver';
import { startEmulatorProcess } from './emulatorProcess';
import { measure, table } from './measure';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'idaas-bench-'));

interface Variant {
	label: string;
	encrypt: boolean;
	/** Requests the sender keeps in flight. */
	concurrency: number;
}

const VARIANTS: Variant[] = [
	{ label: 'encrypted, 1 request at a time', encrypt: true, concurrency: 1 },
	{ label: 'encrypted, 4 requests at a time', encrypt: true, concurrency: 4 },
	{ label: 'unencrypted, 4 requests at a time', encrypt: false, concurrency: 4 },
];

function flag(args: string[], name: string, fallback: number): number {
	const at = args.indexOf(`--${name}`);
	return at >= 0 ? Number(args[at + 1]) || fallback : fallback;
}

export async function runEventsBench(args: string[] = process.argv.slice(2)): Promise<void> {
	const users = flag(args, 'users', 10_000);
	const batch = flag(args, 'batch', 50);
	process.stderr.write(`  event trigger: full push of ${users.toLocaleString('en')} users in batches of ${batch}...\n`);
	const emulator = await startEmulatorProcess(users);
	const { baseUrl, instanceId, applicationId } = emulator.target;
	const control = async (method: string, path: string, body?: unknown) => {
		const response = await fetch(`${baseUrl}/__emulator/events/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
		return (await response.json()) as any;
	};
	const rows: Array<Array<string | number>> = [];
	try {
		// The first run only warms this process's JIT; it is not in the table.
		for (const [run, variant] of [VARIANTS[0], ...VARIANTS].entries()) {
			const receiver = await new Receiver({}).start();
			const config = await control('PUT', `apps/${applicationId}`, { url: receiver.url, encrypt: variant.encrypt, batchSize: batch, concurrency: variant.concurrency });
			receiver.setCredential({ applicationId, instanceId, keySource: 'endpoint', jwksUrl: config.jwksUrl, encryptionSecret: config.encryptionKey });
			receiver.parameters = { events: ['*'], fullPush: 'emit', simplify: true, options: {} };
			await control('DELETE', 'log');
			const { result, measurement } = await measure(async () => {
				const pushed = await control('POST', `apps/${applicationId}/push`);
				const settled = await control('POST', 'settle', { timeoutMs: 600_000 });
				return { pushed, settled };
			});
			const items = receiver.items().length;
			const expected = result.pushed.users + result.pushed.organizationalUnits;
			await receiver.close();
			receiver.restart();
			if (items !== expected) throw new Error(`${variant.label}: ${items} items for ${expected} records`);
			if (run === 0) continue;
			const { answerMs } = result.settled;
			rows.push([
				variant.label,
				expected.toLocaleString('en'),
				result.pushed.requests,
				(measurement.ms / 1000).toFixed(2),
				Math.round(expected / (measurement.ms / 1000)).toLocaleString('en'),
				answerMs.p50,
				answerMs.p95,
				answerMs.max,
			]);
		}
	} finally {
		await emulator.stop();
	}
	const headers = ['full push', 'records', 'requests', 'until all emitted s', 'records/s', 'answer p50 ms', 'answer p95 ms', 'answer max ms'];
	process.stdout.write(`\n${table(headers, rows)}\n`);
}

if (require.main === module) {
	runEventsBench()
		.then(() => process.exit(0))
		.catch((error) => {
			process.stderr.write(`${(error as Error).stack}\n`);
			process.exit(1);
		});
}
