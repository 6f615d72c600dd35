/**
 * The emulator's SCIM push beyond the switch matrix (pushSwitches.test.ts): the presets' exact requests, retries of
 * 5xx answers, the client-credentials token (fetched once, renewed after a 401), two full pushes at once, the
 * control API over HTTP and the command-line options. Against the recording SCIM server; no clock.
 */
import { cliOptions } from '../../emulator/cliOptions';
import { startEmulator, type Emulator } from '../../emulator/server';
import { RecordingTarget } from './pushTarget';

let emu: Emulator;
let target: RecordingTarget;
let appId: string;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'demo' });
	target = await new RecordingTarget().start();
});
afterAll(async () => {
	await emu?.close();
	await target?.close();
});
beforeEach(() => {
	emu.reset();
	target.reset(true);
	appId = emu.application.applicationId;
});

// Waiting for the pushes to finish: a bound only against a hang (10 min), not a verdict on speed.
const settle = async () => expect(await emu.scim.settled(600_000)).toBe(true);
const bearer = () => ({ mode: 'bearer' as const, token: target.bearer });
const root = () => emu.store.rootOrganizationalUnitId;

/** The requests sent, sorted, the target's IDs replaced by {id}. */
const sent = () =>
	target.requests
		.map((r) => `${r.method} ${decodeURIComponent(r.path).replace(/\/[0-9a-f]{12}$/, '/{id}')}`)
		.sort();
/** The user requests about one account, in the order sent. */
const sentFor = (userName: string) => {
	const id = target.userByName(userName)?.id;
	return target.requests.filter(
		(r) => r.body?.userName === userName || (id && r.path === `/Users/${id}`),
	);
};

/** Hire, rename, leaver deleted, a group member removed: the requests that carried them. */
async function changes() {
	const { store } = emu;
	const hire = store.createUser({
		username: 'preset.hire',
		displayName: 'Preset Hire',
		email: 'preset.hire@example.com',
		primaryOrganizationalUnitId: root(),
	} as never);
	store.patchUser(hire.userId, { displayName: 'Preset Hire (renamed)' } as never);
	const engineers = [...store.groups.values()].find((g) => g.groupName === 'Engineers')!;
	const [member] = [...engineers.members];
	store.removeUsersFromGroup(engineers.groupId, [member]);
	store.setStatus(hire.userId, 'disabled');
	const leaver = [...store.users.values()].find(
		(u) => u.userId !== member && u.userId !== hire.userId,
	)!;
	const leaverGroups = [...store.groups.values()].filter((g) =>
		g.members.has(leaver.userId),
	).length;
	store.deleteUser(leaver.userId);
	await settle();
	return {
		hire,
		member: target.users.get(emu.scim.ids(appId).users[member])!.id,
		leaver,
		leaverGroups,
	};
}

describe('presets', () => {
	test('idaas (guessed): POST without a look-up, PUT updates, DELETE, members removed by value list', async () => {
		emu.scim.configure(appId, {
			url: target.url,
			preset: 'idaas',
			auth: bearer(),
			retryDelayMs: 0,
		});
		emu.scim.fullPush(appId);
		await settle();
		target.requests = [];
		const { member } = await changes();
		// Changes to different users and groups may overtake each other; each one's own come in order.
		expect(sent()).toEqual([
			'DELETE /Users/{id}',
			'PATCH /Groups/{id}',
			'POST /Users',
			'PUT /Users/{id}',
			'PUT /Users/{id}',
		]);
		expect(
			sentFor('preset.hire').map((r) => [r.method, r.body.displayName, r.body.active]),
		).toEqual([
			['POST', 'Preset Hire', true],
			['PUT', 'Preset Hire (renamed)', true],
			['PUT', 'Preset Hire (renamed)', false],
		]);
		expect(target.requests.find((r) => r.path.startsWith('/Groups'))!.body.Operations).toEqual([
			{ op: 'remove', path: 'members', value: [{ value: member }] },
		]);
		expect(target.requests.find((r) => r.method === 'POST')!.contentType).toBe(
			'application/json; charset=utf-8',
		);
	});

	test('okta: a filter look-up before each create, PUT updates, PATCH {active:false} without a path, no DELETE, members[value eq …]', async () => {
		emu.scim.configure(appId, { url: target.url, preset: 'okta', auth: bearer(), retryDelayMs: 0 });
		emu.scim.fullPush(appId);
		await settle();
		const lookups = target.requests
			.filter((r) => r.method === 'GET')
			.map((r) => decodeURIComponent(r.path));
		expect(lookups.filter((p) => p.startsWith('/Users?filter=userName eq "'))).toHaveLength(10);
		expect(lookups.filter((p) => p.startsWith('/Groups?filter=displayName eq "'))).toHaveLength(3);
		target.requests = [];
		const { member, leaver, leaverGroups } = await changes();
		// The leaver's account is kept, deactivated, and leaves the groups it was in (one PATCH each).
		expect(leaverGroups).toBe(2);
		expect(sent()).toEqual([
			'GET /Users?filter=userName eq "preset.hire"',
			'PATCH /Groups/{id}',
			'PATCH /Groups/{id}',
			'PATCH /Groups/{id}',
			'PATCH /Users/{id}',
			'PATCH /Users/{id}',
			'POST /Users',
			'PUT /Users/{id}',
		]);
		expect(sentFor('preset.hire').map((r) => r.method)).toEqual(['POST', 'PUT', 'PATCH']);
		expect(sentFor('preset.hire')[2].body.Operations).toEqual([
			{ op: 'replace', value: { active: false } },
		]);
		expect(
			target.requests.filter((r) => r.path.startsWith('/Groups')).map((r) => r.body.Operations),
		).toContainEqual([{ op: 'remove', path: `members[value eq "${member}"]` }]);
		expect(target.userByName(leaver.username)).toMatchObject({ active: false });
		expect(Object.values(target.membership()).flat()).not.toContain(leaver.username);
		expect(target.requests.find((r) => r.method === 'GET')!.contentType).toBeUndefined();
		expect(target.requests.find((r) => r.method === 'POST')!.contentType).toBe(
			'application/scim+json; charset=utf-8',
		);
	});

	test('entra: PATCH with "Replace"/"Remove" and attribute paths, soft delete, no PUT or DELETE', async () => {
		emu.scim.configure(appId, {
			url: target.url,
			preset: 'entra',
			auth: bearer(),
			retryDelayMs: 0,
		});
		emu.scim.fullPush(appId);
		await settle();
		target.requests = [];
		const { member } = await changes();
		expect(target.requests.map((r) => r.method)).not.toContain('PUT');
		expect(target.requests.map((r) => r.method)).not.toContain('DELETE');
		const operations = target.requests
			.filter((r) => r.method === 'PATCH')
			.flatMap((r) => r.body.Operations);
		expect(operations).toContainEqual({
			op: 'Replace',
			path: 'displayName',
			value: 'Preset Hire (renamed)',
		});
		expect(operations).toContainEqual({
			op: 'Remove',
			path: 'members',
			value: [{ value: member }],
		});
		expect(operations).toContainEqual({ op: 'Replace', path: 'active', value: false });
		expect(operations.every((o: any) => /^[A-Z]/.test(o.op))).toBe(true);
	});

	test('a preset with a switch given overrides that switch only; a bad value is refused with its name', () => {
		expect(
			emu.scim.configure(appId, {
				url: target.url,
				preset: 'okta',
				delete: 'delete',
				auth: bearer(),
			}),
		).toMatchObject({ preset: 'okta', lookup: true, update: 'put', delete: 'delete' });
		expect(() =>
			emu.scim.configure(appId, { url: target.url, preset: 'azure' as never, auth: bearer() }),
		).toThrow(/preset is one of idaas, okta, entra/);
		expect(() =>
			emu.scim.configure(appId, { url: target.url, update: 'post' as never, auth: bearer() }),
		).toThrow(/update is one of put, patch, not "post"/);
		expect(() =>
			emu.scim.configure(appId, {
				url: target.url,
				auth: { mode: 'client_credentials', tokenUrl: `${target.url}/token`, clientId: 'x' },
			}),
		).toThrow(/auth\.clientSecret/);
		expect(() => emu.scim.configure(appId, { url: 'not a url', auth: bearer() })).toThrow(
			/valid url/,
		);
	});
});

describe('delivery', () => {
	test('5xx answers are retried until the change lands once; past the cap it is reported and the others still land', async () => {
		emu.scim.configure(appId, {
			url: target.url,
			auth: bearer(),
			retryDelayMs: 0,
			maxRetries: 3,
			concurrency: 1,
		});
		target.failNext = 3;
		emu.store.createUser({
			username: 'retry.one',
			displayName: 'Retry One',
			primaryOrganizationalUnitId: root(),
		} as never);
		await settle();
		expect(target.events).toEqual([{ type: 'user.created', key: 'retry.one' }]);
		expect(target.requests.map((r) => r.status)).toEqual([503, 503, 503, 201]);
		expect(emu.scim.log.failures).toEqual([]);

		target.failNext = 4;
		emu.store.createUser({ username: 'retry.two', primaryOrganizationalUnitId: root() } as never);
		emu.store.createUser({ username: 'retry.three', primaryOrganizationalUnitId: root() } as never);
		await settle();
		expect(target.events.map((e) => e.key)).toEqual(['retry.one', 'retry.three']);
		expect(emu.scim.log.failures).toEqual([
			{
				applicationId: appId,
				what: expect.stringContaining('create user'),
				detail: expect.stringMatching(/^503 /),
			},
		]);
		expect(emu.scim.log.toJSON().byStatus).toMatchObject({ 503: 7, 201: 2 });
	});

	test('client credentials: one token for many requests, a new one after a 401, the secret sent by Basic', async () => {
		emu.scim.configure(appId, {
			url: target.url,
			auth: {
				mode: 'client_credentials',
				tokenUrl: `${target.url}/token`,
				clientId: target.clientId,
				clientSecret: target.clientSecret,
			},
			retryDelayMs: 0,
		});
		emu.scim.fullPush(appId);
		await settle();
		expect(target.tokenRequests).toEqual([{ basic: true }]);
		expect(target.events.filter((e) => e.type === 'user.created')).toHaveLength(10);
		target.revokeTokens();
		emu.store.createUser({
			username: 'after.revoke',
			primaryOrganizationalUnitId: root(),
		} as never);
		await settle();
		expect(target.tokenRequests).toHaveLength(2);
		expect(target.requests.slice(-3).map((r) => `${r.path} ${r.status}`)).toEqual([
			'/Users 401',
			'/token 200',
			'/Users 201',
		]);
		expect(target.userByName('after.revoke')).toBeDefined();
		expect(JSON.stringify(emu.scim.log.toJSON())).not.toContain(target.clientSecret);
	});

	test('a wrong bearer token: 401, reported, not retried', async () => {
		emu.scim.configure(appId, {
			url: target.url,
			auth: { mode: 'bearer', token: 'wrong' },
			retryDelayMs: 0,
		});
		emu.store.createUser({ username: 'refused', primaryOrganizationalUnitId: root() } as never);
		await settle();
		expect(target.requests.map((r) => r.status)).toEqual([401]);
		expect(target.users.size).toBe(0);
		expect(emu.scim.log.failures).toHaveLength(1);
	});

	test('two full pushes at once, eight requests in flight: every account and group created once, the second push only updates', async () => {
		emu.scim.configure(appId, {
			url: target.url,
			preset: 'okta',
			auth: bearer(),
			retryDelayMs: 0,
			concurrency: 8,
		});
		expect(emu.scim.fullPush(appId)).toEqual({ users: 10, groups: 3 });
		expect(emu.scim.fullPush(appId)).toEqual({ users: 10, groups: 3 });
		await settle();
		expect(target.events.filter((e) => e.type === 'user.created')).toHaveLength(10);
		expect(target.events.filter((e) => e.type === 'group.created')).toHaveLength(3);
		expect(target.events).toHaveLength(10 + 3 + 15);
		expect(target.requests.filter((r) => r.method === 'POST')).toHaveLength(13);
		expect(target.requests.filter((r) => r.status === 409)).toEqual([]);
	});

	test('an account the target already has (409 on create) is adopted and updated, not created twice', async () => {
		emu.scim.configure(appId, { url: target.url, auth: bearer(), retryDelayMs: 0 });
		emu.scim.fullPush(appId);
		await settle();
		// IDaaS forgot its IDs (a new application on the same target): the accounts are there already.
		emu.scim.remove(appId);
		emu.scim.configure(appId, { url: `${target.url}/`, auth: bearer(), retryDelayMs: 0 });
		target.events = [];
		emu.scim.fullPush(appId);
		await settle();
		expect(target.events).toEqual([]);
		expect(target.requests.filter((r) => r.status === 409)).toHaveLength(13);
		expect(Object.keys(emu.scim.ids(appId).users)).toHaveLength(10);
	});

	test('seeding and resets push nothing; changes outside the synchronization scope are not pushed', async () => {
		emu.scim.configure(appId, { url: target.url, auth: bearer(), retryDelayMs: 0 });
		emu.store.updateApplication(appId, {
			provisioningScope: { organizationalUnitIds: ['ou_demoengineering01'] },
		} as never);
		emu.store.createUser({ username: 'outside', primaryOrganizationalUnitId: root() } as never);
		emu.store.createUser({
			username: 'inside',
			primaryOrganizationalUnitId: 'ou_demoengineering01',
		} as never);
		await settle();
		expect(target.events.map((e) => e.key)).toEqual(['inside']);
		emu.reset();
		await settle();
		expect(target.requests).toHaveLength(1);
	});
});

describe('configuration', () => {
	const control = async (method: string, path: string, body?: unknown) => {
		const r = await fetch(`${emu.url}/__emulator/scim/${path}`, {
			method,
			headers: { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: r.status, body: (await r.json()) as any };
	};

	test('the control API: configure (secrets hidden), one-click push, settle, the ID map, the log; errors as the API answers them', async () => {
		const put = await control('PUT', `apps/${appId}`, {
			url: target.url,
			preset: 'entra',
			auth: bearer(),
			retryDelayMs: 0,
		});
		expect(put.status).toBe(200);
		expect(put.body).toMatchObject({
			preset: 'entra',
			update: 'patch',
			auth: { mode: 'bearer', token: '[32 characters]' },
		});
		expect(JSON.stringify(put.body)).not.toContain(target.bearer);
		expect((await control('POST', `apps/${appId}/push`)).body).toEqual({ users: 10, groups: 3 });
		const settled = await control('POST', 'settle', { timeoutMs: 600_000 });
		expect(settled.body).toMatchObject({ settled: true, failures: [], byStatus: { 201: 13 } });
		const ids = (await control('GET', `apps/${appId}/ids`)).body;
		expect(Object.keys(ids.users)).toHaveLength(10);
		expect(Object.values(ids.users)).toEqual(expect.arrayContaining([...target.users.keys()]));
		expect((await control('GET', `apps/${appId}`)).body.auth.token).toBe('[32 characters]');
		expect(
			(await control('PUT', `apps/${appId}`, { url: target.url, preset: 'nope', auth: bearer() }))
				.body,
		).toMatchObject({ code: 'InvalidParameter.Preset' });
		expect(
			(await control('PUT', 'apps/app_unknown', { url: target.url, auth: bearer() })).status,
		).toBe(404);
		expect((await control('DELETE', `apps/${appId}`)).status).toBe(200);
		expect((await control('POST', `apps/${appId}/push`)).status).toBe(404);
	});

	test('--scim-* options (or their environment variables) configure a push to the first application at start', async () => {
		expect(
			cliOptions(
				['--scim-url', 'http://127.0.0.1:9/scim', '--scim-preset', 'okta', '--scim-token', 't0k'],
				{},
			).scimPush,
		).toEqual([
			{ url: 'http://127.0.0.1:9/scim', preset: 'okta', auth: { mode: 'bearer', token: 't0k' } },
		]);
		expect(
			cliOptions([], {
				IDAAS_EMULATOR_SCIM_URL: 'http://127.0.0.1:9/scim',
				IDAAS_EMULATOR_SCIM_TOKEN_URL: 'http://127.0.0.1:9/token',
				IDAAS_EMULATOR_SCIM_CLIENT_ID: 'id',
				IDAAS_EMULATOR_SCIM_CLIENT_SECRET: 's',
			}).scimPush,
		).toEqual([
			{
				url: 'http://127.0.0.1:9/scim',
				preset: undefined,
				auth: {
					mode: 'client_credentials',
					tokenUrl: 'http://127.0.0.1:9/token',
					clientId: 'id',
					clientSecret: 's',
				},
			},
		]);
		expect(cliOptions([], {}).scimPush).toBeUndefined();
		const started = await startEmulator({
			seed: 'demo',
			scimPush: cliOptions(['--scim-url', target.url, '--scim-token', target.bearer], {}).scimPush,
		});
		try {
			expect(started.scim.config(started.application.applicationId)).toMatchObject({
				url: target.url,
				preset: 'idaas',
			});
			started.store.createUser({
				username: 'from.cli',
				primaryOrganizationalUnitId: started.store.rootOrganizationalUnitId,
			} as never);
			expect(await started.scim.settled(600_000)).toBe(true);
			expect(target.userByName('from.cli')).toBeDefined();
		} finally {
			await started.close();
		}
	});
});
