import type { INodeParameters, INodeProperties, INodePropertyCollection } from 'n8n-workflow';
import { readFileSync } from 'fs';
import { NodeHelpers } from 'n8n-workflow';

import { AlibabaIdaasTrigger } from '../../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node';
import { NAMES_VERSION, findOperation } from '../../nodes/AlibabaIdaas/catalog';
import { GROUP_NAME_NOTE, simplify } from '../../nodes/AlibabaIdaas/output/simplify';
import type { Env } from './support';
import { byEmail, byId, byUsername, expr, fromList, json, node, startEnv } from './support';

/**
 * What a person meets in the editor: multi-ID pickers, placeholders, the nodes panel
 * text, one time format, the upsert's name and items, password settings sent only as set, and
 * updates that would change nothing refused before any request.
 */

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

const ALICE = 'user_demoalicechen01';
const BOB = 'user_demobobsmith01';
const CHLOE = 'user_demochloemartin01';
const SALES = 'group_demosales01';
const properties = node.description.properties;
const fieldsNamed = (name: string, operation: string) =>
	properties.filter(
		(p) => p.name === name && p.displayOptions?.show?.operation?.includes(operation),
	);
const v11 = { typeVersion: 1.1 };
const picked = (...locators: object[]) =>
	({ values: locators.map((id) => ({ id })) }) as unknown as INodeParameters;

describe('ID lists: pickers from version 1.1, comma-separated text kept for version 1', () => {
	test.each([
		['userIds', 'addUsers', 'user', ['list', 'id', 'username', 'email']],
		['userIds', 'removeUsers', 'user', ['list', 'id', 'username', 'email']],
		['organizationalUnitIds', 'addToOrganizationalUnits', 'ou', ['list', 'name', 'id']],
		['organizationalUnitIds', 'removeFromOrganizationalUnits', 'ou', ['list', 'name', 'id']],
	])('%s of %s', (name, operation, prefix, modes) => {
		const [legacy, picker] = fieldsNamed(name, operation);
		expect(node.description.version).toEqual([1, 1.1, 1.2]);
		expect(node.description.defaultVersion).toBe(1.2);
		expect(legacy).toMatchObject({
			type: 'string',
			placeholder: `e.g. ${prefix}_abc, ${prefix}_def`,
			displayOptions: { show: { '@version': [1] } },
		});
		expect(picker).toMatchObject({
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }] } },
		});
		const [entry] = (picker.options as INodePropertyCollection[])[0].values;
		expect(entry.type).toBe('resourceLocator');
		expect(entry.modes?.map((m) => m.name)).toEqual(modes);
		expect(entry.modes?.[0].typeOptions).toMatchObject({
			searchable: true,
			searchListMethod: prefix === 'user' ? 'getUsers' : 'getOrganizationalUnits',
		});
		// n8n shows exactly one of the two for a node of either version.
		const shown = (typeVersion: number) =>
			[legacy, picker].filter((p) =>
				NodeHelpers.displayParameter(
					{ resource: p.displayOptions!.show!.resource![0] as string, operation },
					p,
					{ typeVersion } as never,
					node.description,
				),
			);
		expect(shown(1)).toEqual([legacy]);
		expect(shown(1.1)).toEqual([picker]);
	});

	test('version 1.1: From List, By ID, By Username, By Email and an expression giving several IDs', async () => {
		const result = await env.run(
			{
				resource: 'group',
				operation: 'addUsers',
				groupId: fromList(SALES),
				userIds: picked(
					fromList(ALICE),
					byUsername('chloe.martin'),
					byEmail('daniel.kim@acme.example'),
					{
						__rl: true,
						mode: 'id',
						value: expr(['user_demoemmajones01', 'user_demofaridhaddad01']),
					},
				),
			},
			{ ...v11 } as never,
		);
		expect(result.error).toBeUndefined();
		const members = [
			'user_demoalicechen01',
			CHLOE,
			'user_demodanielkim01',
			'user_demoemmajones01',
			'user_demofaridhaddad01',
		];
		expect(json(result)[0]).toMatchObject({ success: true, userIds: members });
		for (const userId of members) expect(env.emu.store.groupIdsOf(userId)).toContain(SALES);
	});

	test('version 1.1 runs the same way through the harness typeVersion', async () => {
		const result = await env.harness.execute(
			node,
			{
				resource: 'user',
				operation: 'addToOrganizationalUnits',
				userId: byId(BOB),
				organizationalUnitIds: picked(fromList('ou_demohr01'), byId('ou_demoplatform01')),
			},
			v11,
		);
		expect(result.error).toBeUndefined();
		expect(env.emu.store.user(BOB).secondaryOrganizationalUnitIds).toEqual([
			'ou_demohr01',
			'ou_demoplatform01',
		]);
	});

	test('version 1: comma-separated IDs keep working', async () => {
		const result = await env.run({
			resource: 'group',
			operation: 'addUsers',
			groupId: byId(SALES),
			userIds: `${ALICE}, ${CHLOE}`,
		});
		expect(result.error).toBeUndefined();
		expect(env.emu.store.groupIdsOf(CHLOE)).toContain(SALES);
	});

	test('a wrong kind of ID in a picker entry is refused before any request', async () => {
		const result = await env.harness.execute(
			node,
			{
				resource: 'group',
				operation: 'addUsers',
				groupId: byId(SALES),
				userIds: picked({ __rl: true, mode: 'id', value: expr('ou_demohr01') }),
			},
			v11,
		);
		expect(result.error?.message).toBe(
			'Users (userIds) must be a user ID starting with user_, got an organizational unit ID. Check the "Users" field.',
		);
		expect(env.requests('AddUsersToGroup')).toBe(0);
	});
});

test("the nodes panel entry, which n8n gives the trigger's description, describes the actions first", () => {
	// n8n's editor merges a node and its trigger into one panel entry and sets
	// `app.description = trigger.description` (editor-ui generateMergedNodesAndActions).
	const panelText = new AlibabaIdaasTrigger().description.description;
	expect(panelText).toMatch(
		/^Manage users, organizational units and groups in Alibaba Cloud IDaaS/,
	);
	expect(panelText).not.toMatch(/^Starts the workflow/);
});

test('simplified times are ISO 8601 whether the API sends epoch milliseconds, digits or a date; raw output is as sent', async () => {
	expect(
		simplify('user', { userId: ALICE, createTime: 1700000000000, updateTime: '1700000000000' }),
	).toMatchObject({
		createTime: '2023-11-14T22:13:20.000Z',
		updateTime: '2023-11-14T22:13:20.000Z',
	});
	expect(
		simplify('group', { groupId: SALES, groupName: 'Sales', createTime: '2023-11-14T22:13:20Z' })
			.createTime,
	).toBe('2023-11-14T22:13:20.000Z');
	const simple = json(
		await env.run({ resource: 'user', operation: 'get', userId: byId(ALICE) }),
	)[0];
	const raw = json(
		await env.run({ resource: 'user', operation: 'get', userId: byId(ALICE), simplify: false }),
	)[0];
	expect(simple.createTime).toBe(new Date(Number(raw.createTime)).toISOString());
	expect(typeof raw.createTime).toBe('number');
});

test("Get Groups of a user: each item has the group's name, which the API does not list, from one ListGroups read", async () => {
	const groups = json(
		await env.run(
			{ resource: 'user', operation: 'getGroups', userId: byId(ALICE), returnAll: true },
			{ typeVersion: NAMES_VERSION } as never,
		),
	);
	expect(groups.length).toBeGreaterThan(1);
	for (const group of groups)
		expect(group).toEqual({
			groupId: expect.stringMatching(/^group_/),
			groupName: env.emu.store.group(String(group.groupId)).groupName,
		});
	expect(env.answered('ListGroups')).toBe(1);
	// A group the list does not show (outside the application's scope) keeps the note on how to get its name.
	expect(simplify('group', { groupId: SALES })).toEqual({
		groupId: SALES,
		groupNameNote: GROUP_NAME_NOTE,
	});
	expect(simplify('group', { groupId: SALES, groupName: 'Sales Team' })).toEqual({
		groupId: SALES,
		groupName: 'Sales Team',
	});
});

test('Get Password Policy is described in plain words', () => {
	const description = findOperation('GetUserPasswordPolicy')!.description;
	expect(description).not.toMatch(/legacy|SDK|v1\.0/i);
	expect(description).toMatch(/^Get the instance's password rules/);
});

describe('Create or Update: one name, one item shape', () => {
	const upsert = (extra: object) => ({
		resource: 'user',
		operation: 'upsert',
		userExternalId: 'E1002',
		username: 'bob.smith',
		primaryOrganizationalUnitId: byId('ou_demosales01'),
		displayName: 'Bob Smith',
		...extra,
	});
	const subtitle = (parameters: Record<string, string>) =>
		// The subtitle is an n8n expression over $parameter; it is plain JavaScript inside {{ }}.
		new Function('$parameter', `return ${String(node.description.subtitle).slice(3, -2)}`)(
			parameters,
		) as string;

	test('picker, canvas subtitle and README say Create or Update', () => {
		const picker = properties.find(
			(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('user'),
		)!;
		expect(
			(picker.options as Array<{ name: string; value: string }>).find((o) => o.value === 'upsert')
				?.name,
		).toBe('Create or Update');
		expect(subtitle({ operation: 'upsert', resource: 'user' })).toBe('Create or Update: User');
		expect(subtitle({ operation: 'get', resource: 'user' })).toBe('Get: User');
		// In words, as the pickers say them, never the internal values.
		expect(subtitle({ operation: 'create', resource: 'user' })).toBe('Create: User');
		expect(subtitle({ operation: 'addUsers', resource: 'group' })).toBe('Add Users: Group');
		expect(subtitle({ operation: 'getAll', resource: 'organizationalUnit' })).toBe(
			'Get Many: Organizational Unit',
		);
		expect(subtitle({ operation: 'setMembers', resource: 'group' })).toBe('Set Members: Group');
		expect(String(node.description.subtitle)).not.toMatch(/\}\}.*\}\}/);
		const triggerSubtitle = String(new AlibabaIdaasTrigger().description.subtitle);
		const events = new Function('$parameter', `return ${triggerSubtitle.slice(3, -2)}`)({
			events: ['created', 'memberAdded'],
		}) as string;
		expect(events).toBe('User Created, User Added to Group');
		const readme = readFileSync(`${__dirname}/../../README.md`, 'utf8');
		expect(readme).toContain('Plus **Create or Update** (user, organizational unit)');
		expect(readme).not.toContain('**Upsert**');
	});

	test('nothing differs: action unchanged, no write; created, updated and unchanged items have the same keys', async () => {
		const unchanged = json(await env.run(upsert({})))[0];
		expect(unchanged).toMatchObject({
			action: 'unchanged',
			userId: BOB,
			changedFields: [],
			previous: {},
		});
		expect(env.requests('PatchUser') + env.requests('SetUserPrimaryOrganizationalUnit')).toBe(0);
		const updated = json(await env.run(upsert({ displayName: 'Robert Smith' })))[0];
		expect(updated).toMatchObject({
			action: 'updated',
			userId: BOB,
			changedFields: ['displayName'],
			previous: { displayName: 'Bob Smith' },
			displayName: 'Robert Smith',
		});
		const created = json(
			await env.run(
				upsert({ userExternalId: 'E9001', username: 'new.person', displayName: 'New Person' }),
			),
		)[0];
		expect(created).toMatchObject({
			action: 'created',
			userId: expect.stringMatching(/^user_/),
			previous: {},
			userExternalId: 'E9001',
		});
		expect(Object.keys(updated).sort()).toEqual(Object.keys(unchanged).sort());
		expect(Object.keys(created).sort()).toEqual(Object.keys(unchanged).sort());
	});

	test('fields PatchUser cannot set are described as refused, and refused by name before any request', async () => {
		const collection = properties.find(
			(p) =>
				p.name === 'additionalFields' &&
				p.displayOptions?.show?.operation?.includes('upsert') &&
				p.displayOptions.show.resource?.includes('user'),
		)!;
		const createOnly = (collection.options as INodeProperties[]).filter((o) =>
			['description', 'password', 'passwordInitializationConfig'].includes(o.name),
		);
		// Password Initialization Config twice: node version 1's fixed collection and 1.1's collection.
		expect(new Set(createOnly.map((o) => o.name)).size).toBe(3);
		for (const field of createOnly)
			expect(field.description).toMatch(
				/^Not possible here: IDaaS cannot change it on an existing user/,
			);
		const before = env.requests();
		const result = await env.run(
			upsert({ additionalFields: { description: 'Sales lead', password: 'S3cret!pass' } }),
		);
		expect(result.error?.message).toBe('Create or Update cannot set Description, Password');
		expect(env.requests()).toBe(before);
	});
});

test('Create User with some password settings sends only those (the editor adds no defaults); checked on the wire', async () => {
	const { recordWire } = await import('../harness/wire');
	const wire = await recordWire(env.emu.url);
	const { N8nHarness, emulatorCredential } = await import('../harness/n8n');
	const harness = new N8nHarness({ ...emulatorCredential(env.emu), customEndpoint: wire.url });
	try {
		// What the editor saves: n8n's own parameter resolution, defaults included.
		const saved = NodeHelpers.getNodeParameters(
			properties,
			{
				resource: 'user',
				operation: 'create',
				username: 'pw.partial',
				primaryOrganizationalUnitId: byId('ou_demosales01'),
				additionalFields: {
					passwordInitializationConfig: { passwordInitializationPolicyPriority: 'custom' },
				},
			},
			true,
			false,
			{ typeVersion: 1.1 } as never,
			node.description,
		)!;
		const result = await harness.execute(node, saved, v11);
		expect(result.error).toBeUndefined();
		const create = wire.requests.find((r) => r.method === 'POST' && r.url.endsWith('/users'))!;
		expect(JSON.parse(create.body).passwordInitializationConfig).toEqual({
			passwordInitializationPolicyPriority: 'custom',
		});
	} finally {
		await wire.close();
	}
});

test.each([
	[
		'user',
		'update',
		{ userId: byId(ALICE), updateFields: { displayName: '', email: '  ' } },
		'PatchUser',
	],
	['group', 'update', { groupId: byId(SALES), updateFields: { groupName: '' } }, 'PatchGroup'],
])(
	'%s %s with only blank fields is refused before any request',
	async (resource, operation, extra, apiName) => {
		const result = await env.run({ resource, operation, ...extra });
		expect(result.error?.message).toBe(
			'Update Fields has no value to change: every field added there is empty',
		);
		expect(env.requests(apiName)).toBe(0);
	},
);
