/**
 * Trigger benchmark: a generated organisation of N users (emulator `--users`: a two-level OU
 * tree, one OU per 500 users) in the emulator's own process; the trigger's first poll (baseline),
 * 15 changes made through the API, then two reads of the changed directory:
 * - raw undici walking the same requests the trigger sends (provisioning scope, the OU tree,
 *   each OU's users), at the trigger's concurrency, with nothing done with the answers: the floor;
 * - the trigger's next poll, which also compares every user with its stored state.
 *
 * And per event family (users, group memberships, OUs) at 100,000 users / 2,000 groups / 1,000
 * OUs (benchTriggerFamilies): each family alone, its first poll and, after a few changes of
 * its kind, the raw walk of that family's listings and its next poll, with the requests it sends
 * and its share of the state.
 *
 * Memory is the peak resident set during the job minus the resident set before it, taken after
 * a full garbage collection (so what the previous job left behind is not counted), and the same
 * for V8's heap in use (bench/measure.ts says why both).
 *
 *   npx tsx bench/trigger.ts [users]
 *   npx tsx bench/trigger.ts families [users] [groups] [ous]
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

import type { IDataObject, INodeType } from 'n8n-workflow';

import type { IPollFunctions } from 'n8n-workflow';

import { IdaasClient } from '../nodes/AlibabaIdaas/request/client';
import {
	eachPageRecord,
	eachRecord,
	forEachLimited,
	OPS,
	readTree,
	WALK_CONCURRENCY,
} from '../nodes/AlibabaIdaasTrigger/shared/walk';
import { scanUsersPage } from '../nodes/AlibabaIdaasTrigger/users/scan';
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
	/** The trigger's own walk through n8n's helpers (tree, then each OU's user pages), nothing compared. */
	helpers: TriggerRun & { usersSeen: number };
	poll: TriggerRun & { events: number };
	stateBytes: number;
	bytesPerUser: number;
}

/** The OU tree under the provisioning scope, breadth first, as `readTree` in the trigger walks it. */
export async function walkTree(client: RawClient): Promise<string[]> {
	const scope = (await client.json('GET', '/provisioningScope')) as {
		organizationalUnitIds?: string[];
	};
	const all = [...(scope.organizationalUnitIds ?? [])];
	let level = all;
	while (level.length > 0) {
		const next: string[] = [];
		await mapConcurrent(level, WALK_CONCURRENCY, async (parentId) => {
			await client.eachPage<{ organizationalUnitId: string }>(
				`/organizationalUnits?parentId=${parentId}`,
				(data) => {
					for (const ou of data) next.push(ou.organizationalUnitId);
				},
			);
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
	await mapConcurrent(ous, WALK_CONCURRENCY, async (ou) => {
		await client.eachPage(`/users?organizationalUnitId=${ou}`, (data) => {
			users += data.length;
		});
	});
	return users;
}

/**
 * A poll that walks as the trigger does (its client, tree walk and page walk through n8n's
 * helpers, in the same worker pool, each users page read as bytes and scanned as far as paging
 * needs) and does nothing with the users: what n8n's HTTP path costs before the trigger compares
 * anything. Returns how many users it saw.
 */
async function helpersWalk(this: IPollFunctions): Promise<number> {
	const client = await IdaasClient.connect(this);
	const budget = { check: () => {} };
	const counter = { invalidIds: 0 };
	const tree = await readTree(client, budget, counter);
	let users = 0;
	await forEachLimited([...tree.parents.keys()], async (organizationalUnitId) => {
		await eachPageRecord(
			client,
			OPS.listUsers,
			{ organizationalUnitId },
			budget,
			scanUsersPage,
			() => {
				users++;
			},
		);
	});
	return users;
}

/** The group family's listings through the trigger's client: every group, then each group's members. */
async function helpersGroupWalk(this: IPollFunctions): Promise<number> {
	const client = await IdaasClient.connect(this);
	const budget = { check: () => {} };
	const groupIds: string[] = [];
	await eachRecord(client, OPS.listGroups, {}, budget, (group) => {
		groupIds.push(String(group.groupId));
	});
	let memberships = 0;
	await forEachLimited(groupIds, async (groupId) => {
		await eachRecord(client, OPS.listUsersForGroup, { groupId }, budget, () => {
			memberships++;
		});
	});
	return memberships;
}

/** The unit family's listings through the trigger's client: the OU tree. */
async function helpersTreeWalk(this: IPollFunctions): Promise<number> {
	const client = await IdaasClient.connect(this);
	return (await readTree(client, { check: () => {} }, { invalidIds: 0 })).parents.size;
}

/** The trigger's description and credential, its poll replaced by a bare walk. */
function walkerOf(trigger: INodeType, walk: (this: IPollFunctions) => Promise<number>): INodeType {
	return Object.assign(Object.create(trigger) as INodeType, {
		async poll(this: IPollFunctions) {
			await walk.call(this);
			return null;
		},
	});
}

/** 5 created, 5 renamed, 1 disabled, 1 moved, 3 deleted: 15 events for the next poll. */
async function makeChanges(client: RawClient, ous: string[]): Promise<void> {
	const ids: string[] = [];
	await client.eachPage<{ userId: string }>('/users', (data) =>
		ids.push(...data.map((user) => user.userId)),
	);
	for (let i = 0; i < 5; i++) {
		await client.json('POST', '/users', {
			username: `bench.new${i}`,
			primaryOrganizationalUnitId: ous[(1 + i) % ous.length],
		});
	}
	for (let i = 1; i <= 5; i++)
		await client.json('PATCH', `/users/${ids[i * 7]}`, { displayName: `changed ${i}` });
	await client.json('POST', `/users/${ids[11]}/actions/disable`);
	await client.json('POST', `/users/${ids[13]}/actions/setUserPrimaryOrganizationalUnit`, {
		organizationalUnitId: ous[ous.length - 1],
	});
	for (let i = 1; i <= 3; i++) await client.json('DELETE', `/users/${ids[i * 101]}`);
}

/** V8's full collection, without starting Node with --expose-gc (https://nodejs.org/api/v8.html#v8setflagsfromstringflags). */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function counted<T>(
	emulator: EmulatorProcess,
	job: () => Promise<T>,
): Promise<{ result: T; run: TriggerRun }> {
	await emulator.resetStats();
	collectGarbage();
	const { result, measurement } = await measure(job);
	const stats = await emulator.stats();
	return {
		result,
		run: { measurement, requests: stats.total, generateTokenCalls: stats.generateTokenCalls },
	};
}

export async function benchTriggerPoll(
	users = 100_000,
	latencyMs = 0,
): Promise<TriggerBenchResult> {
	// n8n-core keeps its instance settings (an encryption key) in the user folder.
	process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'idaas-bench-'));
	// The explicit .ts: under tsx, `AlibabaIdaasTrigger.node` would resolve to the codex .node.json.
	const { AlibabaIdaasTrigger } =
		require('../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node.ts') as {
			AlibabaIdaasTrigger: new () => INodeType;
		};
	const emulator = await startEmulatorProcess(users, latencyMs);
	const raw = new RawClient(emulator.target, WALK_CONCURRENCY);
	try {
		const { target } = emulator;
		const harness = new N8nHarness(credentialFor(target));
		const trigger = new AlibabaIdaasTrigger();
		const staticData = {};
		const parameters = {
			events: ['created', 'updated', 'deleted', 'enabled', 'disabled', 'moved'],
		};
		const baseline = await counted(
			emulator,
			async () => await harness.poll(trigger, parameters, { staticData }),
		);
		const stateBytes = JSON.stringify(staticData).length;

		await raw.authenticate();
		await makeChanges(raw, await walkTree(raw));
		const floor = await counted(emulator, async () => {
			// A fresh client with its own GenerateToken, as the trigger's poll may fetch one.
			const client = new RawClient(target, WALK_CONCURRENCY);
			try {
				await client.authenticate();
				return await rawWalk(client);
			} finally {
				await client.close();
			}
		});
		const poll = await counted(
			emulator,
			async () => await harness.poll(trigger, parameters, { staticData }),
		);
		// After the poll, so that the poll's memory figure is taken where it always was, right after
		// the raw walk.
		let usersSeen = 0;
		// The trigger's description and credential, its poll replaced by the bare walk.
		const walker = Object.assign(Object.create(trigger) as INodeType, {
			async poll(this: IPollFunctions) {
				usersSeen = await helpersWalk.call(this);
				return null;
			},
		});
		const helpers = await counted(
			emulator,
			async () => await harness.poll(walker, parameters, { staticData: {} }),
		);
		return {
			users,
			baseline: baseline.run,
			floor: { ...floor.run, usersSeen: floor.result },
			helpers: { ...helpers.run, usersSeen },
			poll: { ...poll.run, events: poll.result.result?.[0]?.length ?? 0 },
			stateBytes,
			bytesPerUser: Math.round((stateBytes / users) * 100) / 100,
		};
	} finally {
		await raw.close();
		await emulator.stop();
	}
}

const FAMILIES = {
	users: ['created', 'updated', 'deleted', 'enabled', 'disabled', 'moved'],
	memberships: ['memberAdded', 'memberRemoved'],
	'organizational units': ['ouCreated', 'ouRenamed', 'ouMoved', 'ouDeleted'],
} as const;

export interface FamilyBenchRow {
	family: string;
	first: TriggerRun;
	/** The family's listings by raw undici, after the changes: the floor. */
	floor: TriggerRun;
	/** The family's listings through the trigger's client and n8n's helpers, nothing compared. */
	helpers: TriggerRun;
	next: TriggerRun & { events: number };
	stateBytes: number;
}

/** Every page of a nextToken list. */
async function eachTokenPage<T>(
	client: RawClient,
	path: string,
	onPage: (data: T[]) => void,
): Promise<void> {
	for (let token = ''; ; ) {
		const body = (await client.json(
			'GET',
			`${path}?maxResults=100${token ? `&nextToken=${token}` : ''}`,
		)) as { data: T[]; nextToken?: string };
		onPage(body.data);
		if (!body.nextToken || body.data.length === 0) return;
		token = body.nextToken;
	}
}

/** The group family's listings: every group, then each group's members (both nextToken lists). */
async function rawGroupWalk(client: RawClient): Promise<void> {
	const groupIds: string[] = [];
	await eachTokenPage<{ groupId: string }>(client, '/groups', (data) =>
		groupIds.push(...data.map((g) => g.groupId)),
	);
	await mapConcurrent(groupIds, WALK_CONCURRENCY, async (groupId) => {
		await eachTokenPage(client, `/groups/${groupId}/actions/listUsersForGroup`, () => {});
	});
}

/** A fresh raw client (with its own GenerateToken, as a poll may fetch one) running one walk. */
async function rawRun(
	target: EmulatorProcess['target'],
	walk: (client: RawClient) => Promise<unknown>,
): Promise<void> {
	const client = new RawClient(target, WALK_CONCURRENCY);
	try {
		await client.authenticate();
		await walk(client);
	} finally {
		await client.close();
	}
}

export interface FamiliesBenchResult {
	users: number;
	groups: number;
	ous: number;
	memberships: number;
	rows: FamilyBenchRow[];
	bytesPerUser: number;
	bytesPerMembership: number;
}

/**
 * The generated organisation grown to `ous` OUs and `groups` groups through the API (the
 * emulator's generator makes one OU per 500 users and 10 groups), every user in three groups.
 */
export async function growDirectory(
	client: RawClient,
	rootOu: string,
	groups: number,
	ous: number,
): Promise<number> {
	const ouIds = await walkTree(client);
	for (let i = ouIds.length - 1; i < ous; i++) {
		const parentId = ouIds[1 + (i % Math.max(1, ouIds.length - 1))] ?? rootOu;
		const body = (await client.json('POST', '/organizationalUnits', {
			organizationalUnitName: `Bench unit ${i}`,
			parentId,
		})) as { organizationalUnitId: string };
		ouIds.push(body.organizationalUnitId);
	}
	const groupIds: string[] = [];
	await client.eachPage<{ groupId: string }>('/groups', (data) =>
		groupIds.push(...data.map((g) => g.groupId)),
	);
	for (let i = groupIds.length; i < groups; i++) {
		groupIds.push(
			(
				(await client.json('POST', '/groups', { groupName: `Bench group ${i}` })) as {
					groupId: string;
				}
			).groupId,
		);
	}
	const userIds: string[] = [];
	await client.eachPage<{ userId: string }>('/users', (data) =>
		userIds.push(...data.map((user) => user.userId)),
	);
	// Two more groups per user (the generator put each in one): three memberships per user.
	const members = new Map<string, string[]>();
	userIds.forEach((userId, i) => {
		for (const g of [(i * 7 + 3) % groups, (i * 13 + 11) % groups])
			members.set(groupIds[g], [...(members.get(groupIds[g]) ?? []), userId]);
	});
	await mapConcurrent([...members], WALK_CONCURRENCY, async ([groupId, ids]) => {
		await client.json('POST', `/groups/${groupId}/actions/addUsersToGroup`, { userIds: ids });
	});
	let memberships = 0;
	await mapConcurrent(groupIds, WALK_CONCURRENCY, async (groupId) => {
		for (let token = ''; ; ) {
			const body = (await client.json(
				'GET',
				`/groups/${groupId}/actions/listUsersForGroup?maxResults=100${token ? `&nextToken=${token}` : ''}`,
			)) as { data: unknown[]; nextToken?: string };
			memberships += body.data.length;
			if (!body.nextToken) break;
			token = body.nextToken;
		}
	});
	return memberships;
}

/** A few changes of one family's kind between its first and next poll. */
export async function changeFamily(
	client: RawClient,
	family: string,
	ous: string[],
	groups: string[],
): Promise<void> {
	if (family === 'memberships') {
		// 5 new users added to a group each, and 5 members of the first group removed from it.
		for (let i = 0; i < 5; i++) {
			const { userId } = (await client.json('POST', '/users', {
				username: `bench.member${i}`,
				primaryOrganizationalUnitId: ous[0],
			})) as { userId: string };
			await client.json('POST', `/groups/${groups[i * 3]}/actions/addUsersToGroup`, {
				userIds: [userId],
			});
		}
		const page = (await client.json(
			'GET',
			`/groups/${groups[0]}/actions/listUsersForGroup?maxResults=5`,
		)) as { data: Array<{ userId: string }> };
		await client.json('POST', `/groups/${groups[0]}/actions/removeUsersFromGroup`, {
			userIds: page.data.map((member) => member.userId),
		});
	} else if (family === 'organizational units') {
		for (let i = 0; i < 5; i++)
			await client.json('POST', '/organizationalUnits', {
				organizationalUnitName: `Bench new ${i}`,
				parentId: ous[1],
			});
		for (let i = 0; i < 5; i++)
			await client.json('PATCH', `/organizationalUnits/${ous[i + 2]}`, {
				organizationalUnitName: `Renamed ${i}`,
			});
	} else {
		await makeChanges(client, ous);
	}
}

export async function benchTriggerFamilies(
	users = 100_000,
	groups = 2_000,
	ous = 1_000,
): Promise<FamiliesBenchResult> {
	process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'idaas-bench-'));
	const { AlibabaIdaasTrigger } =
		require('../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node.ts') as {
			AlibabaIdaasTrigger: new () => INodeType;
		};
	const emulator = await startEmulatorProcess(users);
	const raw = new RawClient(emulator.target, WALK_CONCURRENCY);
	try {
		await raw.authenticate();
		const memberships = await growDirectory(raw, emulator.rootOu, groups, ous);
		const harness = new N8nHarness(credentialFor(emulator.target));
		const trigger = new AlibabaIdaasTrigger();
		const rows: FamilyBenchRow[] = [];
		const sections: Record<string, number> = {};
		for (const [family, events] of Object.entries(FAMILIES)) {
			const staticData: IDataObject = {};
			const parameters = { events: [...events] };
			const first = await counted(
				emulator,
				async () => await harness.poll(trigger, parameters, { staticData }),
			);
			const stateBytes = JSON.stringify(staticData).length;
			const state = (staticData['node:IDaaS'] as IDataObject).snapshot as IDataObject;
			sections[family] = JSON.stringify(
				state[family === 'users' ? 'users' : family === 'memberships' ? 'groups' : 'ous'],
			).length;
			const groupIds: string[] = [];
			await raw.eachPage<{ groupId: string }>('/groups', (data) =>
				groupIds.push(...data.map((g) => g.groupId)),
			);
			await changeFamily(raw, family, await walkTree(raw), groupIds);
			const floor = await counted(
				emulator,
				async () =>
					await rawRun(
						emulator.target,
						family === 'users' ? rawWalk : family === 'memberships' ? rawGroupWalk : walkTree,
					),
			);
			const next = await counted(
				emulator,
				async () => await harness.poll(trigger, parameters, { staticData }),
			);
			const walk =
				family === 'users'
					? helpersWalk
					: family === 'memberships'
						? helpersGroupWalk
						: helpersTreeWalk;
			const helpers = await counted(
				emulator,
				async () => await harness.poll(walkerOf(trigger, walk), parameters, { staticData: {} }),
			);
			rows.push({
				family,
				first: first.run,
				floor: floor.run,
				helpers: helpers.run,
				next: { ...next.run, events: next.result.result?.[0]?.length ?? 0 },
				stateBytes,
			});
		}
		return {
			users,
			groups,
			ous,
			memberships,
			rows,
			bytesPerUser: Math.round((sections.users / users) * 100) / 100,
			bytesPerMembership: Math.round((sections.memberships / memberships) * 100) / 100,
		};
	} finally {
		await raw.close();
		await emulator.stop();
	}
}

/** Markdown rows of the family benchmark, for docs/polling-scale.md. */
export function familyTable(r: FamiliesBenchResult): string {
	const lines = [
		'| family | poll | wall s | vs raw walk | client CPU s | peak MB | peak heap MB | requests | events | state bytes |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
	];
	for (const row of r.rows) {
		for (const [how, run] of [
			['raw walk', row.floor],
			['n8n helpers walk', row.helpers],
			['next', row.next],
			['first', row.first],
		] as const) {
			const events =
				how === 'next' ? String(row.next.events) : how === 'first' ? '0 (baseline)' : '';
			lines.push(
				`| ${row.family} | ${how} | ${(run.measurement.ms / 1000).toFixed(2)} | ${(run.measurement.ms / row.floor.measurement.ms).toFixed(2)}× | ${(run.measurement.cpuMs / 1000).toFixed(2)} | ${run.measurement.peakRssDeltaMb.toFixed(0)} | ${run.measurement.peakHeapDeltaMb.toFixed(0)} | ${run.requests.toLocaleString('en')} | ${events} | ${how.endsWith('walk') ? '' : row.stateBytes.toLocaleString('en')} |`,
			);
		}
	}
	return `${lines.join('\n')}\n\n${r.users.toLocaleString('en')} users, ${r.groups.toLocaleString('en')} groups, ${r.ous.toLocaleString('en')} OUs, ${r.memberships.toLocaleString('en')} memberships: ${r.bytesPerUser} bytes per user, ${r.bytesPerMembership} bytes per membership.\n`;
}

/** A markdown row of the user poll benchmark, for docs/polling-scale.md. */
export function pollTable(r: TriggerBenchResult): string {
	const lines = [
		'| users | poll | wall s | vs raw walk | client CPU s | peak MB | peak heap MB | requests | events | state bytes |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
	];
	for (const [how, run] of [
		['raw walk', r.floor],
		['n8n helpers walk', r.helpers],
		['next', r.poll],
		['first', r.baseline],
	] as const) {
		const events = how === 'next' ? String(r.poll.events) : how === 'first' ? '0 (baseline)' : '';
		lines.push(
			`| ${r.users.toLocaleString('en')} | ${how} | ${(run.measurement.ms / 1000).toFixed(2)} | ${(run.measurement.ms / r.floor.measurement.ms).toFixed(2)}× | ${(run.measurement.cpuMs / 1000).toFixed(2)} | ${run.measurement.peakRssDeltaMb.toFixed(0)} | ${run.measurement.peakHeapDeltaMb.toFixed(0)} | ${run.requests.toLocaleString('en')} | ${events} | ${how.endsWith('walk') ? '' : r.stateBytes.toLocaleString('en')} |`,
		);
	}
	return lines.join('\n');
}

if (require.main === module) {
	const [first, ...rest] = process.argv.slice(2);
	const job =
		first === 'families'
			? benchTriggerFamilies(
					Number(rest[0]) || 100_000,
					Number(rest[1]) || 2_000,
					Number(rest[2]) || 1_000,
				).then((result) => `${JSON.stringify(result, null, 2)}\n\n${familyTable(result)}`)
			: benchTriggerPoll(Number(first) || 100_000).then(
					(result) => `${JSON.stringify(result, null, 2)}\n\n${pollTable(result)}\n`,
				);
	job
		.then((text) => {
			process.stdout.write(`${text}\n`);
			process.exit(0);
		})
		.catch((error: Error) => {
			process.stderr.write(`${error.stack ?? error.message}\n`);
			process.exit(1);
		});
}
