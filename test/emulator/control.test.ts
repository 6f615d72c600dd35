import { DEMO, useHarness } from './helpers';

const h = useHarness();

test('state summary and dump (no secrets)', async () => {
	const state = await h.control('GET', 'state');
	expect(state.status).toBe(200);
	expect(state.body).toMatchObject({
		instanceId: 'idaas_demoacme01',
		rootOrganizationalUnitId: DEMO.root,
		counts: { users: 10, organizationalUnits: 5, groups: 3 },
	});
	expect(state.body.applications[0]).toMatchObject({
		applicationId: 'app_demoapplication01',
		clientId: 'app_demoapplication01',
	});
	expect(JSON.stringify(state.body)).not.toContain(h.app.clientSecret);
	const dump = await h.control('GET', 'state/dump');
	expect(dump.body.users).toHaveLength(10);
	expect(dump.body.groups.find((g: any) => g.groupId === DEMO.salesTeam).memberIds).toEqual([
		DEMO.bob,
		'user_demofaridhaddad01',
	]);
});

test('users from outside: create (root OU by default), patch, status, move, delete', async () => {
	const created = await h.control('POST', 'users', {
		username: 'outside.user',
		email: 'o@acme.example',
	});
	expect(created.body).toMatchObject({
		username: 'outside.user',
		primaryOrganizationalUnitId: DEMO.root,
		status: 'enabled',
	});
	const id = created.body.userId;
	expect((await h.call('GetUser', { path: { userId: id } })).body.email).toBe('o@acme.example');
	expect(
		(await h.control('PATCH', `users/${id}`, { displayName: 'Outside' })).body.displayName,
	).toBe('Outside');
	expect((await h.control('POST', `users/${id}/status`, { status: 'disabled' })).body.status).toBe(
		'disabled',
	);
	expect(
		(await h.control('POST', `users/${id}/move`, { organizationalUnitId: DEMO.hr })).body
			.primaryOrganizationalUnitId,
	).toBe(DEMO.hr);
	expect((await h.control('DELETE', `users/${id}`)).status).toBe(200);
	expect((await h.control('GET', `users/${id}`)).body.code).toBe('ResourceNotFound.User');
	expect((await h.control('POST', 'users', { username: 'bob.smith' })).body.code).toBe(
		'ResourceDuplicated.Username',
	);
});

test('OUs, groups, memberships and applications from outside', async () => {
	const ou = await h.control('POST', 'organizationalUnits', { organizationalUnitName: 'Legal' });
	expect(ou.body.parentId).toBe(DEMO.root);
	const group = await h.control('POST', 'groups', { groupName: 'Legal Team' });
	await h.control('POST', `groups/${group.body.groupId}/members`, { userIds: [DEMO.bob] });
	expect(
		(await h.call('ListUsersForGroup', { path: { groupId: group.body.groupId } })).body.data,
	).toEqual([{ instanceId: h.emu.instanceId, userId: DEMO.bob }]);
	await h.control('PATCH', `applications/${h.app.applicationId}`, { apiEnabled: false });
	expect((await h.call('ListUsers')).body.code).toBe('application_api_disabled');
});

test('stats count requests per action, token calls and statuses; reset over HTTP', async () => {
	await h.call('ListUsers');
	await h.call('GetUser', { path: { userId: 'user_missing' } });
	await h.call('GenerateToken', {
		token: null,
		query: {
			grant_type: 'client_credentials',
			client_id: h.app.clientId,
			client_secret: h.app.clientSecret,
		},
	});
	await h.control('GET', 'state');
	const stats = (await h.control('GET', 'stats')).body;
	expect(stats).toMatchObject({
		total: 3,
		requests: { ListUsers: 1, GetUser: 1, GenerateToken: 1 },
		statuses: { 200: 2, 404: 1 },
		generateTokenCalls: 1,
		tokensIssued: 1,
	});
	expect((await h.control('POST', 'stats/reset')).body.total).toBe(0);
	expect(h.emu.stats.total).toBe(0);
});

test('reset restores the seed and clears faults; user and PAM tokens over HTTP', async () => {
	h.emu.store.deleteUser(DEMO.bob);
	h.emu.faults.throttle();
	const reset = await h.control('POST', 'reset');
	expect(reset.body.counts.users).toBe(10);
	expect(h.emu.faults.rules).toEqual([]);
	const userToken = (await h.control('POST', 'tokens/user', { userId: DEMO.bob })).body
		.access_token;
	expect((await h.call('GetUserInfo', { token: userToken })).body.sub).toBe(DEMO.bob);
	const pam = (await h.control('POST', 'tokens/pam')).body.access_token;
	expect(
		(
			await h.call('ObtainCloudAccountRoleAccessCredential', {
				token: pam,
				query: { cloudAccountRoleExternalId: 'acs:ram::1234567890123456:role/demo-readonly' },
			})
		).status,
	).toBe(200);
});

test('unknown control endpoint', async () => {
	expect(await h.control('GET', 'nope')).toMatchObject({
		status: 404,
		body: { code: 'ControlEndpointNotFound' },
	});
});
