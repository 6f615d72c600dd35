/**
 * Trigger benchmark: a directory of N users, a baseline poll, a few changes, a second poll.
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
	requests: number;
	events: number;
}

export async function benchTriggerPoll(users = 100_000): Promise<TriggerBenchResult> {
	if (!process.env.N8N_USER_FOLDER) process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'idaas-bench-'));
	const { AlibabaIdaasTrigger } = require('../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node.ts') as typeof import('../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node');
	const { N8nHarness } = require('../test/harness/n8n') as typeof import('../test/harness/n8n');
	const { FakeDirectory } = require('../test/trigger/fakeDirectory') as typeof import('../test/trigger/fakeDirectory');
	const dir = await new FakeDirectory(1).start();
	try {
		// About 100 users per OU, in a two-level tree.
		const ous: string[] = [];
		const ouCount = Math.max(1, Math.round(users / 100));
		for (let i = 0; i < ouCount; i++) ous.push(dir.addOu(i < 10 || ous.length === 0 ? undefined : ous[i % 10]));
		for (let i = 0; i < users; i++) dir.addUser(ous[i % ous.length]);
		const harness = new N8nHarness(dir.credential());
		const trigger = new AlibabaIdaasTrigger();
		const staticData = {};
		const parameters = { events: ['created', 'updated', 'deleted', 'enabled', 'disabled', 'moved'] };
		let started = performance.now();
		await harness.poll(trigger, parameters, { staticData });
		const baselineMs = performance.now() - started;
		const stateBytes = JSON.stringify(staticData).length;

		const ids = [...dir.users.keys()];
		for (let i = 0; i < 5; i++) dir.addUser(ous[i]);
		for (let i = 1; i <= 5; i++) dir.update(ids[i * 7], { displayName: `changed ${i}` });
		dir.update(ids[11], { status: 'disabled' });
		dir.update(ids[13], { primaryOrganizationalUnitId: ous[ous.length - 1] });
		for (let i = 1; i <= 3; i++) dir.users.delete(ids[i * 101]);
		const before = dir.stats.requests;
		started = performance.now();
		const { result } = await harness.poll(trigger, parameters, { staticData });
		const pollMs = performance.now() - started;
		return {
			users,
			baselineMs: Math.round(baselineMs),
			pollMs: Math.round(pollMs),
			stateBytes,
			bytesPerUser: Math.round((stateBytes / users) * 100) / 100,
			requests: dir.stats.requests - before,
			events: result?.[0]?.length ?? 0,
		};
	} finally {
		await dir.stop();
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
