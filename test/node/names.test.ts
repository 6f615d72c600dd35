import type { IDataObject } from 'n8n-workflow';

import type { Env } from './support';
import type { ExecuteResult } from '../harness/n8n';
import { json as outputs, startEnv } from './support';

/**
 * Organizational units By Name or Path and groups By Name, against the emulator: a unique name,
 * a path, a name that is missing, one that several units share, names with the separator in
 * them, and many items sharing a value (the unit tree and each group read once).
 */

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

/** The output items of a run that must have succeeded. */
function json(result: ExecuteResult) {
	expect(result.error).toBeUndefined();
	return outputs(result);
}

const byName = (value: string) => ({ __rl: true, mode: 'name', value });

/** Creates a user per item with the unit named by the item's `department`. */
const createUsers = (
	department: unknown,
	options: { continueOnFail?: boolean; items?: IDataObject[] } = {},
) =>
	env.run(
		{
			resource: 'user',
			operation: 'create',
			username: '={{ $json.login }}',
			displayName: '={{ $json.login }}',
			primaryOrganizationalUnitId: byName(department as string),
		},
		{
			items: options.items ?? [{ login: 'new.hire', department: 'Sales' }],
			continueOnFail: options.continueOnFail,
		},
	);

const primaryOu = (out: { userId?: unknown }) =>
	env.emu.store.user(String(out.userId)).primaryOrganizationalUnitId;

test('a unit by its exact name', async () => {
	const [out] = json(await createUsers('={{ $json.department }}'));
	expect(primaryOu(out)).toBe('ou_demosales01');
});

test('a unit by its path, as the list shows it, with or without spaces around the separators', async () => {
	const [a] = json(await createUsers('Acme / Engineering / Platform'));
	expect(primaryOu(a)).toBe('ou_demoplatform01');
	const [b] = json(
		await createUsers('Acme/Engineering/Platform', { items: [{ login: 'other.hire' }] }),
	);
	expect(primaryOu(b)).toBe('ou_demoplatform01');
});

test('names are matched exactly, capitals included: a miss names the field, the value and the nearest names, and sends no write', async () => {
	const users = env.emu.store.users.size;
	expect((await createUsers('sales')).error?.message).toContain(
		'Organizational Unit: no organizational unit is named "sales" or has that path',
	);
	expect((await createUsers('Slaes')).error).toMatchObject({
		description: expect.stringContaining('"Sales"'),
	});
	expect(env.requests('CreateUser')).toBe(0);
	expect(env.emu.store.users.size).toBe(users);
});

test('two units with one name: the error lists each path and ID; the path picks one', async () => {
	const other = env.emu.store.createOu({
		organizationalUnitName: 'Sales',
		parentId: 'ou_demoengineering01',
	}).organizationalUnitId;
	const { error } = await createUsers('Sales');
	expect(error?.message).toBe('Organizational Unit: 2 organizational units are named "Sales"');
	expect(error?.description).toContain('"Acme / Sales" (ou_demosales01)');
	expect(error?.description).toContain(`"Acme / Engineering / Sales" (${other})`);
	expect(env.requests('CreateUser')).toBe(0);

	const [out] = json(await createUsers('Acme / Engineering / Sales'));
	expect(primaryOu(out)).toBe(other);
});

test('names with the separator in them: the name matches first, then the exact path, and a path that reads two ways is an error', async () => {
	const slashed = env.emu.store.createOu({
		organizationalUnitName: 'R / D',
		parentId: 'ou_demoroot01',
	}).organizationalUnitId;
	const r = env.emu.store.createOu({
		organizationalUnitName: 'R',
		parentId: 'ou_demoroot01',
	}).organizationalUnitId;
	const d = env.emu.store.createOu({
		organizationalUnitName: 'D',
		parentId: r,
	}).organizationalUnitId;
	const emea = env.emu.store.createOu({
		organizationalUnitName: 'EMEA/APAC',
		parentId: 'ou_demosales01',
	}).organizationalUnitId;

	expect(primaryOu(json(await createUsers('R / D', { items: [{ login: 'u1' }] }))[0])).toBe(
		slashed,
	);
	expect(
		primaryOu(json(await createUsers('Acme / Sales / EMEA/APAC', { items: [{ login: 'u2' }] }))[0]),
	).toBe(emea);
	expect((await createUsers('Acme / R / D', { items: [{ login: 'u3' }] })).error).toMatchObject({
		message: 'Organizational Unit: 2 organizational units are named "Acme / R / D"',
		description: expect.stringMatching(
			new RegExp(`\\(${slashed}\\).*\\(${d}\\)|\\(${d}\\).*\\(${slashed}\\)`),
		),
	});
});

test('many items sharing a few values: the tree is read once, as for one item', async () => {
	await createUsers('Sales', { items: [{ login: 'first.one' }] });
	const one = {
		scope: env.answered('GetApplicationProvisioningScope'),
		lists: env.answered('ListOrganizationalUnits'),
	};
	expect(one.scope).toBe(1);
	env.emu.stats.reset();

	const departments = ['Sales', 'HR', 'Acme / Engineering / Platform', 'Sales'];
	const items = Array.from({ length: 24 }, (_, i) => ({
		login: `hire.${i}`,
		department: departments[i % departments.length],
	}));
	const out = json(await createUsers('={{ $json.department }}', { items }));
	expect(out).toHaveLength(24);
	expect(out.map(primaryOu)).toEqual(
		items.map(
			(item) =>
				({ Sales: 'ou_demosales01', HR: 'ou_demohr01' })[item.department as 'Sales'] ??
				'ou_demoplatform01',
		),
	);
	expect(env.answered('GetApplicationProvisioningScope')).toBe(one.scope);
	expect(env.answered('ListOrganizationalUnits')).toBe(one.lists);
	expect(env.answered('GetOrganizationalUnit')).toBe(1);
});

test('an unknown unit fails its item only; Continue On Fail gives the error item and the others are created', async () => {
	const items = [
		{ login: 'ok.one', department: 'Sales' },
		{ login: 'bad.one', department: 'Marketing' },
		{ login: 'ok.two', department: 'HR' },
	];
	const out = json(await createUsers('={{ $json.department }}', { items, continueOnFail: true }));
	expect(out).toHaveLength(3);
	expect(primaryOu(out[0])).toBe('ou_demosales01');
	expect(out[1]).toMatchObject({
		error: expect.stringContaining('no organizational unit is named "Marketing"'),
	});
	expect(primaryOu(out[2])).toBe('ou_demohr01');
	expect(env.requests('CreateUser')).toBe(2);
});

const addUsers = (group: string, items: IDataObject[] = [{}], continueOnFail = false) =>
	env.run(
		{
			resource: 'group',
			operation: 'addUsers',
			groupId: byName(group),
			userIds: { values: [{ id: { __rl: true, mode: 'username', value: 'alice.chen' } }] },
		},
		{ items, continueOnFail },
	);

test('a group by its exact name; many items with the same name ask ListGroups once', async () => {
	await addUsers(
		'={{ $json.team }}',
		Array.from({ length: 12 }, () => ({ team: 'Sales Team' })),
	);
	expect(env.emu.store.group('group_demosales01').members.has('user_demoalicechen01')).toBe(true);
	expect(env.answered('ListGroups')).toBe(1);
});

test('a group name that is only a prefix, or differs in capitals, is no match: the error offers the nearest names', async () => {
	expect((await addUsers('Sales')).error).toMatchObject({
		message: 'Group: no group is named "Sales"',
		description: expect.stringContaining('"Sales Team"'),
	});
	expect((await addUsers('sales team')).error?.message).toContain('no group is named "sales team"');
	expect(env.requests('AddUsersToGroup')).toBe(0);
});

test('two groups with one name (a tenant that allows it): the error lists both IDs', async () => {
	const copy = env.emu.createGroup({ groupName: 'Sales Team copy' }).groupId;
	// The emulator keeps group names unique, as IDaaS does; rename behind its index to see the guard.
	env.emu.store.group(copy).groupName = 'Sales Team';
	expect((await addUsers('Sales Team')).error).toMatchObject({
		message: 'Group: 2 groups are named "Sales Team"',
		description: expect.stringMatching(
			new RegExp(`group_demosales01.*${copy}|${copy}.*group_demosales01`),
		),
	});
});
