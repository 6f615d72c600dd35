import { byId, fromList, groupsNamed, outputs, useFaultEnv, usersNamed } from './support';

/**
 * 5xx answers and dropped connections through n8n's WorkflowExecute. Reads and idempotent writes
 * are retried; creates are retried only after a lookup shows the object was not made, so a
 * response lost after the write never leads to a second object.
 */

const ALICE = 'user_demoalicechen01';
const BOB = 'user_demobobsmith01';
const SALES = 'group_demosales01';
const env = useFaultEnv('faults/lostResponses');

const createUser = (username: string) => ({
	resource: 'user',
	operation: 'create',
	username,
	primaryOrganizationalUnitId: byId('ou_demosales01'),
	displayName: username,
});
const createOu = (externalId: string) => ({
	resource: 'organizationalUnit',
	operation: 'create',
	organizationalUnitName: `Dept ${externalId}`,
	parentId: fromList('ou_demoroot01'),
	additionalFields: { organizationalUnitExternalId: externalId },
});
const createGroup = (groupName: string) => ({ resource: 'group', operation: 'create', groupName });
const sent = (action: string) => env.emu.stats.requests[action] ?? 0;
const ousWithExternalId = (externalId: string) =>
	[...env.emu.store.ous.values()].filter((ou) => ou.organizationalUnitExternalId === externalId);

describe('reads and idempotent writes are retried', () => {
	test.each([500, 502, 503])('get user after %i twice', async (status) => {
		env.emu.faults.serverError({ action: 'GetUser', times: 2, status });
		const result = await env.run({ resource: 'user', operation: 'get', userId: byId(ALICE) });
		expect(result.error).toBeUndefined();
		expect(outputs(result)[0]).toMatchObject({ userId: ALICE, username: 'alice.chen' });
		expect(env.emu.stats.byAction.GetUser).toMatchObject({ [status]: 2, 200: 1 });
	});

	test('get user after a dropped connection', async () => {
		env.emu.faults.dropConnection({ action: 'GetUser', times: 2 });
		const result = await env.run({ resource: 'user', operation: 'get', userId: byId(ALICE) });
		expect(result.error).toBeUndefined();
		expect(outputs(result)[0]).toMatchObject({ userId: ALICE });
		expect(env.emu.stats.dropped).toBe(2);
	});

	test('patch user whose response was lost after the write is sent again and the state is right', async () => {
		env.emu.faults.dropConnection({ action: 'PatchUser', times: 2, afterWrite: true });
		const result = await env.run({
			resource: 'user',
			operation: 'update',
			userId: byId(ALICE),
			updateFields: { displayName: 'Alice Lost-Reply' },
		});
		expect(result.error).toBeUndefined();
		expect(outputs(result)[0]).toMatchObject({ success: true, userId: ALICE });
		expect(env.emu.store.user(ALICE).displayName).toBe('Alice Lost-Reply');
		expect(sent('PatchUser')).toBe(3);
	});

	test('add users to a group after two responses lost after the write', async () => {
		env.emu.faults.dropConnection({ action: 'AddUsersToGroup', times: 2, afterWrite: true });
		const result = await env.run({
			resource: 'group',
			operation: 'addUsers',
			groupId: byId(SALES),
			userIds: `${ALICE},${BOB}`,
		});
		expect(result.error).toBeUndefined();
		expect(outputs(result)[0]).toMatchObject({ success: true, groupId: SALES });
		expect([...env.emu.store.group(SALES).members]).toEqual(expect.arrayContaining([ALICE, BOB]));
		expect(sent('AddUsersToGroup')).toBe(3);
		expect(env.emu.stats.dropped).toBe(2);
	});

	test('a permanent 503 on a read ends in a NodeApiError after the bounded tries', async () => {
		env.emu.faults.serverError({ action: 'GetGroup', status: 503 });
		const result = await env.run({ resource: 'group', operation: 'get', groupId: byId(SALES) });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('[ServiceUnavailable]');
		expect(env.emu.stats.byAction.GetGroup).toEqual({ 503: 6 });
	});
});

describe('creates: looked up before any retry, never made twice', () => {
	test('user: response lost after the write → found by username, output carries the ID', async () => {
		env.emu.faults.dropConnection({ action: 'CreateUser', times: 1, afterWrite: true });
		const result = await env.run(createUser('lost.after.write'));
		expect(result.error).toBeUndefined();
		const users = usersNamed(env.emu, 'lost.after.write');
		expect(users).toHaveLength(1);
		expect(outputs(result)[0]).toMatchObject({ userId: users[0].userId });
		expect(sent('CreateUser')).toBe(1);
		expect(sent('GetUserIdByUsername')).toBe(1);
	});

	test('user: 500 (not applied) → lookup finds nothing → sent again, created once', async () => {
		env.emu.faults.serverError({ action: 'CreateUser', times: 2 });
		const result = await env.run(createUser('five.hundred'));
		expect(result.error).toBeUndefined();
		const users = usersNamed(env.emu, 'five.hundred');
		expect(users).toHaveLength(1);
		expect(outputs(result)[0]).toMatchObject({ userId: users[0].userId });
		expect(env.emu.stats.byAction.CreateUser).toMatchObject({ 500: 2, 200: 1 });
		expect(sent('GetUserIdByUsername')).toBe(2);
	});

	test('user: drop before the write → sent again, created once', async () => {
		env.emu.faults.dropConnection({ action: 'CreateUser', times: 1 });
		const result = await env.run(createUser('dropped.before'));
		expect(result.error).toBeUndefined();
		const users = usersNamed(env.emu, 'dropped.before');
		expect(users).toHaveLength(1);
		expect(outputs(result)[0]).toMatchObject({ userId: users[0].userId });
		expect(sent('CreateUser')).toBe(2);
	});

	test('user: 20 items, every create loses its response once → 20 users, no duplicates', async () => {
		env.emu.faults.dropConnection({ action: 'CreateUser', times: 20, afterWrite: true });
		const names = Array.from({ length: 20 }, (_, i) => `lost.many.${i}`);
		const result = await env.run(
			{
				...createUser('={{ $json.username }}'),
				displayName: '={{ $json.username }}',
				options: { concurrency: 10 },
			},
			{ items: names.map((username) => ({ username })) },
		);
		expect(result.error).toBeUndefined();
		names.forEach((name, i) => {
			const users = usersNamed(env.emu, name);
			expect(users).toHaveLength(1);
			expect(outputs(result)[i].userId).toBe(users[0].userId);
		});
		expect(sent('CreateUser')).toBe(20);
	});

	test('organizational unit: response lost after the write → found by external ID', async () => {
		env.emu.faults.dropConnection({
			action: 'CreateOrganizationalUnit',
			times: 1,
			afterWrite: true,
		});
		const result = await env.run(createOu('DEP-LOST'));
		expect(result.error).toBeUndefined();
		const ous = ousWithExternalId('DEP-LOST');
		expect(ous).toHaveLength(1);
		expect(outputs(result)[0]).toMatchObject({ organizationalUnitId: ous[0].organizationalUnitId });
		expect(sent('CreateOrganizationalUnit')).toBe(1);
	});

	test('organizational unit: 503 then drop before the write → created once', async () => {
		env.emu.faults.serverError({ action: 'CreateOrganizationalUnit', times: 1, status: 503 });
		env.emu.faults.dropConnection({ action: 'CreateOrganizationalUnit', times: 1 });
		const result = await env.run(createOu('DEP-RETRY'));
		expect(result.error).toBeUndefined();
		const ous = ousWithExternalId('DEP-RETRY');
		expect(ous).toHaveLength(1);
		expect(outputs(result)[0]).toMatchObject({ organizationalUnitId: ous[0].organizationalUnitId });
	});

	test('group: response lost after the write → found by name, output carries the ID', async () => {
		env.emu.faults.dropConnection({ action: 'CreateGroup', times: 1, afterWrite: true });
		const result = await env.run(createGroup('Lost Reply Team'));
		expect(result.error).toBeUndefined();
		const groups = groupsNamed(env.emu, 'Lost Reply Team');
		expect(groups).toHaveLength(1);
		expect(outputs(result)[0]).toMatchObject({ groupId: groups[0].groupId });
		expect(sent('CreateGroup')).toBe(1);
	});

	test('user: a user that was there before the create is not claimed; the conflict is reported', async () => {
		// 500 before the write: the create failed. alice.chen existed long before this request.
		env.emu.faults.serverError({ action: 'CreateUser', times: 1 });
		const result = await env.run(createUser('alice.chen'));
		expect(outputs(result)).toEqual([]);
		expect(result.error?.message).toMatch(/^CreateUser failed: .*\[ResourceDuplicated/);
		expect(usersNamed(env.emu, 'alice.chen')).toHaveLength(1);
		// One read to decide the user is not this request's, one to name the account in the error.
		expect(result.error?.message).toContain('belongs to user_demoalicechen01');
		expect(sent('GetUser')).toBe(2);
	});

	test('user: a user with the very fields sent but created an hour before the request is not claimed', async () => {
		const before = env.emu.store.createUser({
			username: 'taken.earlier',
			primaryOrganizationalUnitId: 'ou_demosales01',
			displayName: 'taken.earlier',
		});
		before.createTime = Date.now() - 3_600_000;
		env.emu.faults.serverError({ action: 'CreateUser', times: 1 });
		const result = await env.run(createUser('taken.earlier'));
		expect(result.error?.message).toMatch(/ResourceDuplicated/);
		expect(JSON.stringify(result.items)).not.toContain(before.userId);
	});

	test('group: a group of that name from before the request is not claimed', async () => {
		const [existing] = groupsNamed(env.emu, 'Sales Team');
		existing.createTime = Date.now() - 3_600_000;
		env.emu.faults.serverError({ action: 'CreateGroup', times: 1 });
		const result = await env.run(createGroup('Sales Team'));
		expect(outputs(result)).toEqual([]);
		expect(result.error?.message).toMatch(/^CreateGroup failed: .*\[ResourceDuplicated/);
		expect(groupsNamed(env.emu, 'Sales Team')).toHaveLength(1);
	});

	test('group: a group whose name only starts with the new name is not taken for it', async () => {
		env.emu.store.createGroup({ groupName: 'Retry Team Extended' });
		env.emu.faults.serverError({ action: 'CreateGroup', times: 1 });
		const result = await env.run(createGroup('Retry Team'));
		expect(result.error).toBeUndefined();
		const groups = groupsNamed(env.emu, 'Retry Team');
		expect(groups).toHaveLength(1);
		expect(outputs(result)[0]).toMatchObject({ groupId: groups[0].groupId });
		expect(sent('CreateGroup')).toBe(2);
		expect(sent('ListGroups')).toBe(1);
	});
});
