import type { IDataObject } from 'n8n-workflow';

import { ApiError } from '../../emulator/errors';
import type { Emulator } from '../../emulator/server';
import { AlibabaIdaasTrigger } from '../../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node';
import { N8nHarness } from '../harness/n8n';
import { createRandom } from '../support/random';
import { credentialOf, Directory, ROOT_OU, startTriggerEmulator, tokenRecorder } from './emulated';
import { FaultPlan } from './faultPlan';

/**
 * The group-membership and OU families under random changes, mid-poll changes and faults, with
 * every event of every family picked (so the families share their polls as in real use), checked
 * against the truth: the emulator's store, snapshotted before, during and after each poll.
 *
 * The fold of the trigger's membership and OU events must be the store: after every successful
 * poll, a membership or OU nobody touched during the poll is reported exactly as it is; one
 * touched during the poll is reported as one of the versions it had during the poll. Each event
 * must be a real transition from what was reported: an added membership not reported before,
 * a removal of a reported one, a rename whose old name and a move whose old parent are the
 * reported ones, a deletion of a reported OU that does not exist any more. Something never
 * reported may be missed by a walk the directory changed under (pages shift); the next quiet
 * poll must then report it. A failed poll must leave the static data byte for byte and emit
 * nothing. (The user family's exactness is randomized.ts's subject; here user items are counted.)
 */

const EVENTS = [
	'created',
	'updated',
	'deleted',
	'enabled',
	'disabled',
	'moved',
	'memberAdded',
	'memberRemoved',
	'ouCreated',
	'ouRenamed',
	'ouMoved',
	'ouDeleted',
];
const ACTIONS = [
	'ListGroups',
	'ListUsersForGroup',
	'ListUsersForGroup',
	'ListOrganizationalUnits',
	'GetOrganizationalUnit',
	'ListGroupsForUser',
	'GetGroup',
	'ListUsers',
];
const ABSENT = 'absent';

export interface FamiliesResult {
	seed: number;
	rounds: number;
	polls: number;
	failedPolls: number;
	/** Events checked, per event name. */
	events: Record<string, number>;
	midPollChanges: number;
	faults: number;
	requests: number;
}

export async function runRandomizedFamilies(options: {
	seed: number;
	rounds: number;
	trigger?: AlibabaIdaasTrigger;
	emulator?: Emulator;
}): Promise<FamiliesResult> {
	const random = createRandom(options.seed);
	const emu = options.emulator ?? (await startTriggerEmulator());
	emu.reset();
	const { store } = emu;
	const dir = new Directory(emu, options.seed);
	const recordTokens = tokenRecorder(emu);
	const harness = new N8nHarness(credentialOf(emu));
	const trigger = options.trigger ?? new AlibabaIdaasTrigger();
	let staticData: IDataObject = {};
	const result: FamiliesResult = {
		seed: options.seed,
		rounds: 0,
		polls: 0,
		failedPolls: 0,
		events: {},
		midPollChanges: 0,
		faults: 0,
		requests: 0,
	};
	const fail = (message: string): never => {
		throw new Error(`families seed ${options.seed}, round ${result.rounds}: ${message}`);
	};

	for (let i = 0; i < 4; i++) dir.addOu(random.pick([...store.ous.keys()]));
	for (let i = 0; i < 15; i++) dir.addUser(random.pick([...store.ous.keys()]));
	for (let i = 0; i < 3; i++)
		dir.addGroup([...store.users.keys()].filter(() => random.chance(0.4)));

	// The truth, as versions: a membership "group|user" is present or not; an OU is its parent and name.
	const memberships = (): Map<string, string> => {
		const now = new Map<string, string>();
		for (const group of store.groups.values())
			for (const userId of group.members) now.set(`${group.groupId}|${userId}`, 'member');
		return now;
	};
	const ouVersions = (): Map<string, string> =>
		new Map(
			[...store.ous.values()].map((ou) => [
				ou.organizationalUnitId,
				JSON.stringify([ou.parentId, ou.organizationalUnitName]),
			]),
		);
	const snapshot = (): Map<string, string> =>
		new Map([
			...[...memberships()].map(([k, v]) => [`m:${k}`, v] as const),
			...[...ouVersions()].map(([k, v]) => [`o:${k}`, v] as const),
		]);

	/** One random change of groups, memberships or OUs; returns whether anything changed. */
	const mutate = (): boolean => {
		const users = [...store.users.keys()];
		const groups = [...store.groups.values()];
		const ous = [...store.ous.values()].filter((ou) => ou.organizationalUnitId !== ROOT_OU);
		const roll = random.int(0, 99);
		try {
			if (roll < 22 && groups.length > 0 && users.length > 0) {
				store.addUsersToGroup(random.pick(groups).groupId, [random.pick(users)]);
			} else if (roll < 40 && groups.length > 0) {
				const group = random.pick(groups);
				if (group.members.size === 0) return false;
				store.removeUsersFromGroup(group.groupId, [random.pick([...group.members])]);
			} else if (roll < 45 && groups.length < 6) {
				dir.addGroup(users.filter(() => random.chance(0.3)));
			} else if (roll < 49 && groups.length > 1) {
				store.deleteGroup(random.pick(groups).groupId);
			} else if (roll < 56 || users.length < 5) {
				const user = dir.addUser(random.pick([...store.ous.keys()])).userId;
				if (groups.length > 0 && random.chance(0.5))
					store.addUsersToGroup(random.pick(groups).groupId, [user]);
			} else if (roll < 63) {
				store.deleteUser(random.pick(users));
			} else if (roll < 70 && ous.length < 9) {
				dir.addOu(random.pick([...store.ous.keys()]));
			} else if (roll < 79 && ous.length > 0) {
				store.patchOu(random.pick(ous).organizationalUnitId, {
					organizationalUnitName: `Unit ${random.int(0, 9999)}`,
				});
			} else if (roll < 88 && ous.length > 0) {
				const ou = random.pick(ous);
				const parents = [...store.ous.keys()].filter(
					(id) =>
						id !== ou.organizationalUnitId &&
						!store.ancestorIds(id).includes(ou.organizationalUnitId),
				);
				const parent = random.pick(parents);
				if (parent === ou.parentId) return false;
				dir.moveOu(ou.organizationalUnitId, parent);
			} else if (roll < 95 && ous.length > 2) {
				// Only an empty OU can be deleted: its users moved out first.
				const ou = random.pick(ous);
				if (store.childCount(ou.organizationalUnitId) > 0) return false;
				for (const user of [...store.users.values()]) {
					if (user.primaryOrganizationalUnitId === ou.organizationalUnitId)
						store.moveUser(user.userId, ROOT_OU);
					else if (user.secondaryOrganizationalUnitIds.includes(ou.organizationalUnitId))
						store.removeUserFromOus(user.userId, [ou.organizationalUnitId]);
				}
				store.deleteOu(ou.organizationalUnitId);
			} else if (users.length > 0) {
				store.moveUser(random.pick(users), random.pick([...store.ous.keys()]));
			}
		} catch (error) {
			// A duplicate name (OU names are unique under a parent): nothing changed.
			if (error instanceof ApiError) return false;
			throw error;
		}
		return true;
	};

	let lastRequests = 12;
	/** What the trigger has told us, as versions keyed like snapshot(). */
	const reported = new Map<string, string>();

	try {
		emu.paging.set();
		staticData = JSON.parse(
			JSON.stringify(
				(await harness.poll(trigger, { events: EVENTS, simplify: true }, { staticData }))
					.staticData,
			),
		) as IDataObject;
		for (const [key, value] of snapshot()) reported.set(key, value);

		for (let round = 0; round < options.rounds; round++) {
			result.rounds = round + 1;
			for (let i = random.int(0, 3); i > 0; i--) mutate();
			// Pages served at most 4 or 7 records long, or not capped (the trigger asks 100).
			emu.paging.set(random.pick([4, 7, 100, 100, 100]));
			const start = snapshot();
			const history = new Map<string, Set<string>>();
			for (const [key, value] of start) history.set(key, new Set([value]));
			const note = () => {
				const now = snapshot();
				for (const key of new Set([...history.keys(), ...now.keys()])) {
					const seen = history.get(key) ?? new Set([ABSENT]);
					seen.add(now.get(key) ?? ABSENT);
					history.set(key, seen);
				}
			};
			// The tree and users come first in a poll, the groups last: changes and faults land anywhere in it.
			const span = Math.max(12, Math.round(lastRequests * 1.1));
			const requestsBefore = emu.stats.total;
			const plan = new FaultPlan(
				emu,
				random,
				ACTIONS,
				() => {
					let changed = false;
					for (let i = random.int(1, 4); i > 0; i--) {
						if (mutate()) {
							changed = true;
							result.midPollChanges++;
						}
					}
					note();
					return changed;
				},
				span,
			);

			const { items, faults } = await plan.run(
				async () => {
					try {
						const polled = await harness.poll(
							trigger,
							{ events: EVENTS, simplify: true },
							{ staticData },
						);
						staticData = JSON.parse(JSON.stringify(polled.staticData)) as IDataObject;
						return (polled.result?.[0] ?? []).map((item) => item.json);
					} finally {
						recordTokens();
					}
				},
				() => JSON.stringify(staticData),
				fail,
			);
			result.faults += faults;
			if (items === undefined) {
				result.failedPolls++;
				continue;
			}
			lastRequests = emu.stats.total - requestsBefore;
			result.polls++;
			const end = snapshot();
			const touched = new Set(
				[...history].filter(([, versions]) => versions.size > 1).map(([key]) => key),
			);

			// Every event a true transition from what was reported; at most one per key and kind.
			const seenInPoll = new Set<string>();
			for (const item of items) {
				const event = String(item.event);
				result.events[event] = (result.events[event] ?? 0) + 1;
				if (!event.startsWith('member') && !event.startsWith('ou')) continue;
				const key = event.startsWith('member')
					? `m:${String(item.groupId)}|${String(item.userId)}`
					: `o:${String(item.organizationalUnitId)}`;
				if (seenInPoll.has(`${event}:${key}`)) fail(`${key}: ${event} twice in one poll`);
				seenInPoll.add(`${event}:${key}`);
				const told = reported.get(key);
				const versions = history.get(key) ?? new Set([end.get(key) ?? ABSENT]);
				if (event === 'memberAdded') {
					if (told) fail(`${key}: added but already reported`);
					if (!versions.has('member') && end.get(key) !== 'member')
						fail(`${key}: added but never a member during the poll`);
					reported.set(key, 'member');
				} else if (event === 'memberRemoved') {
					if (!told) fail(`${key}: removed but not reported`);
					if (!versions.has(ABSENT)) fail(`${key}: removed but a member throughout the poll`);
					if (item.groupDeleted && store.groups.has(String(item.groupId)))
						fail(`${key}: group reported deleted but exists`);
					reported.delete(key);
				} else {
					const ou = item.organizationalUnit as IDataObject;
					const now = JSON.stringify([ou.parentId, ou.organizationalUnitName]);
					if (event === 'ouCreated') {
						if (told) fail(`${key}: created but already reported`);
						reported.set(key, now);
					} else if (event === 'ouDeleted') {
						if (!told) fail(`${key}: deleted but not reported`);
						if (store.ous.has(String(item.organizationalUnitId)))
							fail(`${key}: reported deleted but exists`);
						if (told !== now) fail(`${key}: deleted with other last facts than reported`);
						reported.delete(key);
					} else {
						if (!told) fail(`${key}: ${event} of an OU never reported`);
						const [parent, name] = JSON.parse(told!) as [string, string];
						if (event === 'ouRenamed' && item.previousName !== name)
							fail(`${key}: renamed from ${String(item.previousName)}, reported ${name}`);
						if (event === 'ouMoved' && item.previousParentId !== parent)
							fail(`${key}: moved from ${String(item.previousParentId)}, reported ${parent}`);
						const [oldParent, oldName] = JSON.parse(reported.get(key)!) as [string, string];
						reported.set(
							key,
							JSON.stringify(
								event === 'ouRenamed'
									? [oldParent, ou.organizationalUnitName]
									: [ou.parentId, oldName],
							),
						);
					}
					if (event !== 'ouDeleted' && ![...versions, end.get(key)].includes(now))
						fail(`${key}: ${event} carries facts the OU never had: ${now}`);
				}
			}

			// Nothing lost: keys untouched during the poll are reported exactly as they are.
			for (const key of new Set([...reported.keys(), ...end.keys()])) {
				const told = reported.get(key) ?? ABSENT;
				const actual = end.get(key) ?? ABSENT;
				if (told === actual) continue;
				// Never reported, and the directory changed under the walk: may come with a later poll.
				if (told === ABSENT && plan.changedDuringPoll) continue;
				if (touched.has(key)) {
					if (!(history.get(key) ?? new Set()).has(told))
						fail(`${key}: reported a version it never had: ${told}`);
				} else {
					fail(`${key}: lost a change: reported ${told}, actual ${actual}`);
				}
			}
		}
	} finally {
		result.requests = emu.stats.total;
		emu.faults.clear();
		recordTokens();
		if (!options.emulator) await emu.close();
	}
	return result;
}

export function describeFamilies(r: FamiliesResult): string {
	const total = Object.values(r.events).reduce((sum, n) => sum + n, 0);
	return `trigger randomized, groups and OUs (emulator): seed ${r.seed}, ${r.rounds} rounds, ${r.polls} good polls, ${r.failedPolls} failed polls, ${total} events (${Object.entries(
		r.events,
	)
		.sort()
		.map(([event, n]) => `${event} ${n}`)
		.join(
			', ',
		)}), ${r.midPollChanges} changes made mid-poll, ${r.faults} faults hit, ${r.requests} API requests`;
}
