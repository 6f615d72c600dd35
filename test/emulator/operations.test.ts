import { CATALOG } from '../../nodes/AlibabaIdaas/catalog';
import { DEMO, Harness, useHarness } from './helpers';
import { PAM_SCENARIOS } from './pamScenarios';

/**
 * Every catalog operation's happy path over real HTTP. The table is keyed by action: a new
 * catalog operation without an entry here fails the first test.
 */

const h = useHarness();

const SCENARIOS: Record<string, (h: Harness) => Promise<void>> = {
	async CreateUser(h) {
		const r = await h.call('CreateUser', {
			body: {
				username: 'new.hire',
				primaryOrganizationalUnitId: DEMO.engineering,
				displayName: 'New Hire',
				email: 'new.hire@acme.example',
				emailVerified: true,
				phoneRegion: '86',
				phoneNumber: '13900000000',
				phoneNumberVerified: true,
				password: 'Sup3r-secret',
				userExternalId: 'E9000',
				description: 'hired today',
				customFields: [{ fieldName: 'costCenter', fieldValue: 'CC-9' }],
			},
		});
		expect(r.status).toBe(200);
		expect(r.body.userId).toMatch(/^user_[a-z0-9]{26}$/);
		const user = h.emu.store.users.get(r.body.userId)!;
		expect(user).toMatchObject({
			username: 'new.hire',
			email: 'new.hire@acme.example',
			userExternalId: 'E9000',
			passwordSet: true,
			status: 'enabled',
		});
		expect(user.primaryOrganizationalUnitId).toBe(DEMO.engineering);
		expect(user.customFields).toEqual([{ fieldName: 'costCenter', fieldValue: 'CC-9' }]);
	},
	async GetUser(h) {
		const r = await h.call('GetUser', { path: { userId: DEMO.daniel } });
		expect(r.status).toBe(200);
		expect(r.body.username).toBe('daniel.kim');
		expect(r.body.primaryOrganizationalUnitId).toBe(DEMO.platform);
		expect(r.body.organizationalUnits).toEqual([
			{ organizationalUnitId: DEMO.platform, organizationalUnitName: 'Platform', primary: true },
			{ organizationalUnitId: DEMO.sales, organizationalUnitName: 'Sales', primary: false },
		]);
		expect(r.body.groups.map((g: any) => g.groupId)).toEqual([DEMO.allStaff, DEMO.engineers]);
		expect(r.body.customFields).toEqual([]);
		expect(r.body).not.toHaveProperty('password');
		expect(r.body).not.toHaveProperty('secondaryOrganizationalUnitIds');
	},
	async ListUsers(h) {
		const r = await h.call('ListUsers');
		expect(r.status).toBe(200);
		expect(r.body.totalCount).toBe(10);
		expect(r.body.data[0].username).toBe('alice.chen');
		expect(Object.keys(r.body.data[0])).not.toContain('groups');
		const byOu = await h.call('ListUsers', { query: { organizationalUnitId: DEMO.platform } });
		expect(byOu.body.data.map((u: any) => u.username)).toEqual(['chloe.martin', 'daniel.kim']);
	},
	async PatchUser(h) {
		const before = h.emu.store.users.get(DEMO.alice)!.updateTime;
		const r = await h.call('PatchUser', {
			path: { userId: DEMO.alice },
			body: {
				displayName: 'Alice C.',
				customFields: [
					{ fieldName: 'costCenter', operation: 'remove' },
					{ fieldName: 'site', fieldValue: 'HZ', operation: 'replace' },
				],
			},
		});
		expect(r.status).toBe(200);
		expect(r.body).toEqual({});
		const user = h.emu.store.users.get(DEMO.alice)!;
		expect(user.displayName).toBe('Alice C.');
		expect(user.email).toBe('alice.chen@acme.example');
		expect(user.customFields).toEqual([{ fieldName: 'site', fieldValue: 'HZ' }]);
		expect(user.updateTime).toBeGreaterThan(before);
	},
	async DeleteUser(h) {
		const r = await h.call('DeleteUser', { path: { userId: DEMO.bob } });
		expect(r.status).toBe(200);
		expect(h.emu.store.users.has(DEMO.bob)).toBe(false);
		expect([...h.emu.store.groups.get(DEMO.allStaff)!.members]).not.toContain(DEMO.bob);
	},
	async EnableUser(h) {
		const r = await h.call('EnableUser', { path: { userId: DEMO.jack } });
		expect(r.status).toBe(200);
		expect(h.emu.store.users.get(DEMO.jack)!.status).toBe('enabled');
	},
	async DisableUser(h) {
		const r = await h.call('DisableUser', { path: { userId: DEMO.bob } });
		expect(r.status).toBe(200);
		expect(h.emu.store.users.get(DEMO.bob)!.status).toBe('disabled');
	},
	async UpdateUserPassword(h) {
		const r = await h.call('UpdateUserPassword', {
			path: { userId: DEMO.bob },
			body: { password: 'N3w-password!' },
		});
		expect(r.status).toBe(200);
		expect(h.emu.store.users.get(DEMO.bob)).toMatchObject({
			password: 'N3w-password!',
			passwordSet: true,
		});
	},
	async GetUserPasswordPolicy(h) {
		const r = await h.call('GetUserPasswordPolicy');
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({ instanceId: h.emu.instanceId, minLength: 8, activeCycle: -1 });
		expect(r.body.passwordComplexityItem).toHaveProperty('containUpperCase', false);
	},
	async GetUserIdByEmail(h) {
		const r = await h.call('GetUserIdByEmail', { body: { email: 'Bob.Smith@acme.example' } });
		expect(r).toMatchObject({ status: 200, body: { userId: DEMO.bob } });
	},
	async GetUserIdByPhoneNumber(h) {
		const r = await h.call('GetUserIdByPhoneNumber', { body: { phoneNumber: '13800000001' } });
		expect(r).toMatchObject({ status: 200, body: { userId: DEMO.alice } });
	},
	async GetUserIdByUsername(h) {
		const r = await h.call('GetUserIdByUsername', { body: { username: 'bob.smith' } });
		expect(r).toMatchObject({ status: 200, body: { userId: DEMO.bob } });
	},
	async GetUserIdByUserExternalId(h) {
		const r = await h.call('GetUserIdByUserExternalId', {
			body: { userExternalId: 'E1002', userSourceType: 'build_in', userSourceId: h.emu.instanceId },
		});
		expect(r).toMatchObject({ status: 200, body: { userId: DEMO.bob } });
	},
	async SetUserPrimaryOrganizationalUnit(h) {
		const r = await h.call('SetUserPrimaryOrganizationalUnit', {
			path: { userId: DEMO.bob },
			body: { organizationalUnitId: DEMO.hr },
		});
		expect(r.status).toBe(200);
		expect(h.emu.store.users.get(DEMO.bob)!.primaryOrganizationalUnitId).toBe(DEMO.hr);
		const inSales = await h.call('ListUsers', { query: { organizationalUnitId: DEMO.sales } });
		expect(inSales.body.data.map((u: any) => u.userId)).not.toContain(DEMO.bob);
	},
	async AddUserToOrganizationalUnits(h) {
		const body = { organizationalUnitIds: [DEMO.hr, DEMO.platform] };
		expect(
			(await h.call('AddUserToOrganizationalUnits', { path: { userId: DEMO.bob }, body })).status,
		).toBe(200);
		expect(
			(await h.call('AddUserToOrganizationalUnits', { path: { userId: DEMO.bob }, body })).status,
		).toBe(200);
		expect(h.emu.store.users.get(DEMO.bob)!.secondaryOrganizationalUnitIds).toEqual([
			DEMO.hr,
			DEMO.platform,
		]);
	},
	async RemoveUserFromOrganizationalUnits(h) {
		const body = { organizationalUnitIds: [DEMO.sales, DEMO.hr] };
		expect(
			(await h.call('RemoveUserFromOrganizationalUnits', { path: { userId: DEMO.daniel }, body }))
				.status,
		).toBe(200);
		expect(h.emu.store.users.get(DEMO.daniel)!.secondaryOrganizationalUnitIds).toEqual([]);
	},
	async ListGroupsForUser(h) {
		const r = await h.call('ListGroupsForUser', { path: { userId: DEMO.alice } });
		expect(r.status).toBe(200);
		expect(r.body).toEqual({
			totalCount: 2,
			nextToken: '',
			maxResults: 20,
			data: [DEMO.allStaff, DEMO.engineers].map((groupId) => ({
				instanceId: h.emu.instanceId,
				groupId,
				groupMemberRelationSourceType: 'build_in',
				groupMemberRelationSourceId: h.emu.instanceId,
			})),
		});
	},
	async GetUserInfo(h) {
		const token = h.emu.issueUserToken(DEMO.alice);
		const r = await h.call('GetUserInfo', { token });
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({
			sub: DEMO.alice,
			preferred_username: 'alice.chen',
			email: 'alice.chen@acme.example',
			phone_number: '+86 13800000001',
		});
	},
	async CreateOrganizationalUnit(h) {
		const r = await h.call('CreateOrganizationalUnit', {
			body: {
				organizationalUnitName: 'Support',
				parentId: DEMO.root,
				organizationalUnitExternalId: 'DEP-SUP',
				description: 'Help desk',
			},
		});
		expect(r.status).toBe(200);
		expect(r.body.organizationalUnitId).toMatch(/^ou_[a-z0-9]{26}$/);
		expect(h.emu.store.ous.get(r.body.organizationalUnitId)).toMatchObject({
			parentId: DEMO.root,
			organizationalUnitExternalId: 'DEP-SUP',
		});
	},
	async GetOrganizationalUnit(h) {
		const r = await h.call('GetOrganizationalUnit', {
			path: { organizationalUnitId: DEMO.platform },
		});
		expect(r.status).toBe(200);
		expect(Object.keys(r.body).sort()).toEqual(
			[
				'instanceId',
				'organizationalUnitId',
				'organizationalUnitName',
				'parentId',
				'organizationalUnitExternalId',
				'organizationalUnitSourceType',
				'organizationalUnitSourceId',
				'createTime',
				'updateTime',
				'description',
			].sort(),
		);
		expect(r.body).toMatchObject({
			organizationalUnitName: 'Platform',
			parentId: DEMO.engineering,
			organizationalUnitSourceType: 'build_in',
		});
	},
	async ListOrganizationalUnits(h) {
		const r = await h.call('ListOrganizationalUnits', { query: { parentId: DEMO.root } });
		expect(r.status).toBe(200);
		expect(r.body.totalCount).toBe(3);
		expect(r.body.data.map((ou: any) => ou.organizationalUnitName)).toEqual([
			'Engineering',
			'Sales',
			'HR',
		]);
	},
	async PatchOrganizationalUnit(h) {
		const r = await h.call('PatchOrganizationalUnit', {
			path: { organizationalUnitId: DEMO.hr },
			body: { organizationalUnitName: 'People' },
		});
		expect(r.status).toBe(200);
		expect(h.emu.store.ous.get(DEMO.hr)).toMatchObject({
			organizationalUnitName: 'People',
			description: 'People and HR',
		});
	},
	async DeleteOrganizationalUnit(h) {
		const ou = h.emu.store.createOu({ organizationalUnitName: 'Temp', parentId: DEMO.root });
		const r = await h.call('DeleteOrganizationalUnit', {
			path: { organizationalUnitId: ou.organizationalUnitId },
		});
		expect(r.status).toBe(200);
		expect(h.emu.store.ous.has(ou.organizationalUnitId)).toBe(false);
	},
	async ListOrganizationalUnitParentIds(h) {
		const r = await h.call('ListOrganizationalUnitParentIds', {
			path: { organizationalUnitId: DEMO.platform },
		});
		expect(r).toMatchObject({ status: 200, body: { parentIds: [DEMO.root, DEMO.engineering] } });
	},
	async GetOrganizationalUnitIdByExternalId(h) {
		const r = await h.call('GetOrganizationalUnitIdByExternalId', {
			body: {
				organizationalUnitExternalId: 'DEP-ENG-PLT',
				organizationalUnitSourceType: 'build_in',
				organizationalUnitSourceId: h.emu.instanceId,
			},
		});
		expect(r).toMatchObject({ status: 200, body: { organizationalUnitId: DEMO.platform } });
	},
	async CreateGroup(h) {
		const r = await h.call('CreateGroup', {
			body: { groupName: 'Managers', groupExternalId: 'GRP-MGR' },
		});
		expect(r.status).toBe(200);
		expect(r.body.groupId).toMatch(/^group_[a-z0-9]{26}$/);
		expect(
			(await h.call('GetGroup', { path: { groupId: r.body.groupId } })).body.groupExternalId,
		).toBe('GRP-MGR');
	},
	async GetGroup(h) {
		const r = await h.call('GetGroup', { path: { groupId: DEMO.engineers } });
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({
			groupId: DEMO.engineers,
			groupName: 'Engineers',
			groupSourceType: 'build_in',
			groupSourceId: h.emu.instanceId,
		});
		expect(r.body).not.toHaveProperty('members');
	},
	async ListGroups(h) {
		const r = await h.call('ListGroups', { query: { groupNameStartWith: 'S' } });
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({ totalCount: 1, nextToken: '', maxResults: 20 });
		expect(r.body.data[0].groupName).toBe('Sales Team');
	},
	async PatchGroup(h) {
		const r = await h.call('PatchGroup', {
			path: { groupId: DEMO.salesTeam },
			body: { groupName: 'Sales' },
		});
		expect(r.status).toBe(200);
		expect(h.emu.store.groups.get(DEMO.salesTeam)!.groupName).toBe('Sales');
	},
	async DeleteGroup(h) {
		const r = await h.call('DeleteGroup', { path: { groupId: DEMO.salesTeam } });
		expect(r.status).toBe(200);
		expect(h.emu.store.groups.has(DEMO.salesTeam)).toBe(false);
		expect(h.emu.store.groupIdsOf(DEMO.bob)).toEqual([DEMO.allStaff]);
	},
	async AddUsersToGroup(h) {
		const body = { userIds: [DEMO.bob, DEMO.alice] };
		expect(
			(await h.call('AddUsersToGroup', { path: { groupId: DEMO.engineers }, body })).status,
		).toBe(200);
		expect(
			(await h.call('AddUsersToGroup', { path: { groupId: DEMO.engineers }, body })).status,
		).toBe(200);
		const members = [...h.emu.store.groups.get(DEMO.engineers)!.members];
		expect(members.filter((id) => id === DEMO.bob)).toHaveLength(1);
		expect(h.emu.store.groupIdsOf(DEMO.bob)).toContain(DEMO.engineers);
	},
	async RemoveUsersFromGroup(h) {
		const r = await h.call('RemoveUsersFromGroup', {
			path: { groupId: DEMO.salesTeam },
			body: { userIds: [DEMO.bob, DEMO.alice] },
		});
		expect(r.status).toBe(200);
		expect(h.emu.store.groups.get(DEMO.salesTeam)!.members.has(DEMO.bob)).toBe(false);
	},
	async ListUsersForGroup(h) {
		const r = await h.call('ListUsersForGroup', { path: { groupId: DEMO.salesTeam } });
		expect(r.status).toBe(200);
		expect(r.body.data).toEqual([
			{ instanceId: h.emu.instanceId, userId: DEMO.bob },
			{ instanceId: h.emu.instanceId, userId: 'user_demofaridhaddad01' },
		]);
	},
	async GetApplicationProvisioningScope(h) {
		const r = await h.call('GetApplicationProvisioningScope');
		expect(r).toMatchObject({
			status: 200,
			body: {
				organizationalUnitIds: [DEMO.root],
				groupIds: [DEMO.allStaff, DEMO.engineers, DEMO.salesTeam],
			},
		});
	},
	async GenerateToken(h) {
		const sent = Math.floor(Date.now() / 1000);
		const r = await h.call('GenerateToken', {
			token: null,
			query: {
				grant_type: 'client_credentials',
				client_id: h.app.clientId,
				client_secret: h.app.clientSecret,
			},
		});
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({ token_type: 'Bearer', expires_in: 1200 });
		expect(r.body.access_token).toMatch(/^AT/);
		// Issued between the request and the answer, however long that took.
		expect(r.body.expires_at).toBeGreaterThanOrEqual(sent + 1200);
		expect(r.body.expires_at).toBeLessThanOrEqual(Date.now() / 1000 + 1200);
	},
	async RevokeToken(h) {
		const r = await h.call('RevokeToken', {
			token: null,
			query: { token: h.token, client_id: h.app.clientId, client_secret: h.app.clientSecret },
		});
		expect(r).toMatchObject({ status: 200, body: {} });
		expect((await h.call('GetGroup', { path: { groupId: DEMO.engineers } })).body.code).toBe(
			'invalid_token',
		);
	},
	async GenerateDeviceCode(h) {
		const r = await h.call('GenerateDeviceCode', { token: null, query: { scope: 'openid' } });
		expect(r.status).toBe(200);
		expect(Object.keys(r.body).sort()).toEqual([
			'device_code',
			'expires_at',
			'expires_in',
			'interval',
			'user_code',
			'verification_uri',
			'verification_uri_complete',
		]);
		expect(r.body.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
	},
	async ObtainCloudAccountRoleAccessCredential(h) {
		const sent = Math.floor(Date.now() / 1000);
		const r = await h.call('ObtainCloudAccountRoleAccessCredential', {
			token: h.emu.issuePamToken(),
			query: {
				cloudAccountRoleExternalId: 'acs:ram::1234567890123456:role/demo-readonly',
				durationSeconds: 900,
			},
		});
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({
			cloudAccountRoleName: 'demo-readonly',
			cloudAccountVendorType: 'alibaba_cloud',
		});
		const credential = r.body.cloudAccountRoleAccessCredential;
		expect(credential.accessCredentialExpiresAt).toBeGreaterThanOrEqual(sent + 900);
		expect(credential.alibabaCloudStsToken.expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		expect(credential).not.toHaveProperty('awsStsToken');
	},
	...PAM_SCENARIOS,
};

test('every catalog operation has a scenario', () => {
	expect(CATALOG.map((op) => op.apiName).filter((action) => !SCENARIOS[action])).toEqual([]);
});

test.each(CATALOG.map((op) => [op.apiName]))('%s', async (action) => {
	await SCENARIOS[action](h);
	expect(h.emu.stats.requests[action]).toBeGreaterThanOrEqual(1);
});
