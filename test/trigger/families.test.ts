import type { IDataObject } from 'n8n-workflow';

import type { Emulator } from '../../emulator/server';
import { AlibabaIdaasTrigger } from '../../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node';
import { Directory, useTriggerEmulator } from './emulated';

/**
 * The group-membership and organizational-unit event families, through n8n-core against the
 * emulator: each family costs requests only when picked, reports each change once with what it
 * knew before, confirms removals and deletions, and leaves the state alone when a poll fails.
 */

const GROUP_EVENTS = ['memberAdded', 'memberRemoved'];
const OU_EVENTS = ['ouCreated', 'ouRenamed', 'ouMoved', 'ouDeleted'];

describe('group membership and organizational unit events', () => {
	const env = useTriggerEmulator();
	let emu: Emulator;
	let dir: Directory;
	let staticData: IDataObject;
	const trigger = new AlibabaIdaasTrigger();

	beforeEach(() => {
		emu = env.emu;
		dir = new Directory(emu, 11);
		staticData = {};
	});

	async function poll(events: string[], simplify = true) {
		const { result } = await env.harness.poll(trigger, { events, simplify }, { staticData });
		return (result?.[0] ?? []).map((item) => item.json);
	}

	/** Requests per action during `run`. */
	async function requestsOf(run: () => Promise<unknown>): Promise<Record<string, number>> {
		const counts: Record<string, number> = {};
		const stop = emu.faults.onRequest((request) => {
			counts[request.action] = (counts[request.action] ?? 0) + 1;
		});
		await run();
		stop();
		return counts;
	}

	it('sends only the requests of the families picked', async () => {
		const users = Array.from({ length: 5 }, () => dir.addUser().userId);
		dir.addGroup(users);
		dir.addOu();
		const userOnly = await requestsOf(() => poll(['created']));
		expect(
			Object.keys(userOnly)
				.filter((a) => a !== 'GenerateToken')
				.sort(),
		).toEqual(['GetApplicationProvisioningScope', 'ListOrganizationalUnits', 'ListUsers'].sort());
		staticData = {};
		const groupsOnly = await requestsOf(() => poll(GROUP_EVENTS));
		expect(
			Object.keys(groupsOnly)
				.filter((a) => a !== 'GenerateToken')
				.sort(),
		).toEqual(['ListGroups', 'ListUsersForGroup']);
		staticData = {};
		const ousOnly = await requestsOf(() => poll(OU_EVENTS));
		expect(
			Object.keys(ousOnly)
				.filter((a) => a !== 'GenerateToken')
				.sort(),
		).toEqual(
			[
				'GetApplicationProvisioningScope',
				'GetOrganizationalUnit',
				'ListOrganizationalUnits',
			].sort(),
		);
	});

	it('reports members added and removed, a deleted user and a deleted group, once each', async () => {
		const users = Array.from({ length: 6 }, () => dir.addUser().userId);
		const engineering = dir.addGroup(users.slice(0, 3));
		const sales = dir.addGroup(users.slice(3));
		expect(await poll(GROUP_EVENTS)).toEqual([]);

		emu.store.addUsersToGroup(engineering, [users[4]]);
		emu.store.removeUsersFromGroup(engineering, [users[0]]);
		emu.store.deleteUser(users[1]);
		const items = await poll(GROUP_EVENTS);
		expect(items).toEqual(
			expect.arrayContaining([
				{
					event: 'memberAdded',
					groupId: engineering,
					groupName: emu.store.groups.get(engineering)!.groupName,
					userId: users[4],
				},
				{
					event: 'memberRemoved',
					groupId: engineering,
					groupName: emu.store.groups.get(engineering)!.groupName,
					userId: users[0],
				},
				{
					event: 'memberRemoved',
					groupId: engineering,
					groupName: emu.store.groups.get(engineering)!.groupName,
					userId: users[1],
				},
			]),
		);
		expect(items).toHaveLength(3);

		emu.store.deleteGroup(sales);
		const removed = await poll(GROUP_EVENTS);
		expect(removed.map((i) => [i.event, i.userId, i.groupDeleted])).toEqual(
			[users[3], users[4], users[5]].map((id) => ['memberRemoved', id, true]),
		);
		expect(await poll(GROUP_EVENTS)).toEqual([]);
	});

	it('does not report a member skipped by shifting pages as removed: removals are confirmed first', async () => {
		const users = Array.from({ length: 12 }, () => dir.addUser().userId);
		const group = dir.addGroup(users);
		emu.paging.set(4);
		await poll(GROUP_EVENTS);
		// While the walk is between pages, a member of page 1 leaves: page 2 shifts, one member is never listed.
		let done = false;
		emu.faults.onRequest((request) => {
			if (!done && request.action === 'ListUsersForGroup' && request.query.get('nextToken')) {
				done = true;
				emu.store.removeUsersFromGroup(group, [users[0]]);
			}
		});
		// users[0] was listed on page 1 before it left, so this poll saw it as a member; users[4]
		// slid onto page 1 unseen: a lookup shows it is still a member, so no false removal.
		const lookups = await requestsOf(async () => {
			expect(await poll(GROUP_EVENTS)).toEqual([]);
		});
		expect(lookups.ListGroupsForUser).toBe(1);
		expect((await poll(GROUP_EVENTS)).map((i) => `${i.event}:${i.userId}`)).toEqual([
			`memberRemoved:${users[0]}`,
		]);
		expect(await poll(GROUP_EVENTS)).toEqual([]);
	});

	it('reports OUs created, renamed (old name), moved (old parent) and deleted (confirmed)', async () => {
		const a = dir.addOu();
		const b = dir.addOu();
		const c = dir.addOu(a);
		expect(await poll(OU_EVENTS)).toEqual([]);

		const d = dir.addOu(b);
		emu.store.patchOu(a, { organizationalUnitName: 'Engineering' });
		dir.moveOu(c, b);
		const items = await poll(OU_EVENTS);
		expect(items).toEqual(
			expect.arrayContaining([
				{
					event: 'ouCreated',
					organizationalUnitId: d,
					organizationalUnit: expect.objectContaining({
						organizationalUnitId: d,
						organizationalUnitName: emu.store.ous.get(d)!.organizationalUnitName,
						parentId: b,
						createTime: expect.stringMatching(/Z$/),
					}),
				},
				expect.objectContaining({
					event: 'ouRenamed',
					organizationalUnitId: a,
					previousName: 'Unit 1',
				}),
				expect.objectContaining({
					event: 'ouMoved',
					organizationalUnitId: c,
					previousParentId: a,
					organizationalUnit: expect.objectContaining({ parentId: b }),
				}),
			]),
		);
		expect(items).toHaveLength(3);

		emu.store.deleteOu(d);
		const deleted = await poll(OU_EVENTS);
		expect(deleted).toEqual([
			expect.objectContaining({
				event: 'ouDeleted',
				organizationalUnitId: d,
				organizationalUnit: expect.objectContaining({ parentId: b }),
			}),
		]);
		expect(await poll(OU_EVENTS)).toEqual([]);
	});

	it('keeps the state when a poll fails part-way; the next poll reports what happened in between', async () => {
		const users = Array.from({ length: 3 }, () => dir.addUser().userId);
		const group = dir.addGroup([users[0]]);
		await poll([...GROUP_EVENTS, ...OU_EVENTS]);
		const before = JSON.stringify(staticData);
		emu.store.addUsersToGroup(group, [users[1]]);
		const ou = dir.addOu();
		emu.faults.serverError({
			action: 'ListUsersForGroup',
			times: 1,
			status: 403,
			code: 'permission_denied',
		});
		await expect(poll([...GROUP_EVENTS, ...OU_EVENTS])).rejects.toThrow();
		expect(JSON.stringify(staticData)).toBe(before);
		const items = await poll([...GROUP_EVENTS, ...OU_EVENTS]);
		expect(items.map((i) => i.event).sort()).toEqual(['memberAdded', 'ouCreated']);
		expect(items.find((i) => i.event === 'ouCreated')?.organizationalUnitId).toBe(ou);
	});

	it('picks up a family picked later with a baseline of its own, while the others keep reporting', async () => {
		const users = Array.from({ length: 3 }, () => dir.addUser().userId);
		const group = dir.addGroup([users[0]]);
		await poll(['created']);
		emu.store.addUsersToGroup(group, [users[1]]);
		const created = dir.addUser().userId;
		// Membership events picked now: their first poll is a baseline; the user family still reports.
		expect((await poll(['created', ...GROUP_EVENTS])).map((i) => `${i.event}:${i.userId}`)).toEqual(
			[`created:${created}`],
		);
		emu.store.addUsersToGroup(group, [users[2]]);
		expect((await poll(['created', ...GROUP_EVENTS])).map((i) => `${i.event}:${i.userId}`)).toEqual(
			[`memberAdded:${users[2]}`],
		);
	});

	it('gives times as ISO 8601 in simplified output, and as the API sends them in raw output', async () => {
		await poll(['created']);
		const created = dir.addUser();
		const [simple] = await poll(['created']);
		expect((simple.user as IDataObject).createTime).toBe(
			new Date(created.createTime).toISOString(),
		);
		expect((simple.user as IDataObject).updateTime).toBe(
			new Date(created.updateTime).toISOString(),
		);
		const other = dir.addUser();
		const [raw] = await poll(['created'], false);
		expect((raw.user as IDataObject).createTime).toBe(other.createTime);
	});
});
