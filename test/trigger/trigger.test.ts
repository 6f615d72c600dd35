import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { OrderedIndex } from '../../emulator/orderedIndex';
import type { Emulator } from '../../emulator/server';
import type { Store } from '../../emulator/store';
import { AlibabaIdaasTrigger } from '../../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node';
import { N8nHarness } from '../harness/n8n';
import { credentialOf, Directory, ROOT_OU, startTriggerEmulator, tokenRecorder } from './emulated';

const ALL = ['created', 'updated', 'deleted', 'enabled', 'disabled', 'moved'];

/**
 * The API does not document ListUsers' order; the emulator lists in the order users joined the
 * OU, so new users land on the last page. A directory that lists newest first instead pushes
 * every user one place to the right: this puts `userId` first in its OU's listing to play that.
 */
function listFirst(store: Store, ou: string, userId: string): void {
	const reordered = new OrderedIndex();
	reordered.add(userId);
	for (const id of store.idx.usersByPrimaryOu.get(ou)?.values() ?? []) reordered.add(id);
	store.idx.usersByPrimaryOu.set(ou, reordered);
}

describe('Alibaba Cloud IDaaS Trigger (polls through n8n-core against the emulator)', () => {
	let emu: Emulator;
	let dir: Directory;
	let harness: N8nHarness;
	let staticData: IDataObject;
	let recordTokens: () => void;
	const trigger = new AlibabaIdaasTrigger();

	beforeAll(async () => {
		emu = await startTriggerEmulator();
		recordTokens = tokenRecorder(emu);
	});

	afterAll(async () => {
		await emu.close();
	});

	beforeEach(() => {
		emu.reset();
		dir = new Directory(emu);
		harness = new N8nHarness(credentialOf(emu));
		staticData = {};
	});

	afterEach(() => {
		emu.faults.clear();
		recordTokens();
	});

	async function poll(parameters: INodeParameters = {}, mode: 'trigger' | 'manual' = 'trigger') {
		const { result } = await harness.poll(
			trigger,
			{ events: ALL, simplify: true, ...parameters },
			{ mode, staticData },
		);
		return (result?.[0] ?? []).map((item) => item.json);
	}

	const pairs = (items: IDataObject[]) => items.map((i) => `${i.event}:${i.userId}`).sort();

	it('records a baseline on the first poll and reports nothing', async () => {
		for (let i = 0; i < 5; i++) dir.addUser();
		expect(await poll()).toEqual([]);
		expect(Object.keys(staticData)).toEqual(['node:IDaaS']);
		expect(await poll()).toEqual([]);
	});

	it('returns a sample in manual mode and writes no state', async () => {
		dir.addUser();
		const items = await poll({ events: ['updated'] }, 'manual');
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ event: 'updated', sample: true });
		expect(staticData).toEqual({});
		// A manual run after the baseline leaves the baseline alone too.
		await poll();
		const before = JSON.stringify(staticData);
		dir.addUser();
		await poll({}, 'manual');
		expect(JSON.stringify(staticData)).toBe(before);
		expect((await poll()).map((i) => i.event)).toEqual(['created']);
	});

	it('reports creates, updates with changed fields, enable/disable, moves and confirmed deletes', async () => {
		const ou = dir.addOu();
		const a = dir.addUser();
		const b = dir.addUser();
		const c = dir.addUser();
		await poll();
		const d = dir.addUser(ou);
		emu.store.patchUser(a.userId, { displayName: 'Renamed', emailVerified: false });
		emu.store.setStatus(b.userId, 'disabled');
		emu.store.moveUser(c.userId, ou);
		const items = await poll();
		const byEvent = Object.fromEntries(items.map((i) => [`${i.event}:${i.userId}`, i]));
		expect(Object.keys(byEvent).sort()).toEqual(
			[
				`created:${d.userId}`,
				`updated:${a.userId}`,
				`disabled:${b.userId}`,
				`moved:${c.userId}`,
			].sort(),
		);
		expect(byEvent[`updated:${a.userId}`]).toMatchObject({
			changedFields: ['emailVerified', 'displayName'],
			changes: [
				{ field: 'emailVerified', old: true, new: false, oldKnown: true },
				{ field: 'displayName', new: 'Renamed', oldKnown: false },
			],
		});
		expect(byEvent[`disabled:${b.userId}`]).toMatchObject({
			previousStatus: 'enabled',
			user: { status: 'disabled' },
		});
		expect(byEvent[`moved:${c.userId}`]).toMatchObject({
			previousOrganizationalUnitId: ROOT_OU,
			organizationalUnitId: ou,
			user: { primaryOrganizationalUnitId: ou },
		});
		emu.store.setStatus(b.userId, 'enabled');
		emu.store.deleteUser(d.userId);
		const next = await poll();
		expect(pairs(next)).toEqual([`deleted:${d.userId}`, `enabled:${b.userId}`].sort());
		expect(next.find((i) => i.event === 'deleted')).toMatchObject({
			user: { userId: d.userId, status: 'enabled', primaryOrganizationalUnitId: ou },
		});
		expect(await poll()).toEqual([]);
	});

	it('names changes ListUsers cannot show (custom fields, password, secondary OUs) as an updateTime change', async () => {
		const other = dir.addOu();
		const a = dir.addUser();
		const b = dir.addUser();
		const c = dir.addUser(ROOT_OU, { password: 'initial-Passw0rd' });
		await poll();
		dir.touch(a.userId);
		emu.store.addUserToOus(b.userId, [other]);
		emu.store.setPassword(c.userId, 'changed-Passw0rd');
		const items = await poll();
		expect(pairs(items)).toEqual(
			[`updated:${a.userId}`, `updated:${b.userId}`, `updated:${c.userId}`].sort(),
		);
		for (const item of items) expect(item.changedFields).toEqual(['updateTime']);
		// Group membership does not move a user's updateTime (emulator/userStore.ts): no event.
		const group = emu.createGroup({ groupName: 'Trigger group' });
		emu.store.addUsersToGroup(group.groupId, [a.userId]);
		expect(await poll()).toEqual([]);
	});

	it('passes a time beyond the date range (Long.MAX_VALUE for "never") through as sent, and keeps polling', async () => {
		await poll();
		const a = dir.addUser();
		// What a Java service writes for "never"; new Date() of it is an Invalid Date.
		a.createTime = Number('9223372036854775807');
		const items = await poll();
		expect(items).toMatchObject([
			{ event: 'created', userId: a.userId, user: { createTime: Number('9223372036854775807') } },
		]);
		// The state was written: the next poll has nothing to report.
		expect(await poll()).toEqual([]);
	});

	it('says so in an item when it could not use its stored state and took a fresh baseline', async () => {
		const a = dir.addUser();
		await poll();
		const stored = staticData['node:IDaaS'] as IDataObject;
		(stored.snapshot as IDataObject).scope = 'another-node';
		emu.store.patchUser(a.userId, { displayName: 'Changed meanwhile' });
		const items = await poll();
		expect(items).toEqual([
			{
				event: 'baselineTaken',
				baselineTakenAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				reason: expect.stringContaining('written for another credential, workflow or node'),
				message: expect.stringContaining(
					'changes made since its last successful poll are not reported',
				),
			},
		]);
		// Once: the baseline is stored and the next poll diffs against it.
		expect(await poll()).toEqual([]);
		(staticData['node:IDaaS'] as IDataObject).snapshot = '{not a state';
		expect((await poll()).map((i) => i.event)).toEqual(['baselineTaken']);
	});

	it('reports only the selected events, and raw records without Simplify', async () => {
		const a = dir.addUser();
		await poll();
		dir.addUser();
		emu.store.patchUser(a.userId, { displayName: 'x' });
		const items = await poll({ events: ['updated'], simplify: false });
		expect(items.map((i) => i.event)).toEqual(['updated']);
		expect((items[0].user as IDataObject).instanceId).toBe(emu.instanceId);
		// The created user was recorded although not reported: no late "created" later.
		expect(await poll()).toEqual([]);
	});

	it('filters by organizational unit, with and without sub-units, and reports moves across the boundary', async () => {
		const top = dir.addOu();
		const sub = dir.addOu(top);
		const other = dir.addOu();
		const inTop = dir.addUser(top);
		const inSub = dir.addUser(sub);
		const outside = dir.addUser(other);
		const withSubs = {
			scope: 'organizationalUnit',
			organizationalUnit: { __rl: true, mode: 'list', value: top },
			includeSubUnits: true,
		};
		const topOnly = {
			...withSubs,
			organizationalUnit: { __rl: true, mode: 'id', value: top },
			includeSubUnits: false,
		};
		await poll(withSubs);
		for (const user of [inTop, inSub, outside])
			emu.store.patchUser(user.userId, { displayName: `changed ${user.userId}` });
		const topState = JSON.parse(JSON.stringify(staticData));
		expect((await poll(withSubs)).map((i) => i.userId).sort()).toEqual(
			[inTop.userId, inSub.userId].sort(),
		);
		staticData = topState;
		expect((await poll(topOnly)).map((i) => i.userId)).toEqual([inTop.userId]);
		emu.store.moveUser(outside.userId, sub);
		emu.store.moveUser(inTop.userId, other);
		const moves = await poll(withSubs);
		expect(pairs(moves)).toEqual([`moved:${outside.userId}`, `moved:${inTop.userId}`].sort());
	});

	it('offers the organizational units From List, and accepts old saved forms of the OU filter', async () => {
		const top = dir.addOu();
		dir.addOu(top);
		const found = await harness.listSearch(trigger, 'getOrganizationalUnits', {});
		expect(found.results.map((r) => r.value)).toEqual(expect.arrayContaining([ROOT_OU, top]));
		expect(found.results.find((r) => r.value === top)?.name).toBe('Trigger Org / Unit 1');
		const inTop = dir.addUser(top);
		dir.addUser();
		const forms = [
			{ __rl: true, mode: 'list', value: top },
			{ __rl: true, mode: 'id', value: top },
			{ mode: 'id', value: top }, // saved before From List existed
			top, // a plain ID string (expression or hand-written workflow)
		];
		const baseline = JSON.parse(JSON.stringify(staticData));
		await poll();
		const state = JSON.parse(JSON.stringify(staticData));
		emu.store.patchUser(inTop.userId, { displayName: 'Watched' });
		for (const form of forms) {
			staticData = JSON.parse(JSON.stringify(state));
			const items = await poll({
				scope: 'organizationalUnit',
				organizationalUnit: form,
				includeSubUnits: false,
			});
			expect(pairs(items)).toEqual([`updated:${inTop.userId}`]);
		}
		staticData = baseline;
		await expect(
			poll({
				scope: 'organizationalUnit',
				organizationalUnit: { __rl: true, mode: 'list', value: '' },
			}),
		).rejects.toThrow(/organizational unit ID is not valid/);
	});

	it('keeps a user skipped by shifting pages, and does not report a user seen twice twice', async () => {
		emu.paging.set(3);
		const users = Array.from({ length: 10 }, () => dir.addUser());
		await poll();
		// Between page 1 and page 2: delete a user of page 1 (everything shifts left: one user is
		// skipped), and create one on the way.
		let created = '';
		let unsubscribe = emu.faults.onRequest((request) => {
			if (request.action === 'ListUsers' && request.query.get('pageNumber') === '2' && !created) {
				emu.store.deleteUser(users[0].userId);
				created = dir.addUser().userId;
			}
		});
		const items = await poll();
		unsubscribe();
		// users[3] slid onto page 1 and was not listed: GetUser finds it, no event. users[0] was
		// listed before it was deleted: its deletion is the next poll's news.
		expect(pairs(items)).toEqual([`created:${created}`]);
		expect(emu.stats.requests.GetUser).toBe(1);
		expect(pairs(await poll())).toEqual([`deleted:${users[0].userId}`]);
		// Insert before the cursor (a newest-first listing): users shift right and one is listed twice.
		created = '';
		unsubscribe = emu.faults.onRequest((request) => {
			if (request.action === 'ListUsers' && request.query.get('pageNumber') === '2' && !created) {
				created = dir.addUser().userId;
				listFirst(emu.store, ROOT_OU, created);
			}
		});
		// The newcomer landed on page 1, already read: next poll's news. The user pushed from
		// page 1 to page 2 was listed twice and is reported nowhere.
		expect(await poll()).toEqual([]);
		unsubscribe();
		expect(pairs(await poll())).toEqual([`created:${created}`]);
		expect(await poll()).toEqual([]);
	});

	it('reads every user when the server serves shorter pages than the trigger asks for', async () => {
		const ou = dir.addOu();
		await poll();
		const users = Array.from({ length: 30 }, () => dir.addUser(ou).userId);
		// The trigger asks for 100 a page; a gateway serves 7: a short page is not the last one.
		emu.paging.set(7);
		const items = await poll();
		expect(items.map((item) => item.userId).sort()).toEqual([...users].sort());
		expect(items.every((item) => item.event === 'created')).toBe(true);
		expect(emu.stats.requests.ListUsers).toBe(2 + 1 + 5); // the baseline (root, ou), then root and ou in pages of 7, 7, 7, 7, 2
		expect(await poll()).toEqual([]);
	});

	it('sorts out a user moved during the walk from an OU not yet read into one already read', async () => {
		const first = dir.addOu();
		const second = dir.addOu();
		const mover = dir.addUser(second);
		for (let i = 0; i < 3; i++) dir.addUser(first);
		await poll();
		// The walk lists OUs in parallel: the second OU's listing is held until the first one's
		// has been answered, then the mover goes from the second into the first.
		let firstAnswered!: () => void;
		const firstRead = new Promise<void>((resolve) => (firstAnswered = resolve));
		let moved = false;
		const unanswered = emu.faults.onResponse((response) => {
			if (response.action === 'ListUsers' && response.query.get('organizationalUnitId') === first)
				firstAnswered();
		});
		const unsubscribe = emu.faults.onRequest(async (request) => {
			if (
				request.action === 'ListUsers' &&
				request.query.get('organizationalUnitId') === second &&
				!moved
			) {
				await firstRead;
				moved = true;
				emu.store.moveUser(mover.userId, first);
			}
		});
		try {
			expect(pairs(await poll())).toEqual([`moved:${mover.userId}`]);
		} finally {
			unanswered();
			unsubscribe();
		}
		expect(moved).toBe(true);
		// Listed under neither OU: GetUser found it in the first.
		expect(emu.stats.requests.GetUser).toBe(1);
		expect(await poll()).toEqual([]);
	});

	it('copes with an organizational unit deleted during the walk (its users moved out first)', async () => {
		const doomed = dir.addOu();
		const later = dir.addOu();
		const leaving = dir.addUser(doomed);
		dir.addUser(later);
		await poll();
		// After the tree is read and before any OU's users are listed: empty the doomed OU, delete
		// it. The first ListUsers to arrive does it in its hook, before the server handles any of
		// the walk's parallel listings, so the doomed OU's listing is always refused.
		let deleted = false;
		const unsubscribe = emu.faults.onRequest((request) => {
			if (request.action === 'ListUsers' && !deleted) {
				deleted = true;
				emu.store.moveUser(leaving.userId, later);
				emu.store.deleteOu(doomed);
			}
		});
		try {
			expect(pairs(await poll())).toEqual([`moved:${leaving.userId}`]);
		} finally {
			unsubscribe();
		}
		expect(emu.stats.byAction.ListUsers['400']).toBe(1);
		expect(await poll()).toEqual([]);
	});

	it('leaves the state unchanged when a poll fails part-way, and the next poll catches up', async () => {
		emu.paging.set(2);
		const users = Array.from({ length: 6 }, () => dir.addUser());
		await poll();
		const before = JSON.stringify(staticData);
		emu.store.patchUser(users[0].userId, { displayName: 'changed' });
		const created = dir.addUser();
		// Page 3 of the walk is refused (a failure the transport does not retry).
		let pages = 0;
		const unsubscribe = emu.faults.onRequest((request) => {
			if (request.action === 'ListUsers' && ++pages === 2) {
				emu.faults.serverError({
					action: 'ListUsers',
					times: 1,
					status: 403,
					code: 'permission_denied',
				});
			}
		});
		await expect(poll()).rejects.toThrow(/permission_denied|Require|Internal/);
		unsubscribe();
		expect(JSON.stringify(staticData)).toBe(before);
		expect(emu.stats.byAction.ListUsers['403']).toBe(1);
		// Throttled beyond the transport's retries while confirming a deletion.
		emu.faults.throttle({ action: 'GetUser', retryAfterSeconds: 0 });
		emu.store.deleteUser(users[5].userId);
		await expect(poll()).rejects.toThrow();
		expect(emu.stats.byAction.GetUser['429']).toBeGreaterThan(1);
		expect(JSON.stringify(staticData)).toBe(before);
		emu.faults.clear();
		const items = await poll();
		expect(pairs(items)).toEqual(
			[
				`updated:${users[0].userId}`,
				`created:${created.userId}`,
				`deleted:${users[5].userId}`,
			].sort(),
		);
	});

	it('rides out a 5xx on a page and a short throttle within one poll', async () => {
		emu.paging.set(2);
		const users = Array.from({ length: 6 }, () => dir.addUser());
		await poll();
		emu.store.patchUser(users[2].userId, { email: 'new@example.com' });
		emu.faults.serverError({ action: 'ListUsers', times: 1 });
		emu.faults.throttle({ action: 'ListOrganizationalUnits', times: 2, retryAfterSeconds: 0 });
		const items = await poll();
		expect(items).toEqual([
			expect.objectContaining({
				event: 'updated',
				userId: users[2].userId,
				changedFields: ['email'],
			}),
		]);
		expect(emu.stats.byAction.ListUsers['500']).toBe(1);
		expect(emu.stats.byAction.ListOrganizationalUnits['429']).toBe(2);
	});

	it('retries a page whose connection was dropped', async () => {
		emu.paging.set(2);
		const users = Array.from({ length: 6 }, () => dir.addUser());
		await poll();
		emu.store.setStatus(users[4].userId, 'disabled');
		emu.faults.dropConnection({ action: 'ListUsers', times: 1 });
		expect(pairs(await poll())).toEqual([`disabled:${users[4].userId}`]);
		expect(emu.stats.dropped).toBe(1);
	});

	it('renews a token refused in the middle of a poll', async () => {
		emu.paging.set(2);
		for (let i = 0; i < 7; i++) dir.addUser();
		await poll();
		const tokensBefore = emu.stats.generateTokenCalls;
		let expired = false;
		const unsubscribe = emu.faults.onRequest((request) => {
			if (request.query.get('pageNumber') === '3' && !expired) {
				expired = true;
				emu.faults.expireTokens();
			}
		});
		const extra = dir.addUser();
		const items = await poll();
		unsubscribe();
		expect(pairs(items)).toEqual([`created:${extra.userId}`]);
		expect(emu.stats.byAction.ListUsers['400']).toBe(1);
		expect(emu.stats.generateTokenCalls).toBe(tokensBefore + 1);
	});

	it('fails cleanly when the poll budget runs out', async () => {
		for (let i = 0; i < 3; i++) dir.addUser();
		await poll();
		const before = JSON.stringify(staticData);
		dir.addUser();
		const { PollContext } = await import('n8n-core');
		const proto = PollContext.prototype as unknown as { getPollBudgetMs?: () => number };
		// An accessor, not a value: n8n-core 2.41 assigns the budget in PollContext's constructor, which a setter
		// that ignores it survives (2.8 has no budget at all).
		Object.defineProperty(proto, 'getPollBudgetMs', {
			get: () => () => 1,
			set: () => undefined,
			configurable: true,
		});
		try {
			emu.faults.latency(5);
			await expect(harness.poll(trigger, { events: ALL }, { staticData })).rejects.toThrow(
				/time budget/,
			);
		} finally {
			delete proto.getPollBudgetMs;
		}
		expect(JSON.stringify(staticData)).toBe(before);
	});

	it('keeps the state under 40 bytes per user', async () => {
		const ous = Array.from({ length: 20 }, () => dir.addOu());
		for (let i = 0; i < 1000; i++)
			dir.addUser(ous[i % ous.length], { status: i % 3 ? 'enabled' : 'disabled' });
		await poll();
		const bytes = JSON.stringify(staticData).length;
		expect(bytes / 1000).toBeLessThan(40);
	});
});
