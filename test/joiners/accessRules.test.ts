import type { INodeParameters } from 'n8n-workflow';

import type { Env } from '../harness/emulatorEnv';
import { byId, outputs, startEnv } from '../harness/emulatorEnv';

/**
 * Access rules on Create or Update: joiners get the groups (and unit) of the rules their item
 * matches; movers get the difference, only in the groups the rules manage. Demo directory: groups
 * All Staff, Engineers, Sales Team; units Engineering, Platform, Sales, HR.
 */

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

const RULES = {
	rule: [
		{
			field: 'department',
			operator: 'equals',
			value: 'Sales',
			groups: 'Sales Team',
			unit: 'Sales',
		},
		{
			field: 'department',
			operator: 'equals',
			value: 'Engineering',
			groups: 'group_demoengineers01',
			unit: 'ou_demoengineering01',
		},
		{ field: 'title', operator: 'matches', value: '^Head of', groups: 'All Staff' },
	],
};

function upsert(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'user',
		operation: 'upsert',
		userExternalId: '={{ $json.id }}',
		username: '={{ $json.login }}',
		primaryOrganizationalUnitId: byId('ou_demohr01'),
		displayName: '={{ $json.login }}',
		accessRules: RULES,
		...extra,
	};
}

const groupsOf = (userId: string) => [...env.emu.store.groupIdsOf(userId)].sort();

test('a joiner gets the groups and unit of the rules their item matches, by name or ID', async () => {
	const [item] = outputs(
		await env.run(upsert(), { items: [{ id: 'E9001', login: 'new.seller', department: 'Sales' }] }),
	);
	expect(item).toMatchObject({
		action: 'created',
		accessRules: {
			rules: ['department equals Sales'],
			groupsAdded: [{ groupId: 'group_demosales01', groupName: 'Sales Team' }],
			groupsRemoved: [],
			organizationalUnit: { organizationalUnitId: 'ou_demosales01' },
		},
	});
	const userId = String(item.userId);
	expect(groupsOf(userId)).toEqual(['group_demosales01']);
	expect(env.emu.store.user(userId).primaryOrganizationalUnitId).toBe('ou_demosales01');
});

test('a mover gets the difference in the managed groups only; groups no rule names stay', async () => {
	// Bob: Sales, in All Staff and Sales Team. He moves to Engineering; All Staff is managed only by the title rule.
	const bob = env.emu.store.user('user_demobobsmith01');
	const before = groupsOf(bob.userId);
	expect(before).toEqual(['group_demoallstaff01', 'group_demosales01']);
	const rules = { rule: RULES.rule.slice(0, 2) };
	const [item] = outputs(
		await env.run(upsert({ accessRules: rules }), {
			items: [{ id: bob.userExternalId, login: 'bob.smith', department: 'Engineering' }],
		}),
	);
	expect(item).toMatchObject({
		action: 'updated',
		accessRules: {
			rules: ['department equals Engineering'],
			groupsAdded: [{ groupId: 'group_demoengineers01', groupName: 'Engineers' }],
			groupsRemoved: [{ groupId: 'group_demosales01', groupName: 'Sales Team' }],
		},
	});
	// All Staff is no rule's group: untouched.
	expect(groupsOf(bob.userId)).toEqual(['group_demoallstaff01', 'group_demoengineers01']);
	expect(env.emu.store.user(bob.userId).primaryOrganizationalUnitId).toBe('ou_demoengineering01');

	// Run again: nothing left to change, no group request.
	env.emu.stats.reset();
	const [again] = outputs(
		await env.run(upsert({ accessRules: rules }), {
			items: [{ id: bob.userExternalId, login: 'bob.smith', department: 'Engineering' }],
		}),
	);
	expect(again).toMatchObject({
		action: 'unchanged',
		accessRules: { groupsAdded: [], groupsRemoved: [] },
	});
	expect(env.requests('AddUsersToGroup') + env.requests('RemoveUsersFromGroup')).toBe(0);
});

test('a person matching no rule leaves the managed groups, keeps the others', async () => {
	const bob = env.emu.store.user('user_demobobsmith01');
	const [item] = outputs(
		await env.run(upsert({ accessRules: { rule: RULES.rule.slice(0, 2) } }), {
			items: [{ id: bob.userExternalId, login: 'bob.smith', department: 'Finance' }],
		}),
	);
	expect(item.accessRules).toMatchObject({
		rules: [],
		groupsAdded: [],
		groupsRemoved: [{ groupId: 'group_demosales01' }],
	});
	expect(groupsOf(bob.userId)).toEqual(['group_demoallstaff01']);
});

test('a bad rule is a NodeOperationError naming the field, before any write', async () => {
	const bad = await env.run(
		upsert({
			accessRules: {
				rule: [{ field: 'department', operator: 'matches', value: '(', groups: 'Sales Team' }],
			},
		}),
		{ items: [{ id: 'E9002', login: 'x.y', department: 'Sales' }] },
	);
	expect(bad.error?.message).toMatch(
		/^Access Rules: rule 1's pattern "\(" is not a regular expression/,
	);
	const unknown = await env.run(
		upsert({
			accessRules: { rule: [{ field: 'department', value: 'Sales', groups: 'Sales Tim' }] },
		}),
		{ items: [{ id: 'E9003', login: 'x.z', department: 'Sales' }] },
	);
	expect(unknown.error?.message).toMatch(/no group is named "Sales Tim"/);
	expect(env.requests('CreateUser') + env.requests('AddUsersToGroup')).toBe(0);
});

describe('on Reconcile', () => {
	const ENG = 'ou_demoengineering01';
	const PLATFORM = 'ou_demoplatform01';
	const rows = [
		{ id: 'E1001', login: 'alice.chen', name: 'Alice Chen', ou: ENG, team: 'sales' },
		{ id: 'E1007', login: 'grace.lee', name: 'Grace Lee', ou: ENG, team: 'platform' },
		{ id: 'E1003', login: 'chloe.martin', name: 'Chloe Martin', ou: PLATFORM, team: 'platform' },
		{ id: 'E1004', login: 'daniel.kim', name: 'Daniel Kim', ou: PLATFORM, team: 'platform' },
		{ id: 'E2001', login: 'new.seller', name: 'New Seller', ou: ENG, team: 'sales' },
	];
	const reconcile = (dryRun: boolean): INodeParameters => ({
		resource: 'user',
		operation: 'reconcile',
		authorityOrganizationalUnitId: byId(ENG),
		dryRun,
		maxRemovalPercent: 100,
		userExternalId: '={{ $json.id }}',
		username: '={{ $json.login }}',
		displayName: '={{ $json.name }}',
		primaryOrganizationalUnitId: { __rl: true, mode: 'id', value: '={{ $json.ou }}' },
		accessRules: {
			rule: [
				{
					field: 'team',
					operator: 'equals',
					value: 'platform',
					groups: 'Engineers',
					unit: 'Platform',
				},
				{ field: 'team', operator: 'equals', value: 'sales', groups: 'Sales Team' },
			],
		},
	});

	test("the dry run shows each person's rules and group changes, and sends no write", async () => {
		const out = outputs(await env.run(reconcile(true), { items: rows }));
		expect(out.map((o) => o.action)).toEqual([
			'updated',
			'moved',
			'unchanged',
			'unchanged',
			'created',
		]);
		expect(out[0].accessRules).toEqual({
			rules: ['team equals sales'],
			groupsAdded: [{ groupId: 'group_demosales01', groupName: 'Sales Team' }],
			groupsRemoved: [{ groupId: 'group_demoengineers01', groupName: 'Engineers' }],
		});
		expect(out[1]).toMatchObject({
			primaryOrganizationalUnitId: PLATFORM,
			accessRules: { rules: ['team equals platform'], groupsAdded: [], groupsRemoved: [] },
		});
		expect(out[4].accessRules).toMatchObject({ groupsAdded: [{ groupId: 'group_demosales01' }] });
		expect(
			env.requests('AddUsersToGroup') +
				env.requests('RemoveUsersFromGroup') +
				env.requests('SetUserPrimaryOrganizationalUnit') +
				env.requests('CreateUser'),
		).toBe(0);
	});

	test('applied: movers change only managed groups, joiners get theirs, the rule unit moves', async () => {
		const out = outputs(await env.run(reconcile(false), { items: rows }));
		expect(groupsOf('user_demoalicechen01')).toEqual(['group_demoallstaff01', 'group_demosales01']);
		expect(env.emu.store.user('user_demogracelee01').primaryOrganizationalUnitId).toBe(PLATFORM);
		expect(groupsOf(String(out[4].userId))).toEqual(['group_demosales01']);
		const again = outputs(await env.run(reconcile(false), { items: rows }));
		expect(again.map((o) => o.action)).toEqual([
			'unchanged',
			'unchanged',
			'unchanged',
			'unchanged',
			'unchanged',
		]);
	});
});
