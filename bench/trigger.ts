/**
 * Trigger benchmark: a generated organisation of N users (emulator `--users`: a two-level OU
 * tree, one OU per 500 users) in the emulator's own process; the trigger's first poll (baseline),
 * 15 changes made through the API, then two reads of the changed directory:
 * - raw undici walking the same requests the trigger sends (provisioning scope, the OU tree,
 *   each OU's users), at the trigger's concurrency, with nothing done with the answers: the floor;
 * - the trigger's next poll, which also compares every user with its stored state.
 *
 *   npx tsx bench/trigger.ts [users]
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import type { INodeType } from 'n8n-workflow';

import { walkSettings } from '../nodes/AlibabaIdaasTrigger/directory';
import { N8nHarness } from '../test/harness/n8n';
import type { EmulatorProcess } from './emulatorProcess';
import { startEmulatorProcess } from './emulatorProcess';
import { credentialFor } from './jobs';
import type { Measurement } from './measure';
import { measure } from './measure';
import { RawClient, mapConcurrent } from './undiciRunner';

export interface TriggerRun {
	measurement: Measurement;
	/** API requests, GenerateToken included. */
	requests: number;
	generateTokenCalls: number;
}

export interface TriggerBenchResult {
	users: number;
	baseline: TriggerRun;
	floor: TriggerRun & { usersSeen: number };
	poll: TriggerRun & { events: number };
	stateBytes: number;
	bytesPerUser: number;
}

/** The OU tree under the provisioning scope, breadth first, as `readTree` in the trigger walks it. */
async function walkTree(client: RawClient): Promise<string[]> {
	const scope = (await client.json('GET', '/provisioningScope')) as { organizationalUnitIds?: string[] };
	const all = [...(scope.organizationalUnitIds ?? [])];
	let level = all;
	while (level.length > 0) {
		const next: string[] = [];
		await mapConcurrent(level, walkSettings.concurrency, async (parentId) => {
			await client.eachPage<{ organizationalUnitId: string }>(`/organizationalUnits?parentId=${parentId}`, (data) => {
				for (const ou of data) next.push(ou.organizationalUnitId);
			});
		});
		all.push(...next);
		level = next;
	}
	return all;
}

/** The floor: the trigger's requests sent by raw undici; returns how many users it saw. */
async function rawWalk(client: RawClient): Promise<number> {
	let users = 0;
	const ous = await walkTree(client);
	await mapConcurrent(ous, walkSettings.concurrency, async (ou) => {
		await client.eachPage(`/users?organizationalUnitId=${ou}`, (data) => {
			users += data.length;
		});
	});
	return users;
}

/** 5 created, 5 renamed, 1 disabled, 1 moved, 3 deleted: 15 events for the next poll. */
async function makeChanges(client: RawClient, ous: string[]): Promise<void> {
	const ids: string[] = [];
	await client.eachPage<{ userId: string }>('/users', (data) => ids.push(...data.map((user) => user.userId)));
	for (let i = 0; i < 5; i++) {
		await client.json('POST', '/users', { username: `bench.new${i}`, primaryOrganizationalUnitId: ous[(1 + i) % ous.length] });
	}
	for (let i = 1; i <= 5; i++) await client.json('PATCH', `/users/${ids[i * 7]}`, { displayName: `changed ${i}` });
	await client.json('POST', `/users/${ids[11]}/actions/disable`);
	await client.json('POST', `/users/${ids[13]}/actions/setUserPrimaryOrganizationalUnit`, { organizationalUnitId: ous[ous.length - 1] });
	for (let i = 1; i <= 3; i++) await client.json('DELETE', `/users/${ids[i * 101]}`);
}

async function counted<T>(emulator: EmulatorProcess, job: () => Promise<T>): Promise<{ result: T; run: TriggerRun }> {
	await emulator.resetStats();
	const { result, measurement } = await measure(job);
	const stats = await emulator.stats();
	return { result, run: { measurement, requests: stats.total, generateTokenCalls: stats.generateTokenCalls } };
}

export async function benchTriggerPoll(users = 100_000, latencyMs = 0): Promise<TriggerBenchResult> {
	// n8n-core keeps its instance settings (an encryption key) in the user folder.
	process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'idaas-bench-'));
	// The explicit .ts: under tsx, `AlibabaIdaasTrigger.node` would resolve to the codex .node.json.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { AlibabaIdaasTrigger } = require('../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node.ts') as { AlibabaIdaasTrigger: new () => INodeType };
	const emulator = await startEmulatorProcess(users, latencyMs);
	const raw = new RawClient(emulator.target, walkSettings.concurrency);
	try {
		const { target } = emulator;
		const harness = new N8nHarness(credentialFor(target));
		const trigger = new AlibabaIdaasTrigger();
		const staticData = {};
		const parameters = { events: ['created', 'updated', 'deleted', 'enabled', 'disabled', 'moved'] };
		const baseline = await counted(emulator, async () => await harness.poll(trigger, parameters, { staticData }));
		const stateBytes = JSON.stringify(staticData).length;

		await raw.authenticate();
		await makeChanges(raw, await walkTree(raw));
		const floor = await counted(emulator, async () => {
			// A fresh client with its own GenerateToken, as the trigger's poll may fetch one.
			const client = new RawClient(target, walkSettings.concurrency);
			try {
				await client.authenticate();
				return await rawWalk(client);
			} finally {
				await client.close();
			}
		});
		const poll = await counted(emulator, async () => await harness.poll(trigger, parameters, { staticData }));
		return {
			users,
			baseline: baseline.run,
			floor: { ...floor.run, usersSeen: floor.result },
			poll: { ...poll.run, events: poll.result.result?.[0]?.length ?? 0 },
			stateBytes,
			bytesPerUser: Math.round((stateBytes / users) * 100) / 100,
		};
	} finally {
		await raw.close();
		await emulator.stop();
	}
}

if (require.main === module) {
	benchTriggerPoll(Number(process.argv[2]) || 100_000)
		.then((result) => {
			process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
			process.exit(0);
		})
		.catch((error: Error) => {
			process.stderr.write(`${error.stack ?? error.message}\n`);
			process.exit(1);
		});
}
