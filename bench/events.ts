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
 *   --n8n             also push to the trigger in a real `n8n start` (2.8.4 from the sandbox) and
 *                     time until every execution has finished
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
	process.stderr.write(
		`  event trigger: full push of ${users.toLocaleString('en')} users in batches of ${batch}...\n`,
	);
	const emulator = await startEmulatorProcess(users);
	const { baseUrl, instanceId, applicationId } = emulator.target;
	const control = async (method: string, path: string, body?: unknown) => {
		const response = await fetch(`${baseUrl}/__emulator/events/${path}`, {
			method,
			headers: { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return (await response.json()) as any;
	};
	const rows: Array<Array<string | number>> = [];
	try {
		// The first run only warms this process's JIT; it is not in the table.
		for (const [run, variant] of [VARIANTS[0], ...VARIANTS].entries()) {
			const receiver = await new Receiver({}).start();
			const config = await control('PUT', `apps/${applicationId}`, {
				url: receiver.url,
				encrypt: variant.encrypt,
				batchSize: batch,
				concurrency: variant.concurrency,
			});
			receiver.setCredential({
				applicationId,
				instanceId,
				keySource: 'endpoint',
				jwksUrl: config.jwksUrl,
				encryptionSecret: config.encryptionKey,
			});
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
			if (items !== expected)
				throw new Error(`${variant.label}: ${items} items for ${expected} records`);
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
	if (args.includes('--n8n')) rows.push(await inRealN8n(users, batch));
	const headers = [
		'full push',
		'records',
		'requests',
		'until all emitted s',
		'records/s',
		'answer p50 ms',
		'answer p95 ms',
		'answer max ms',
	];
	process.stdout.write(`\n${table(headers, rows)}\n`);
}

/**
 * The same push into a real n8n: the trigger workflow (trigger → No Operation) published, the
 * emulator in this process pushing to its production URL. "Emitted" here is the last execution
 * finished (stoppedAt), not only answered.
 */
async function inRealN8n(users: number, batch: number): Promise<Array<string | number>> {
	// Loaded here: the e2e helpers pull in n8n's process management, which the in-process rows do not need.
	const { ensureBuilt, ensureN8n, N8nSandbox, waitFor } =
		require('../test/e2e/helpers/n8n') as typeof import('../test/e2e/helpers/n8n');
	const { startEmulator } = require('../emulator/server') as typeof import('../emulator/server');
	process.stderr.write('  the same push into n8n 2.8.4 (n8n start)...\n');
	ensureBuilt();
	const emulator = await startEmulator({ generate: { users } });
	const n8n = await N8nSandbox.create(ensureN8n('2.8.4'), 'bench-events');
	try {
		const app = emulator.application.applicationId;
		const key = 'ab'.repeat(32);
		const workflow = {
			id: 'idaasBenchEvents1',
			name: 'bench: IDaaS events',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				{
					id: 'b1e0c1a2-0000-4000-8000-00000000be01',
					name: 'Events',
					type: 'n8n-nodes-alibaba-idaas.alibabaIdaasEventTrigger',
					typeVersion: 1,
					webhookId: 'b1e0c1a2-0000-4000-8000-00000000be02',
					position: [0, 0],
					parameters: {
						events: ['*'],
						fullPush: 'emit',
						simplify: true,
						options: { rememberedEvents: users + 1000 },
					},
					credentials: { alibabaIdaasEventsApi: { id: 'benchEventsCred1', name: 'bench' } },
				},
				{
					id: 'b1e0c1a2-0000-4000-8000-00000000be03',
					name: 'Done',
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [220, 0],
					parameters: {},
				},
			],
			connections: { Events: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		};
		await n8n.importCredentials([
			{
				id: 'benchEventsCred1',
				name: 'bench',
				type: 'alibabaIdaasEventsApi',
				data: {
					applicationId: app,
					instanceId: emulator.instanceId,
					keySource: 'endpoint',
					jwksUrl: emulator.events.jwksUrl(emulator.url, app),
					encryptionSecret: key,
				},
			},
		]);
		await n8n.importWorkflows([workflow]);
		await n8n.publish(workflow.id);
		await n8n.startServer();
		await n8n.setupOwner();
		const url = `${n8n.baseUrl}/webhook/${workflow.nodes[0].webhookId}/idaas-events`;
		emulator.events.configure({
			applicationId: app,
			url,
			encryptionKey: key,
			batchSize: batch,
			concurrency: 4,
		});
		const t0 = Date.now();
		const pushed = emulator.events.fullPush(app);
		if (!(await emulator.events.settled(600_000))) throw new Error('the push did not settle');
		const filter = (status?: string) =>
			encodeURIComponent(
				JSON.stringify({ workflowId: workflow.id, ...(status ? { status: ['success'] } : {}) }),
			);
		const done = await waitFor(
			async () => {
				const body = await n8n.rest(`/rest/executions?filter=${filter('success')}&limit=1`);
				return (body.data.count as number) >= pushed.requests ? body.data.results[0] : undefined;
			},
			{ timeoutMs: 600_000, intervalMs: 250, what: 'every execution to finish' },
		);
		const ms = Math.max(Date.parse(done.stoppedAt) - t0, 1);
		const { answerMs, byOutcome } = emulator.events.log.toJSON();
		if (byOutcome.success !== users + pushed.organizationalUnits)
			throw new Error(`outcomes ${JSON.stringify(byOutcome)}`);
		const records = pushed.users + pushed.organizationalUnits;
		return [
			'encrypted, 4 at a time, into n8n 2.8.4 (until executed)',
			records.toLocaleString('en'),
			pushed.requests,
			(ms / 1000).toFixed(2),
			Math.round(records / (ms / 1000)).toLocaleString('en'),
			answerMs.p50,
			answerMs.p95,
			answerMs.max,
		];
	} finally {
		await n8n.dispose();
		await emulator.close();
	}
}

if (require.main === module) {
	runEventsBench()
		.then(() => process.exit(0))
		.catch((error) => {
			process.stderr.write(`${(error as Error).stack}\n`);
			process.exit(1);
		});
}
