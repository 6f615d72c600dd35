import type { Env } from './support';
import { byId, json, node, startEnv } from './support';

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

const upsertUser = (extra: object) => ({ resource: 'user', operation: 'upsert', ...extra });

test('user upsert creates a user whose external ID is new', async () => {
	const before = env.emu.store.users.size;
	const result = await env.run(
		upsertUser({
			userExternalId: 'E3001',
			username: 'erin.ng',
			primaryOrganizationalUnitId: byId('ou_demohr01'),
			displayName: 'Erin Ng',
			additionalFields: { email: 'erin.ng@acme.example' },
		}),
	);
	const [out] = json(result);
	expect(out).toMatchObject({
		action: 'created',
		userId: expect.stringMatching(/^user_/),
		username: 'erin.ng',
	});
	expect(env.emu.store.users.size).toBe(before + 1);
	expect(env.emu.store.user(String(out.userId))).toMatchObject({
		userExternalId: 'E3001',
		primaryOrganizationalUnitId: 'ou_demohr01',
		email: 'erin.ng@acme.example',
		emailVerified: true,
	});
	expect(env.requests('PatchUser')).toBe(0);
});

test('user upsert updates what differs and moves the user when the OU differs', async () => {
	const result = await env.run(
		upsertUser({
			userExternalId: 'E1001',
			username: 'alice.chen',
			primaryOrganizationalUnitId: byId('ou_demosales01'),
			displayName: 'Alice Chen-Wu',
			additionalFields: { email: 'alice.chen@acme.example' },
		}),
	);
	const [out] = json(result);
	expect(out).toEqual({
		action: 'updated',
		matchedOn: 'userExternalId',
		userId: 'user_demoalicechen01',
		changedFields: ['displayName', 'primaryOrganizationalUnitId'],
		previous: { displayName: 'Alice Chen', primaryOrganizationalUnitId: 'ou_demoengineering01' },
		userExternalId: 'E1001',
		username: 'alice.chen',
		displayName: 'Alice Chen-Wu',
		email: 'alice.chen@acme.example',
		emailVerified: true,
		primaryOrganizationalUnitId: 'ou_demosales01',
	});
	expect(env.emu.store.user('user_demoalicechen01')).toMatchObject({
		displayName: 'Alice Chen-Wu',
		primaryOrganizationalUnitId: 'ou_demosales01',
		email: 'alice.chen@acme.example',
	});
});

test('user upsert of an unchanged user sends no write', async () => {
	const result = await env.run(
		upsertUser({
			userExternalId: 'E1002',
			username: 'bob.smith',
			primaryOrganizationalUnitId: byId('ou_demosales01'),
			displayName: 'Bob Smith',
		}),
	);
	expect(json(result)[0]).toMatchObject({ action: 'unchanged', changedFields: [], previous: {} });
	expect(env.requests('PatchUser') + env.requests('SetUserPrimaryOrganizationalUnit')).toBe(0);
});

describe('Match On', () => {
	test('Username: the user with that username is updated, no external ID needed; the output says which key matched', async () => {
		const result = await env.run(
			upsertUser({
				matchOn: 'username',
				username: 'bob.smith',
				primaryOrganizationalUnitId: byId('ou_demosales01'),
				displayName: 'Robert Smith',
			}),
		);
		expect(result.error).toBeUndefined();
		expect(json(result)[0]).toMatchObject({
			action: 'updated',
			matchedOn: 'username',
			userId: 'user_demobobsmith01',
			changedFields: ['displayName'],
			previous: { displayName: 'Bob Smith' },
		});
		expect(env.requests('GetUserIdByUserExternalId')).toBe(0);
		expect(env.emu.store.user('user_demobobsmith01').displayName).toBe('Robert Smith');
	});

	test('Email: the user with that email is updated, its username too when the sheet has another', async () => {
		const result = await env.run(
			upsertUser({
				matchOn: 'email',
				username: 'alice.wu',
				primaryOrganizationalUnitId: byId('ou_demoengineering01'),
				displayName: 'Alice Chen',
				additionalFields: { email: 'alice.chen@acme.example' },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(json(result)[0]).toMatchObject({
			action: 'updated',
			matchedOn: 'email',
			userId: 'user_demoalicechen01',
			changedFields: ['username'],
			previous: { username: 'alice.chen' },
		});
		expect(env.emu.store.user('user_demoalicechen01').username).toBe('alice.wu');
		expect(env.requests('GetUserIdByEmail')).toBeGreaterThan(0);
	});

	test('no user has the key: one is created, matchedOn is null, and the external ID given is set on it', async () => {
		const result = await env.run(
			upsertUser({
				matchOn: 'username',
				username: 'new.person',
				userExternalId: 'E7001',
				primaryOrganizationalUnitId: byId('ou_demohr01'),
				displayName: 'New Person',
			}),
		);
		const [out] = json(result);
		expect(out).toMatchObject({
			action: 'created',
			matchedOn: null,
			username: 'new.person',
			userExternalId: 'E7001',
		});
		expect(env.emu.store.user(String(out.userId))).toMatchObject({
			username: 'new.person',
			userExternalId: 'E7001',
			primaryOrganizationalUnitId: 'ou_demohr01',
		});
	});

	test('Email without an email: an error naming the field before any request', async () => {
		const result = await env.run(
			upsertUser({
				matchOn: 'email',
				username: 'x.y',
				primaryOrganizationalUnitId: byId('ou_demohr01'),
				displayName: 'X Y',
			}),
		);
		expect(result.error?.message).toBe('Email is required when Match On is Email');
		expect(env.requests()).toBe(0);
	});

	test('the editor: Match On defaults to External ID, which is required only when it is the key', () => {
		const { properties } = node.description;
		const shownFor = (name: string) =>
			properties.filter(
				(p) =>
					p.name === name &&
					p.displayOptions?.show?.operation?.includes('upsert') &&
					p.displayOptions.show.resource?.includes('user'),
			);
		expect(shownFor('matchOn')[0]).toMatchObject({ default: 'userExternalId' });
		expect(
			shownFor('userExternalId').map((p) => [p.required, p.displayOptions?.show?.matchOn]),
		).toEqual([
			[true, ['userExternalId']],
			[false, ['username', 'email']],
		]);
	});
});

test('HR sync: one node run over mixed input creates and updates in input order', async () => {
	const rows = [
		{ id: 'E1003', login: 'chloe.martin', name: 'Chloe Martin', ou: 'ou_demoplatform01' },
		{ id: 'E4001', login: 'new.hire', name: 'New Hire', ou: 'ou_demosales01' },
		{ id: 'E1002', login: 'bob.smith', name: 'Robert Smith', ou: 'ou_demosales01' },
	];
	const result = await env.run(
		upsertUser({
			userExternalId: '={{ $json.id }}',
			username: '={{ $json.login }}',
			displayName: '={{ $json.name }}',
			primaryOrganizationalUnitId: { __rl: true, mode: 'id', value: '={{ $json.ou }}' },
		}),
		{ items: rows },
	);
	expect(json(result).map((o) => o.action)).toEqual(['unchanged', 'created', 'updated']);
	expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(env.emu.store.user('user_demobobsmith01').displayName).toBe('Robert Smith');
	expect(env.emu.store.findUserIdByExternalId('E4001', 'build_in', env.emu.instanceId)).toBe(
		json(result)[1].userId,
	);
});

test('OU upsert creates, then updates by external ID, and says a parent change is not applied', async () => {
	const create = await env.run({
		resource: 'organizationalUnit',
		operation: 'upsert',
		organizationalUnitExternalId: 'DEP-LEGAL',
		organizationalUnitName: 'Legal',
		parentId: byId('ou_demoroot01'),
	});
	const [created] = json(create);
	expect(created).toMatchObject({
		action: 'created',
		organizationalUnitName: 'Legal',
		parentId: 'ou_demoroot01',
	});
	expect(env.emu.store.ou(String(created.organizationalUnitId))).toMatchObject({
		organizationalUnitExternalId: 'DEP-LEGAL',
		parentId: 'ou_demoroot01',
	});

	const update = await env.run({
		resource: 'organizationalUnit',
		operation: 'upsert',
		organizationalUnitExternalId: 'DEP-ENG',
		organizationalUnitName: 'Research & Development',
		parentId: byId('ou_demosales01'),
		additionalFields: { description: 'R&D' },
	});
	const [updated] = json(update);
	expect(updated).toMatchObject({
		action: 'updated',
		organizationalUnitId: 'ou_demoengineering01',
		changedFields: ['organizationalUnitName', 'description'],
		parentId: 'ou_demoroot01',
	});
	expect(updated.warning).toMatch(/cannot move/);
	expect(env.emu.store.ou('ou_demoengineering01')).toMatchObject({
		organizationalUnitName: 'Research & Development',
		description: 'R&D',
		parentId: 'ou_demoroot01',
	});
});
