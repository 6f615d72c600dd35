import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AlibabaIdaasTrigger } from '../../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node';
import { walkSettings } from '../../nodes/AlibabaIdaasTrigger/directory';
import { N8nHarness } from '../harness/n8n';
import { FakeDirectory, ROOT_OU } from './fakeDirectory';

const ALL = ['created', 'updated', 'deleted', 'enabled', 'disabled', 'moved'];

describe('Alibaba Cloud IDaaS Trigger (polls through n8n-core against a directory)', () => {
	let dir: FakeDirectory;
	let harness: N8nHarness;
	let staticData: IDataObject;
	const trigger = new AlibabaIdaasTrigger();

	beforeEach(async () => {
		dir = await new FakeDirectory().start();
		harness = new N8nHarness(dir.credential());
		staticData = {};
		walkSettings.pageSize = 100;
	});

	afterEach(async () => {
		await dir.stop();
		walkSettings.pageSize = 100;
	});

	async function poll(parameters: INodeParameters = {}, mode: 'trigger' | 'manual' = 'trigger') {
		const { result } = await harness.poll(trigger, { events: ALL, simplify: true, ...parameters }, { mode, staticData });
		return (result?.[0] ?? []).map((item) => item.json);
	}

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
		dir.update(a.userId, { displayName: 'Renamed', emailVerified: false });
		dir.update(b.userId, { status: 'disabled' });
		dir.update(c.userId, { primaryOrganizationalUnitId: ou });
		const items = await poll();
		const byEvent = Object.fromEntries(items.map((i) => [`${i.event}:${i.userId}`, i]));
		expect(Object.keys(byEvent).sort()).toEqual(
			[`created:${d.userId}`, `updated:${a.userId}`, `disabled:${b.userId}`, `moved:${c.userId}`].sort(),
		);
		expect(byEvent[`updated:${a.userId}`]).toMatchObject({
			changedFields: ['emailVerified', 'displayName'],
			changes: [
				{ field: 'emailVerified', old: true, new: false, oldKnown: true },
				{ field: 'displayName', new: 'Renamed', oldKnown: false },
			],
		});
		expect(byEvent[`disabled:${b.userId}`]).toMatchObject({ previousStatus: 'enabled', user: { status: 'disabled' } });
		expect(byEvent[`moved:${c.userId}`]).toMatchObject({
			previousOrganizationalUnitId: ROOT_OU,
			organizationalUnitId: ou,
			user: { primaryOrganizationalUnitId: ou },
		});
		dir.update(b.userId, { status: 'enabled' });
		dir.users.delete(d.userId);
		const next = await poll();
		expect(next.map((i) => `${i.event}:${i.userId}`).sort()).toEqual([`deleted:${d.userId}`, `enabled:${b.userId}`].sort());
		expect(next.find((i) => i.event === 'deleted')).toMatchObject({
			user: { userId: d.userId, status: 'enabled', primaryOrganizationalUnitId: ou },
		});
		expect(await poll()).toEqual([]);
	});

	it('reports only the selected events, and raw records without Simplify', async () => {
		const a = dir.addUser();
		await poll();
		dir.addUser();
		dir.update(a.userId, { displayName: 'x' });
		const items = await poll({ events: ['updated'], simplify: false });
		expect(items.map((i) => i.event)).toEqual(['updated']);
		expect((items[0].user as IDataObject).instanceId).toBeDefined();
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
		const withSubs = { scope: 'organizationalUnit', organizationalUnit: { mode: 'id', value: top }, includeSubUnits: true };
		const topOnly = { ...withSubs, includeSubUnits: false };
		await poll(withSubs);
		for (const user of [inTop, inSub, outside]) dir.update(user.userId, { displayName: `changed ${user.userId}` });
		const topState = JSON.parse(JSON.stringify(staticData));
		expect((await poll(withSubs)).map((i) => i.userId).sort()).toEqual([inTop.userId, inSub.userId].sort());
		staticData = topState;
		expect((await poll(topOnly)).map((i) => i.userId)).toEqual([inTop.userId]);
		dir.update(outside.userId, { primaryOrganizationalUnitId: sub });
		dir.update(inTop.userId, { primaryOrganizationalUnitId: other });
		const moves = await poll(withSubs);
		expect(moves.map((i) => `${i.event}:${i.userId}`).sort()).toEqual([`moved:${outside.userId}`, `moved:${inTop.userId}`].sort());
	});

	it('keeps a user skipped by shifting pages, and does not report a user seen twice twice', async () => {
		walkSettings.pageSize = 3;
		const users = Array.from({ length: 10 }, () => dir.addUser());
		await poll();
		// Between page 1 and page 2: delete a user of page 1 (everything shifts left: one user is
		// skipped), and create one on the way.
		let pages = 0;
		let created = '';
		dir.onRequest = (request) => {
			if (request.path === '/users' && request.query.get('pageNumber') === '2' && pages++ === 0) {
				dir.users.delete(users[0].userId);
				created = dir.addUser().userId;
			}
		};
		const items = await poll();
		// users[3] slid onto page 1 and was not listed: GetUser finds it, no event. users[0] was
		// listed before it was deleted: its deletion is the next poll's news.
		expect(items.map((i) => `${i.event}:${i.userId}`)).toEqual([`created:${created}`]);
		dir.onRequest = undefined;
		expect((await poll()).map((i) => `${i.event}:${i.userId}`)).toEqual([`deleted:${users[0].userId}`]);
		// Insert before the cursor: users shift right and one is listed twice.
		pages = 0;
		dir.onRequest = (request) => {
			if (request.path === '/users' && request.query.get('pageNumber') === '2' && pages++ === 0) {
				const fresh = [...dir.users.values()];
				dir.users.clear();
				const newcomer = dir.addUser();
				created = newcomer.userId;
				for (const user of fresh) dir.users.set(user.userId, user);
			}
		};
		// The newcomer landed on page 1, already read: next poll's news. The user pushed from
		// page 1 to page 2 was listed twice and is reported nowhere.
		expect(await poll()).toEqual([]);
		dir.onRequest = undefined;
		expect((await poll()).map((i) => `${i.event}:${i.userId}`)).toEqual([`created:${created}`]);
		expect(await poll()).toEqual([]);
	});

	it('leaves the state unchanged when a poll fails part-way, and the next poll catches up', async () => {
		walkSettings.pageSize = 2;
		const users = Array.from({ length: 6 }, () => dir.addUser());
		await poll();
		const before = JSON.stringify(staticData);
		dir.update(users[0].userId, { displayName: 'changed' });
		const created = dir.addUser();
		dir.fail = (request) =>
			request.path === '/users' && request.query.get('pageNumber') === '3' ? { status: 403, code: 'permission_denied' } : undefined;
		await expect(poll()).rejects.toThrow(/permission_denied|Require|Injected/);
		expect(JSON.stringify(staticData)).toBe(before);
		dir.fail = (request) => (request.path.startsWith('/users/') ? { status: 429, code: 'Throttling.User' } : undefined);
		dir.users.delete(users[5].userId);
		await expect(poll()).rejects.toThrow();
		expect(JSON.stringify(staticData)).toBe(before);
		dir.fail = undefined;
		const items = await poll();
		expect(items.map((i) => `${i.event}:${i.userId}`).sort()).toEqual(
			[`updated:${users[0].userId}`, `created:${created.userId}`, `deleted:${users[5].userId}`].sort(),
		);
	}, 60_000);

	it('renews a token refused in the middle of a poll', async () => {
		walkSettings.pageSize = 2;
		for (let i = 0; i < 7; i++) dir.addUser();
		await poll();
		const tokensBefore = dir.stats.tokens;
		dir.onRequest = (request) => {
			if (request.query.get('pageNumber') === '3') dir.expireAllTokens();
		};
		const extra = dir.addUser();
		const items = await poll();
		expect(items.map((i) => `${i.event}:${i.userId}`)).toEqual([`created:${extra.userId}`]);
		expect(dir.stats.tokens).toBeGreaterThan(tokensBefore);
	});

	it('fails cleanly when the poll budget runs out', async () => {
		for (let i = 0; i < 3; i++) dir.addUser();
		await poll();
		const before = JSON.stringify(staticData);
		dir.addUser();
		const original = harness.poll.bind(harness);
		const { PollContext } = await import('n8n-core');
		const proto = PollContext.prototype as unknown as { getPollBudgetMs?: () => number };
		proto.getPollBudgetMs = () => 1;
		try {
			dir.onRequest = () => new Promise((resolve) => setTimeout(resolve, 5));
			await expect(original(trigger, { events: ALL }, { staticData })).rejects.toThrow(/time budget/);
		} finally {
			delete proto.getPollBudgetMs;
		}
		expect(JSON.stringify(staticData)).toBe(before);
	});

	it('keeps the state under 40 bytes per user', async () => {
		const ous = Array.from({ length: 20 }, () => dir.addOu());
		for (let i = 0; i < 1000; i++) dir.addUser(ous[i % ous.length], { status: i % 3 ? 'enabled' : 'disabled' });
		await poll();
		const bytes = JSON.stringify(staticData).length;
		expect(bytes / 1000).toBeLessThan(40);
	});
});
