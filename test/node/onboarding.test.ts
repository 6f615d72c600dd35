import type { INodeParameters } from 'n8n-workflow';

import type { Env } from './support';
import { byId, json, node, startEnv } from './support';

/**
 * What an onboarding or offboarding workflow reads from the node: errors that say what to do
 * instead, and outputs that carry names for the next Slack or e-mail step.
 */

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

describe("Create's duplicate username or email", () => {
	const create = (username: string) =>
		env.run({
			resource: 'user',
			operation: 'create',
			username,
			displayName: 'Someone New',
			primaryOrganizationalUnitId: byId('ou_demosales01'),
		});

	test('names the account that has the username, and how to update it instead', async () => {
		const { error } = await create('alice.chen');
		expect(error?.message).toContain('[ResourceDuplicated.Username]');
		expect(error?.message).toContain(
			'the username "alice.chen" belongs to user_demoalicechen01 ("Alice Chen", external ID E1001)',
		);
		expect(error?.description).toContain(
			'use User → Create or Update with Match On: Username (or External ID, E1001)',
		);
	});

	test('the same for an email, and Continue On Fail carries it in the error item', async () => {
		const result = await env.run(
			{
				resource: 'user',
				operation: 'create',
				username: 'someone.new',
				displayName: 'Someone New',
				primaryOrganizationalUnitId: byId('ou_demosales01'),
				additionalFields: { email: 'bob.smith@acme.example' },
			},
			{ continueOnFail: true },
		);
		const [out] = json(result);
		expect(out.code).toBe('ResourceDuplicated.Email');
		expect(out.error).toContain(
			'the email "bob.smith@acme.example" belongs to user_demobobsmith01 ("Bob Smith"',
		);
	});
});

describe('outputs that carry names', () => {
	const ALICE = 'user_demoalicechen01';
	const BOB = 'user_demobobsmith01';
	const entries = (...locators: object[]) =>
		({ values: locators.map((id) => ({ id })) }) as unknown as INodeParameters;
	const v12 = { typeVersion: 1.2 } as never;

	test('Add Users (version 1.2): one item per user with ID, username, display name and email, and the group name beside its ID', async () => {
		const result = await env.harness.execute(
			node,
			{
				resource: 'group',
				operation: 'addUsers',
				groupId: { __rl: true, mode: 'name', value: 'Sales Team' },
				userIds: entries(byId(ALICE), { __rl: true, mode: 'username', value: 'bob.smith' }),
			},
			v12,
		);
		expect(result.error).toBeUndefined();
		expect(json(result)).toEqual([
			{
				success: true,
				operation: 'addUsers',
				groupId: 'group_demosales01',
				groupName: 'Sales Team',
				userId: ALICE,
				username: 'alice.chen',
				displayName: 'Alice Chen',
				email: 'alice.chen@acme.example',
			},
			{
				success: true,
				operation: 'addUsers',
				groupId: 'group_demosales01',
				groupName: 'Sales Team',
				userId: BOB,
				username: 'bob.smith',
				displayName: 'Bob Smith',
				email: 'bob.smith@acme.example',
			},
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		// The group was resolved by name: its name needs no other read.
		expect(env.requests('GetGroup')).toBe(0);
	});

	test('the input item carries the user (the output of Create): no read of that user', async () => {
		const input = {
			userId: ALICE,
			username: 'alice.chen',
			displayName: 'Alice Chen',
			email: 'alice.chen@acme.example',
		};
		const result = await env.harness.execute(
			node,
			{
				resource: 'group',
				operation: 'removeUsers',
				groupId: byId('group_demoengineers01'),
				userIds: entries({ __rl: true, mode: 'id', value: '={{ $json.userId }}' }),
			},
			{ ...(v12 as object), items: [input] } as never,
		);
		expect(result.error).toBeUndefined();
		expect(json(result)).toEqual([
			{
				success: true,
				operation: 'removeUsers',
				groupId: 'group_demoengineers01',
				groupName: 'Engineers',
				...input,
			},
		]);
		expect(env.requests('GetUser')).toBe(0);
	});

	test('Add to Organizational Units: the user named and each unit name beside its ID, units by name too', async () => {
		const result = await env.run(
			{
				resource: 'user',
				operation: 'addToOrganizationalUnits',
				userId: byId(BOB),
				organizationalUnitIds: entries(
					{ __rl: true, mode: 'name', value: 'HR' },
					byId('ou_demoplatform01'),
				),
			},
			{ ...(v12 as object), items: [{}] } as never,
		);
		expect(json(result)).toEqual([
			{
				success: true,
				operation: 'addToOrganizationalUnits',
				userId: BOB,
				organizationalUnitIds: ['ou_demohr01', 'ou_demoplatform01'],
				organizationalUnitNames: ['HR', 'Platform'],
				username: 'bob.smith',
				displayName: 'Bob Smith',
				email: 'bob.smith@acme.example',
			},
		]);
	});

	test('a workflow saved by an earlier node version reads no names: it sends what it sent', async () => {
		await env.run(
			{
				resource: 'user',
				operation: 'addToOrganizationalUnits',
				userId: byId(BOB),
				organizationalUnitIds: entries(byId('ou_demohr01')),
			},
			{ items: [{}] },
		);
		expect(
			env.requests('GetUser') +
				env.requests('GetOrganizationalUnit') +
				env.requests('ListOrganizationalUnits'),
		).toBe(0);
	});

	test("Get a user's groups: each group's name, ListGroups read once for all items", async () => {
		const result = await env.run(
			{
				resource: 'user',
				operation: 'getGroups',
				userId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				returnAll: true,
			},
			{ ...(v12 as object), items: [{ id: ALICE }, { id: BOB }, { id: ALICE }] } as never,
		);
		const out = json(result);
		expect(out.length).toBeGreaterThan(3);
		for (const group of out)
			expect(group.groupName).toBe(env.emu.store.group(String(group.groupId)).groupName);
		expect(out.some((group) => 'groupNameNote' in group)).toBe(false);
		expect(env.answered('ListGroups')).toBe(1);
	});

	test('Disable, Enable, Delete: the username and display name the node knows, without another read', async () => {
		const input = { userId: BOB, username: 'bob.smith', displayName: 'Bob Smith' };
		const result = await env.run(
			{
				resource: 'user',
				operation: 'disable',
				userId: { __rl: true, mode: 'id', value: '={{ $json.userId }}' },
			},
			{ ...(v12 as object), items: [input] } as never,
		);
		expect(json(result)).toEqual([{ success: true, operation: 'disable', ...input }]);
		const byUsername = await env.run(
			{
				resource: 'user',
				operation: 'enable',
				userId: { __rl: true, mode: 'username', value: 'bob.smith' },
			},
			v12,
		);
		expect(json(byUsername)).toEqual([
			{ success: true, operation: 'enable', userId: BOB, username: 'bob.smith' },
		]);
		expect(env.requests('GetUser')).toBe(0);
	});
});

test("Create's fields show what to type: username, display name and email placeholders", () => {
	const shownFor = (name: string) =>
		node.description.properties.find(
			(p) =>
				p.name === name &&
				p.displayOptions?.show?.operation?.includes('create') &&
				p.displayOptions.show.resource?.includes('user'),
		);
	expect(shownFor('username')?.placeholder).toBe('e.g. jane.doe');
	expect(shownFor('displayName')?.placeholder).toBe('e.g. Jane Doe');
	const email = (
		shownFor('additionalFields')?.options as Array<{ name: string; placeholder?: string }>
	).find((o) => o.name === 'email');
	expect(email?.placeholder).toBe('e.g. jane.doe@example.com');
});
