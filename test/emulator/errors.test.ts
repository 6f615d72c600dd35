import { SCOPES } from '../../nodes/AlibabaIdaas/catalog';
import { DEMO, Harness, useHarness, send } from './helpers';

const h = useHarness();

const user = (extra: Record<string, unknown> = {}) => ({
	username: 'x.user',
	primaryOrganizationalUnitId: DEMO.sales,
	...extra,
});

describe('parameter validation from the catalog', () => {
	test.each([
		['missing username', { primaryOrganizationalUnitId: DEMO.sales }, 'MissingParameter.Username'],
		['missing primary OU', { username: 'a.b' }, 'MissingParameter.PrimaryOrganizationalUnitId'],
		[
			'phone without region',
			user({ phoneNumber: '13900000000', phoneNumberVerified: true }),
			'MissingParameter.PhoneRegion',
		],
		[
			'phone without verified flag',
			user({ phoneNumber: '13900000000', phoneRegion: '86' }),
			'MissingParameter.PhoneNumberVerified',
		],
		[
			'email without emailVerified (documented quirk)',
			user({ email: 'x@acme.example' }),
			'MissingParameter.Email',
		],
		['bad email', user({ email: 'not-an-email', emailVerified: true }), 'InvalidParameter.Email'],
		[
			'short phone',
			user({ phoneNumber: '123', phoneRegion: '86', phoneNumberVerified: true }),
			'InvalidParameter.PhoneNumber',
		],
		['bad username charset', user({ username: 'x user!' }), 'InvalidParameter.Username'],
		[
			'display name too long',
			user({ displayName: 'x'.repeat(129) }),
			'InvalidParameter.DisplayName',
		],
		[
			'description too long',
			user({ description: 'x'.repeat(257) }),
			'InvalidParameter.Description',
		],
		[
			'wrong ID prefix',
			user({ primaryOrganizationalUnitId: 'group_x' }),
			'InvalidParameter.PrimaryOrganizationalUnitId',
		],
		[
			'wrong type',
			user({ emailVerified: 'yes', email: 'x@acme.example' }),
			'InvalidParameter.EmailVerified',
		],
		['weak password', user({ password: 'short' }), 'InvalidParameter.Password'],
		[
			'bad enum in a nested object',
			user({ passwordInitializationConfig: { passwordInitializationType: 'manual' } }),
			'InvalidParameter.PasswordInitializationType',
		],
	])('CreateUser: %s', async (_name, body, code) => {
		const r = await h.call('CreateUser', { body });
		expect(r.status).toBe(400);
		expect(r.body).toMatchObject({ code, Code: code });
		expect(r.body.requestId).toBe(r.headers.get('x-acs-request-id'));
		expect(r.body.RequestId).toBe(r.body.requestId);
		expect(h.emu.store.users.size).toBe(10);
	});

	test('message text follows the documented pattern', async () => {
		const r = await h.call('CreateUser', { body: { primaryOrganizationalUnitId: DEMO.sales } });
		expect(r.body.message).toBe('The specified parameter:Username is required!');
		const bad = await h.call('GetUser', { path: { userId: 'ou_wrongkind' } });
		expect(bad).toMatchObject({
			status: 400,
			body: {
				code: 'InvalidParameter.UserId',
				message: 'The specified parameter:UserId is invalid.',
			},
		});
	});

	test('UpdateUserPassword enforces the minimum length', async () => {
		const r = await h.call('UpdateUserPassword', {
			path: { userId: DEMO.bob },
			body: { password: 'short' },
		});
		expect(r).toMatchObject({ status: 400, body: { code: 'InvalidParameter.Password' } });
		expect(
			(await h.call('UpdateUserPassword', { path: { userId: DEMO.bob }, body: { password: '' } }))
				.body.code,
		).toBe('InvalidParameter.Password');
	});

	test('UpdateUserPassword without a password: the API marks it optional, so 200 and nothing changes', async () => {
		const before = { ...h.emu.store.users.get(DEMO.bob)! };
		for (const body of [{}, undefined]) {
			expect(
				await h.call('UpdateUserPassword', { path: { userId: DEMO.bob }, body }),
			).toMatchObject({ status: 200, body: {} });
		}
		expect(h.emu.store.users.get(DEMO.bob)).toEqual(before);
	});
});

describe('not found', () => {
	test.each([
		['GetUser', { path: { userId: 'user_missing' } }, 404, 'ResourceNotFound.User'],
		[
			'PatchUser',
			{ path: { userId: 'user_missing' }, body: { displayName: 'x' } },
			404,
			'ResourceNotFound.User',
		],
		['DeleteUser', { path: { userId: 'user_missing' } }, 404, 'ResourceNotFound.User'],
		['EnableUser', { path: { userId: 'user_missing' } }, 404, 'ResourceNotFound.User'],
		[
			'GetUserIdByEmail',
			{ body: { email: 'nobody@acme.example' } },
			400,
			'ResourceNotFound.UserId',
		],
		[
			'GetUserIdByPhoneNumber',
			{ body: { phoneNumber: '10000000' } },
			400,
			'ResourceNotFound.UserId',
		],
		['GetUserIdByUsername', { body: { username: 'nobody' } }, 400, 'ResourceNotFound.UserId'],
		[
			'GetUserIdByUserExternalId',
			{
				body: {
					userExternalId: 'E0',
					userSourceType: 'build_in',
					userSourceId: 'idaas_demoacme01',
				},
			},
			400,
			'ResourceNotFound.UserId',
		],
		['GetGroup', { path: { groupId: 'group_missing' } }, 404, 'ResourceNotFound.Group'],
		[
			'AddUsersToGroup',
			{ path: { groupId: DEMO.engineers }, body: { userIds: ['user_missing'] } },
			404,
			'ResourceNotFound.User',
		],
		[
			'GetOrganizationalUnit',
			{ path: { organizationalUnitId: 'ou_missing' } },
			400,
			'OrganizationUnitIdNotInScopes',
		],
		[
			'GetOrganizationalUnitIdByExternalId',
			{
				body: {
					organizationalUnitExternalId: 'nope',
					organizationalUnitSourceType: 'build_in',
					organizationalUnitSourceId: 'idaas_demoacme01',
				},
			},
			400,
			'ResourceNotFound.OrganizationalUnitId',
		],
	])('%s', async (action, options, status, code) => {
		const r = await h.call(action, options);
		expect(r.status).toBe(status);
		expect(r.body.code).toBe(code);
	});

	test('the message names the ID', async () => {
		const r = await h.call('GetUser', { path: { userId: 'user_missing' } });
		expect(r.body.message).toBe('The specified User resource: user_missing not found.');
	});
});

describe('duplicates and conflicts (assumed codes)', () => {
	test.each([
		['username', { username: 'BOB.SMITH' }, 'ResourceDuplicated.Username'],
		['email', { email: 'bob.smith@acme.example', emailVerified: true }, 'ResourceDuplicated.Email'],
		[
			'phone',
			{ phoneNumber: '13800000001', phoneRegion: '86', phoneNumberVerified: true },
			'ResourceDuplicated.PhoneNumber',
		],
		['external ID', { userExternalId: 'E1002' }, 'ResourceDuplicated.UserExternalId'],
	])('CreateUser with a taken %s', async (_n, extra, code) => {
		const r = await h.call('CreateUser', { body: user(extra) });
		expect(r).toMatchObject({ status: 400, body: { code } });
	});

	test('PatchUser to a taken email', async () => {
		const r = await h.call('PatchUser', {
			path: { userId: DEMO.alice },
			body: { email: 'bob.smith@acme.example', emailVerified: true },
		});
		expect(r).toMatchObject({ status: 400, body: { code: 'ResourceDuplicated.Email' } });
		expect(h.emu.store.users.get(DEMO.alice)!.email).toBe('alice.chen@acme.example');
	});

	test('OU names are unique among siblings only', async () => {
		const dup = await h.call('CreateOrganizationalUnit', {
			body: { organizationalUnitName: 'Sales', parentId: DEMO.root },
		});
		expect(dup).toMatchObject({
			status: 400,
			body: { code: 'ResourceDuplicated.OrganizationalUnitName' },
		});
		const rename = await h.call('PatchOrganizationalUnit', {
			path: { organizationalUnitId: DEMO.hr },
			body: { organizationalUnitName: 'Sales' },
		});
		expect(rename.body.code).toBe('ResourceDuplicated.OrganizationalUnitName');
		const elsewhere = await h.call('CreateOrganizationalUnit', {
			body: { organizationalUnitName: 'Sales', parentId: DEMO.engineering },
		});
		expect(elsewhere.status).toBe(200);
	});

	test('deleting an OU with children or users, or the root, is refused', async () => {
		expect(
			(
				await h.call('DeleteOrganizationalUnit', {
					path: { organizationalUnitId: DEMO.engineering },
				})
			).body.code,
		).toBe('OrganizationalUnitNotEmpty.Children');
		expect(
			(await h.call('DeleteOrganizationalUnit', { path: { organizationalUnitId: DEMO.hr } })).body
				.code,
		).toBe('OrganizationalUnitNotEmpty.Users');
		expect(
			(await h.call('DeleteOrganizationalUnit', { path: { organizationalUnitId: DEMO.root } })).body
				.code,
		).toBe('OperationDenied.RootOrganizationalUnit');
		expect(h.emu.store.ous.has(DEMO.hr)).toBe(true);
	});

	test('removing the primary OU is refused', async () => {
		const r = await h.call('RemoveUserFromOrganizationalUnits', {
			path: { userId: DEMO.daniel },
			body: { organizationalUnitIds: [DEMO.sales, DEMO.platform] },
		});
		expect(r).toMatchObject({
			status: 400,
			body: { code: 'OperationDenied.PrimaryOrganizationalUnit' },
		});
		expect(h.emu.store.users.get(DEMO.daniel)!.secondaryOrganizationalUnitIds).toEqual([
			DEMO.sales,
		]);
	});
});

describe('application, instance and token checks', () => {
	test.each([
		['user:read_all', 'ListUsers', {}, SCOPES.userRead],
		['user:manage_all', 'DisableUser', { path: { userId: DEMO.bob } }, SCOPES.userManage],
		[
			'organizational_unit:read_all',
			'GetOrganizationalUnit',
			{ path: { organizationalUnitId: DEMO.hr } },
			SCOPES.ouRead,
		],
		[
			'organizational_unit:manage_all',
			'DeleteOrganizationalUnit',
			{ path: { organizationalUnitId: DEMO.hr } },
			SCOPES.ouManage,
		],
	])('without %s: 403 permission_denied', async (_n, action, options, scope) => {
		h.emu.apps.update(h.app.applicationId, {
			scopes: [SCOPES.userRead, SCOPES.userManage, SCOPES.ouRead, SCOPES.ouManage].filter(
				(s) => s !== scope,
			),
		});
		const r = await h.call(action, options);
		expect(r).toMatchObject({
			status: 403,
			body: { code: 'permission_denied', message: `Require scopes: [${scope}]` },
		});
	});

	test('manager_all is accepted as a granted spelling', async () => {
		h.emu.apps.update(h.app.applicationId, {
			scopes: ['urn:alibaba:idaas:scope:user:manager_all'],
		});
		expect((await h.call('DisableUser', { path: { userId: DEMO.bob } })).status).toBe(200);
	});

	test('operations without a documented scope need none', async () => {
		h.emu.apps.update(h.app.applicationId, { scopes: [] });
		expect((await h.call('GetApplicationProvisioningScope')).status).toBe(200);
		expect((await h.call('ListGroups')).status).toBe(200);
	});

	test('disabled application, API switched off, unknown application or instance', async () => {
		h.emu.apps.update(h.app.applicationId, { enabled: false });
		expect((await h.call('ListUsers')).body).toMatchObject({
			code: 'application_disabled',
			message: 'Application is disabled',
		});
		h.emu.apps.update(h.app.applicationId, { enabled: true, apiEnabled: false });
		expect(await h.call('ListUsers')).toMatchObject({
			status: 403,
			body: { code: 'application_api_disabled' },
		});
		expect(await h.call('ListUsers', { applicationId: 'app_unknown' })).toMatchObject({
			status: 404,
			body: { code: 'application_not_found', message: 'Application id not found: app_unknown' },
		});
		expect(await h.call('ListUsers', { instanceId: 'idaas_unknown' })).toMatchObject({
			status: 404,
			body: { code: 'instance_not_found' },
		});
	});

	test('a token of another application', async () => {
		const other = h.emu.apps.create();
		const r = await h.call('ListUsers', { token: h.emu.issueAppToken(other.applicationId) });
		expect(r).toMatchObject({
			status: 400,
			body: { code: 'invalid_request', message: 'Access token application id not match' },
		});
	});

	test('missing, unknown, expired and revoked tokens answer 400 invalid_token', async () => {
		for (const token of [null, 'ATnope']) {
			expect(await h.call('ListUsers', { token })).toMatchObject({
				status: 400,
				body: { code: 'invalid_token', message: 'Access token is not valid' },
			});
		}
		const revoked = h.emu.issueAppToken();
		await h.call('RevokeToken', {
			token: null,
			query: { token: revoked, client_id: h.app.clientId, client_secret: h.app.clientSecret },
		});
		expect(await h.call('ListUsers', { token: revoked })).toMatchObject({
			status: 400,
			body: { code: 'invalid_token' },
		});
		h.emu.faults.expireTokens();
		expect(await h.call('ListUsers')).toMatchObject({
			status: 400,
			body: { code: 'invalid_token' },
		});
	});

	test('a token expires after its lifetime', async () => {
		const short = await Harness.start({ tokenLifetimeSeconds: 1 });
		try {
			const token = await short.call('GenerateToken', {
				token: null,
				query: {
					grant_type: 'client_credentials',
					client_id: short.app.clientId,
					client_secret: short.app.clientSecret,
				},
			});
			expect(token.body.expires_in).toBe(1);
			expect((await short.call('ListUsers', { token: token.body.access_token })).status).toBe(200);
			// The emulator's clock moved past the lifetime instead of waiting it out.
			const now = Date.now.bind(Date);
			jest.spyOn(Date, 'now').mockImplementation(() => now() + 1_001);
			expect(await short.call('ListUsers', { token: token.body.access_token })).toMatchObject({
				status: 400,
				body: { code: 'invalid_token' },
			});
			jest.restoreAllMocks();
		} finally {
			jest.restoreAllMocks();
			await short.close();
		}
	});
});

describe('provisioning scope', () => {
	beforeEach(() =>
		h.emu.apps.update(h.app.applicationId, {
			provisioningScope: { organizationalUnitIds: [DEMO.engineering], groupIds: [DEMO.engineers] },
		}),
	);

	test('reads outside the scope', async () => {
		const ou = await h.call('GetOrganizationalUnit', {
			path: { organizationalUnitId: DEMO.sales },
		});
		expect(ou).toMatchObject({
			status: 400,
			body: {
				code: 'OrganizationUnitIdNotInScopes',
				message: `organizationUnitId : ${DEMO.sales} not in provisioning scope!`,
			},
		});
		expect(
			(await h.call('ListUsers', { query: { organizationalUnitId: DEMO.sales } })).body.code,
		).toBe('OrganizationUnitIdNotInScopes');
		expect(
			(await h.call('ListOrganizationalUnits', { query: { parentId: DEMO.root } })).body.code,
		).toBe('OrganizationUnitIdNotInScopes');
		expect((await h.call('GetUser', { path: { userId: DEMO.bob } })).body.code).toBe(
			'ResourceNotFound.User',
		);
		expect(
			(await h.call('GetUserIdByUsername', { body: { username: 'bob.smith' } })).body.code,
		).toBe('ResourceNotFound.UserId');
		expect((await h.call('GetGroup', { path: { groupId: DEMO.salesTeam } })).body.code).toBe(
			'ResourceNotFound.Group',
		);
	});

	test('reads inside the scope see only the scope', async () => {
		const users = await h.call('ListUsers');
		expect(users.body.data.map((u: any) => u.username)).toEqual([
			'alice.chen',
			'chloe.martin',
			'daniel.kim',
			'grace.lee',
		]);
		expect(users.body.totalCount).toBe(4);
		expect(
			(
				await h.call('ListOrganizationalUnitParentIds', {
					path: { organizationalUnitId: DEMO.platform },
				})
			).body.parentIds,
		).toEqual([DEMO.engineering]);
		const daniel = await h.call('GetUser', { path: { userId: DEMO.daniel } });
		expect(daniel.body.organizationalUnits.map((o: any) => o.organizationalUnitId)).toEqual([
			DEMO.platform,
		]);
		expect(daniel.body.groups.map((g: any) => g.groupId)).toEqual([DEMO.engineers]);
		expect((await h.call('ListGroups')).body.totalCount).toBe(1);
	});

	test('writes naming an OU outside the scope', async () => {
		const create = await h.call('CreateUser', { body: user() });
		expect(create).toMatchObject({ status: 400, body: { code: 'OrganizationUnitIdNotInScopes' } });
		const move = await h.call('SetUserPrimaryOrganizationalUnit', {
			path: { userId: DEMO.alice },
			body: { organizationalUnitId: DEMO.hr },
		});
		expect(move.body.code).toBe('OrganizationUnitIdNotInScopes');
		const add = await h.call('AddUserToOrganizationalUnits', {
			path: { userId: DEMO.alice },
			body: { organizationalUnitIds: [DEMO.platform, DEMO.hr] },
		});
		expect(add.body.code).toBe('OrganizationUnitIdNotInScopes');
		expect(h.emu.store.users.get(DEMO.alice)!.secondaryOrganizationalUnitIds).toEqual([]);
		const ou = await h.call('CreateOrganizationalUnit', {
			body: { organizationalUnitName: 'X', parentId: DEMO.root },
		});
		expect(ou.body.code).toBe('OrganizationUnitIdNotInScopes');
		expect((await h.call('DisableUser', { path: { userId: DEMO.bob } })).status).toBe(404);
		expect(h.emu.store.users.get(DEMO.bob)!.status).toBe('enabled');
	});
});

describe('transport errors', () => {
	test('malformed JSON', async () => {
		const r = await h.call('CreateUser', { body: '{"username": ' });
		expect(r).toMatchObject({ status: 400, body: { code: 'InvalidParameter.Body' } });
	});

	test('a body over 1 MiB answers 413 and the server keeps serving', async () => {
		const r = await h.call('CreateUser', {
			body: JSON.stringify({ username: 'x', description: 'x'.repeat(2 * 1024 * 1024) }),
		});
		expect(r).toMatchObject({ status: 413, body: { code: 'RequestEntityTooLarge' } });
		expect((await h.call('ListUsers')).status).toBe(200);
	});

	test('wrong method on a known path: 405 with Allow', async () => {
		const r = await send(h.url('GetUser', { path: { userId: DEMO.bob } }), { method: 'POST' });
		expect(r).toMatchObject({ status: 405, body: { code: 'MethodNotAllowed' } });
		expect(r.headers.get('allow')).toBe('GET, PATCH, DELETE');
	});

	test('unknown route: 404 InvalidAction.NotFound', async () => {
		const r = await send(`${h.emu.url}/v2/${h.emu.instanceId}/nothing/here`, {});
		expect(r).toMatchObject({ status: 404, body: { code: 'InvalidAction.NotFound' } });
		expect(r.headers.get('x-acs-request-id')).toMatch(/^[0-9A-F-]{36}$/);
	});
});
