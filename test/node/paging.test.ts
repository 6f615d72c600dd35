import { ApiError } from '../../emulator/errors';
import type { Env } from './support';
import { byId, json, node, startEnv } from './support';

let env: Env;
const ROOT = 'ou_demoroot01';

beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => {
	env.emu.reset();
	// 10 seeded + 230 = 240 users: three pages of 100.
	for (let i = 0; i < 230; i++) {
		env.emu.store.createUser({
			username: `bulk.${String(i).padStart(3, '0')}`,
			primaryOrganizationalUnitId: ROOT,
			displayName: i === 225 ? 'Zed Rarename' : `Bulk ${i}`,
		});
	}
	for (let i = 0; i < 130; i++)
		env.emu.createGroup({ groupName: `Team ${String(i).padStart(3, '0')}` });
});

test('Return All walks every page at the largest page size', async () => {
	const result = await env.run({ resource: 'user', operation: 'getAll', returnAll: true });
	expect(json(result).map((u) => u.userId)).toEqual([...env.emu.store.users.keys()]);
	expect(env.answered('ListUsers')).toBe(3);
});

test('a gateway serving fewer records than asked: Return All still gets every user, pages read ahead by the served size', async () => {
	env.emu.paging.set(7);
	const result = await env.run({
		resource: 'user',
		operation: 'getAll',
		returnAll: true,
		options: { concurrency: 4 },
	});
	expect(json(result).map((u) => u.userId)).toEqual([...env.emu.store.users.keys()]);
	expect(env.answered('ListUsers')).toBe(Math.ceil(240 / 7));
	const limited = await env.run({ resource: 'user', operation: 'getAll', limit: 20 });
	expect(json(limited).map((u) => u.userId)).toEqual([...env.emu.store.users.keys()].slice(0, 20));
});

test('Limit ending inside a page returns exactly that many', async () => {
	const result = await env.run({ resource: 'user', operation: 'getAll', limit: 130 });
	expect(json(result).map((u) => u.userId)).toEqual([...env.emu.store.users.keys()].slice(0, 130));
	expect(env.answered('ListUsers')).toBe(2);
	const fifty = await env.run({ resource: 'user', operation: 'getAll' });
	expect(fifty.items).toHaveLength(50); // the default Limit
});

test('token-paged lists (groups) follow nextToken, with the name filter', async () => {
	const all = await env.run({ resource: 'group', operation: 'getAll', returnAll: true });
	expect(all.items).toHaveLength(env.emu.store.groups.size);
	expect(env.answered('ListGroups')).toBe(2);
	const teams = await env.run({
		resource: 'group',
		operation: 'getAll',
		limit: 120,
		filters: { groupNameStartWith: 'Team 1' },
	});
	expect(json(teams).map((g) => g.groupName)).toEqual(
		Array.from({ length: 30 }, (_, i) => `Team ${100 + i}`),
	);
});

test('user picker pages past page one and filters across pages', async () => {
	const first = await env.harness.listSearch(node, 'getUsers', {});
	expect(first.results).toHaveLength(100);
	expect(first.paginationToken as string).toBe('2');
	const second = await env.harness.listSearch(
		node,
		'getUsers',
		{},
		undefined,
		first.paginationToken as string,
	);
	expect(second.results[0]).toEqual({
		name: 'Bulk 90 (bulk.090)',
		value: [...env.emu.store.users.keys()][100],
	});
	const third = await env.harness.listSearch(
		node,
		'getUsers',
		{},
		undefined,
		second.paginationToken as string,
	);
	expect(third.paginationToken).toBeUndefined();
	expect(first.results.length + second.results.length + third.results.length).toBe(240);
	// The match is on page 3: the filter scans on until it finds it.
	const zed = await env.harness.listSearch(node, 'getUsers', {}, 'rarename');
	expect(zed.results).toEqual([
		{ name: 'Zed Rarename (bulk.225)', value: env.emu.store.findUserId('username', 'bulk.225') },
	]);
});

test('group picker pages with nextToken and filters by name prefix', async () => {
	const first = await env.harness.listSearch(node, 'getGroups', {});
	expect(first.results).toHaveLength(100);
	const rest = await env.harness.listSearch(
		node,
		'getGroups',
		{},
		undefined,
		first.paginationToken as string,
	);
	expect(new Set([...first.results, ...rest.results].map((r) => r.value)).size).toBe(
		env.emu.store.groups.size,
	);
	const sales = await env.harness.listSearch(node, 'getGroups', {}, 'Sales');
	expect(sales.results).toEqual([{ name: 'Sales Team', value: 'group_demosales01' }]);
});

test('OU picker shows paths from the provisioning scope, in tree order, and filters on them', async () => {
	const all = await env.harness.listSearch(node, 'getOrganizationalUnits', {});
	expect(all.results).toEqual([
		{ name: 'Acme', value: ROOT },
		{ name: 'Acme / Engineering', value: 'ou_demoengineering01' },
		{ name: 'Acme / Engineering / Platform', value: 'ou_demoplatform01' },
		{ name: 'Acme / HR', value: 'ou_demohr01' },
		{ name: 'Acme / Sales', value: 'ou_demosales01' },
	]);
	const platform = await env.harness.listSearch(
		node,
		'getOrganizationalUnits',
		{},
		'engineering / plat',
	);
	expect(platform.results).toEqual([
		{ name: 'Acme / Engineering / Platform', value: 'ou_demoplatform01' },
	]);
	// A scope narrowed to a subtree starts there.
	env.emu.store.application.provisioningScope.organizationalUnitIds = ['ou_demoengineering01'];
	const narrowed = await env.harness.listSearch(node, 'getOrganizationalUnits', {});
	expect(narrowed.results.map((r) => r.name)).toEqual(['Engineering', 'Engineering / Platform']);
});

test('OU picker pages through a large tree with its pagination token', async () => {
	for (let i = 0; i < 150; i++)
		env.emu.store.createOu({
			organizationalUnitName: `Shop ${String(i).padStart(3, '0')}`,
			parentId: 'ou_demosales01',
		});
	const seen: string[] = [];
	let token: string | undefined;
	let pages = 0;
	do {
		const page = await env.harness.listSearch(node, 'getOrganizationalUnits', {}, undefined, token);
		seen.push(...page.results.map((r) => r.name));
		token = page.paginationToken as string | undefined;
		pages++;
	} while (token && pages < 10);
	expect(pages).toBeGreaterThan(1);
	expect(seen).toHaveLength(155);
	expect(seen).toContain('Acme / Sales / Shop 149');
	expect(new Set(seen).size).toBe(155);
});

test('OU picker: each call is bounded, and a filter reuses the walk of the opened picker instead of walking again', async () => {
	// Old: two requests per scope unit before the first result, outside any bound, on every keystroke.
	const scope = Array.from(
		{ length: 60 },
		(_, i) =>
			env.emu.store.createOu({
				organizationalUnitName: `Branch ${String(i).padStart(2, '0')}`,
				parentId: 'ou_demosales01',
			}).organizationalUnitId,
	);
	env.emu.store.application.provisioningScope.organizationalUnitIds = scope;
	// The picker's own requests (the credential's token requests aside).
	const sent = () =>
		['GetApplicationProvisioningScope', 'GetOrganizationalUnit', 'ListOrganizationalUnits'].reduce(
			(sum, action) => sum + env.answered(action),
			0,
		);
	let before = sent();
	const opened = await env.harness.listSearch(node, 'getOrganizationalUnits', {});
	expect(sent() - before).toBeLessThanOrEqual(40);
	expect(opened.paginationToken).toBeDefined();
	let seen = opened.results.length;
	let token = opened.paginationToken as string | undefined;
	while (token) {
		before = sent();
		const page = await env.harness.listSearch(node, 'getOrganizationalUnits', {}, undefined, token);
		expect(sent() - before).toBeLessThanOrEqual(40);
		seen += page.results.length;
		token = page.paginationToken as string | undefined;
	}
	expect(seen).toBe(60);
	// The whole scope is walked now: filtering is local, with no request at all.
	before = sent();
	const branch = await env.harness.listSearch(node, 'getOrganizationalUnits', {}, 'branch 4');
	expect(branch.results.map((r) => r.name)).toEqual(
		Array.from({ length: 10 }, (_, i) => `Branch 4${i}`),
	);
	expect(
		(await env.harness.listSearch(node, 'getOrganizationalUnits', {}, 'branch 07')).results,
	).toHaveLength(1);
	expect(sent()).toBe(before);
});

test('Simplify off returns the raw records', async () => {
	const result = await env.run({
		resource: 'user',
		operation: 'getAll',
		limit: 1,
		simplify: false,
	});
	expect(json(result)[0]).toHaveProperty('userSourceType', 'build_in');
	const ou = await env.run({
		resource: 'organizationalUnit',
		operation: 'getAll',
		parentId: byId(ROOT),
		limit: 2,
	});
	expect(Object.keys(json(ou)[0])).not.toContain('instanceId');
});

describe('Concurrency: pages read ahead, requests bounded', () => {
	beforeEach(() => {
		// 240 + 310 = 550 users: six pages. A little latency keeps requests in flight long enough
		// for the emulator to see how many overlap.
		for (let i = 0; i < 310; i++)
			env.emu.store.createUser({
				username: `more.${String(i).padStart(3, '0')}`,
				primaryOrganizationalUnitId: ROOT,
			});
		env.emu.faults.latency(20, { action: 'ListUsers' });
		env.emu.stats.reset();
	});

	test('Return All reads up to Concurrency pages at once and keeps the directory order', async () => {
		const result = await env.run({
			resource: 'user',
			operation: 'getAll',
			returnAll: true,
			simplify: false,
			options: { concurrency: 3 },
		});
		expect(json(result).map((u) => u.userId)).toEqual([...env.emu.store.users.keys()]);
		expect(env.answered('ListUsers')).toBe(6);
		expect(env.emu.stats.maxInFlight).toBe(3);
	});

	test('Concurrency 1 reads one page after the other', async () => {
		const result = await env.run({
			resource: 'user',
			operation: 'getAll',
			returnAll: true,
			options: { concurrency: 1 },
		});
		expect(result.items).toHaveLength(550);
		expect(env.emu.stats.maxInFlight).toBe(1);
	});

	test('a Limit reads only the pages it needs, even with pages read ahead', async () => {
		const result = await env.run({
			resource: 'user',
			operation: 'getAll',
			limit: 250,
			options: { concurrency: 5 },
		});
		expect(json(result).map((u) => u.userId)).toEqual(
			[...env.emu.store.users.keys()].slice(0, 250),
		);
		expect(env.answered('ListUsers')).toBe(3);
	});

	test('Concurrency bounds the requests in flight across items and their pages together', async () => {
		const items = [{}, {}, {}, {}];
		const result = await env.run(
			{ resource: 'user', operation: 'getAll', returnAll: true, options: { concurrency: 2 } },
			{ items },
		);
		expect(result.items).toHaveLength(4 * 550);
		expect(env.answered('ListUsers')).toBe(4 * 6);
		expect(env.emu.stats.maxInFlight).toBe(2);
	});

	test('a page that fails fails the item with the API error; pages read ahead are not left running', async () => {
		const off = env.emu.faults.onRequest((event) => {
			if (event.action === 'ListUsers' && event.query.get('pageNumber') === '3') {
				throw new ApiError(400, 'InvalidParameter.PageNumber', 'The page number is not valid.');
			}
		});
		try {
			const result = await env.run({
				resource: 'user',
				operation: 'getAll',
				returnAll: true,
				options: { concurrency: 3 },
			});
			expect(result.error?.description ?? result.error?.message).toMatch(
				/InvalidParameter\.PageNumber/,
			);
			// Pages 2-4 went out together, page 5 when page 2 was taken; page 3 failed. The node let
			// pages 4 and 5 finish before it failed, and asked for nothing after.
			expect(env.answered('ListUsers')).toBe(4);
			expect(env.emu.stats.byAction.ListUsers['400']).toBeGreaterThanOrEqual(1);
			expect(env.emu.stats.inFlight).toBe(0);
		} finally {
			off();
		}
	});
});
