/**
 * Trigger benchmark against the shared emulator: a generated organisation of N users (emulator
 * `generate`: a two-level OU tree, one OU per 500 users), a baseline poll, a few changes made in
 * the emulator's store, a second poll.
 *   npx tsx bench/trigger.ts [users]
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export interface TriggerBenchResult {
	users: number;
	baselineMs: number;
	pollMs: number;
	stateBytes: number;
	bytesPerUser: number;
	/** API requests of the second poll (GenerateToken included). */
	requests: number;
	events: number;
}

export async function benchTriggerPoll(users = 100_000): Promise<TriggerBenchResult> {
	if (!process.env.N8N_USER_FOLDER) process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'idaas-bench-'));
	// The explicit .ts: under tsx, `AlibabaIdaasTrigger.node` would resolve to the codex .node.json.
	const { AlibabaIdaasTrigger } = require('../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node.ts') as typeof import('../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node');
	const { N8nHarness } = require('../test/harness/n8n') as typeof import('../test/harness/n8n');
	const { startEmulator } = require('../emulator/server') as typeof import('../emulator/server');
	const emu = await startEmulator({ host: '127.0.0.1', port: 0, generate: { users } });
	try {
		const app = emu.application;
		const harness = new N8nHarness({
			region: 'custom',
			customEndpoint: emu.url,
			instanceId: emu.instanceId,
			applicationId: app.applicationId,
			clientId: app.clientId,
			clientSecret: app.clientSecret,
		});
		const trigger = new AlibabaIdaasTrigger();
		const staticData = {};
		const parameters = { events: ['created', 'updated', 'deleted', 'enabled', 'disabled', 'moved'] };
		let started = performance.now();
		await harness.poll(trigger, parameters, { staticData });
		const baselineMs = performance.now() - started;
		const stateBytes = JSON.stringify(staticData).length;

		// 5 created, 5 renamed, 1 disabled, 1 moved, 3 deleted: 15 events expected.
		const { store } = emu;
		const ids = [...store.users.keys()];
		const ous = [...store.ous.keys()];
		for (let i = 0; i < 5; i++) store.createUser({ username: `bench.new${i}`, primaryOrganizationalUnitId: ous[(1 + i) % ous.length] });
		for (let i = 1; i <= 5; i++) store.patchUser(ids[i * 7], { displayName: `changed ${i}` });
		store.setStatus(ids[11], 'disabled');
		store.moveUser(ids[13], ous[ous.length - 1]);
		for (let i = 1; i <= 3; i++) store.deleteUser(ids[i * 101]);
		const before = emu.stats.total;
		started = performance.now();
		const { result } = await harness.poll(trigger, parameters, { staticData });
		const pollMs = performance.now() - started;
		return {
			users,
			baselineMs: Math.round(baselineMs),
			pollMs: Math.round(pollMs),
			stateBytes,
			bytesPerUser: Math.round((stateBytes / users) * 100) / 100,
			requests: emu.stats.total - before,
			events: result?.[0]?.length ?? 0,
		};
	} finally {
		await emu.close();
	}
}

if (require.main === module) {
	benchTriggerPoll(Number(process.argv[2]) || 100_000)
		.then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
		.catch((error: Error) => {
			process.stderr.write(`${error.stack ?? error.message}\n`);
			process.exit(1);
		});
}
