import type { Env } from './support';
import { byId, json, startEnv } from './support';

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

const upsertUser = (extra: object) => ({ resource: 'user', operation: 'upsert', ...extra });

test('user upsert creates a user whose external ID is new', async () => {
	const before = env.emu.store.users.size;
	const result = await env.run(
		upsertUser({ userExternalId: 'E3001', username: 'erin.ng', primaryOrganizationalUnitId: byId('ou_demohr01'), displayName: 'Erin Ng', additionalFields: { email: 'erin.ng@acme.example' } }),
	);
	const [out] = json(result);
	expect(out).toMatchObject({ action: 'created', userId: expect.stringMatching(/^user_/), username: 'erin.ng' });
	expect(env.emu.store.users.size).toBe(before + 1);
	expect(env.emu.store.user(String(out.userId))).toMatchObject({ userExternalId: 'E3001', primaryOrganizationalUnitId: 'ou_demohr01', email: 'erin.ng@acme.example', emailVerified: true });
	expect(env.requests('PatchUser')).toBe(0);
});

test('user upsert updates what differs and moves the user when the OU differs', async () => {
	const result = await env.run(
		upsertUser({ userExternalId: 'E1001', username: 'alice.chen', primaryOrganizationalUnitId: byId('ou_demosales01'), displayName: 'Alice Chen-Wu', additionalFields: { email: 'alice.chen@acme.example' } }),
	);
	const [out] = json(result);
	expect(out).toEqual({
		action: 'updated',
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
	expect(env.emu.store.user('user_demoalicechen01')).toMatchObject({ displayName: 'Alice Chen-Wu', primaryOrganizationalUnitId: 'ou_demosales01', email: 'alice.chen@acme.example' });
});

test('user upsert of an unchanged user sends no write', async () => {
	const result = await env.run(upsertUser({ userExternalId: 'E1002', username: 'bob.smith', primaryOrganizationalUnitId: byId('ou_demosales01'), displayName: 'Bob Smith' }));
	expect(json(result)[0]).toMatchObject({ action: 'unchanged', changedFields: [], previous: {} });
	expect(env.requests('PatchUser') + env.requests('SetUserPrimaryOrganizationalUnit')).toBe(0);
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
	expect(env.emu.store.findUserIdByExternalId('E4001', 'build_in', env.emu.instanceId)).toBe(json(result)[1].userId);
});

test('OU upsert creates, then updates by external ID, and says a parent change is not applied', async () => {
	const create = await env.run({ resource: 'organizationalUnit', operation: 'upsert', organizationalUnitExternalId: 'DEP-LEGAL', organizationalUnitName: 'Legal', parentId: byId('ou_demoroot01') });
	const [created] = json(create);
	expect(created).toMatchObject({ action: 'created', organizationalUnitName: 'Legal', parentId: 'ou_demoroot01' });
	expect(env.emu.store.ou(String(created.organizationalUnitId))).toMatchObject({ organizationalUnitExternalId: 'DEP-LEGAL', parentId: 'ou_demoroot01' });

	const update = await env.run({
		resource: 'organizationalUnit',
		operation: 'upsert',
		organizationalUnitExternalId: 'DEP-ENG',
		organizationalUnitName: 'Research & Development',
		parentId: byId('ou_demosales01'),
		additionalFields: { description: 'R&D' },
	});
	const [updated] = json(update);
	expect(updated).toMatchObject({ action: 'updated', organizationalUnitId: 'ou_demoengineering01', changedFields: ['organizationalUnitName', 'description'], parentId: 'ou_demoroot01' });
	expect(updated.warning).toMatch(/cannot move/);
	expect(env.emu.store.ou('ou_demoengineering01')).toMatchObject({ organizationalUnitName: 'Research & Development', description: 'R&D', parentId: 'ou_demoroot01' });
});
