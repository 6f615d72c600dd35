import { SCOPES } from '../../nodes/AlibabaIdaas/catalog';
import { recordSecret } from '../setup/leakGuard';
import type { Env } from './support';
import { byId, expr, json, node, startEnv } from './support';

const ALICE = 'user_demoalicechen01';
const rl = (mode: string, value: string) => ({ __rl: true, mode, value: expr(value) });

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

describe('bad input fails before any request, naming the field', () => {
	const cases: Array<[string, object, RegExp]> = [
		[
			'missing required field',
			{
				resource: 'user',
				operation: 'create',
				username: 'x.y',
				primaryOrganizationalUnitId: rl('id', ''),
			},
			/^Organizational Unit \(primaryOrganizationalUnitId\) is required\. Check the "Organizational Unit" field\.$/,
		],
		[
			'malformed email',
			{
				resource: 'user',
				operation: 'update',
				userId: byId(ALICE),
				updateFields: { email: 'not-an-email' },
			},
			/Email \(email\) "not-an-email" is not valid/,
		],
		[
			'malformed phone number',
			{
				resource: 'user',
				operation: 'update',
				userId: byId(ALICE),
				updateFields: { phoneNumber: '12-34', phoneRegion: '86' },
			},
			/Phone Number \(phoneNumber\) "12-34" is not valid/,
		],
		[
			'phone number without region',
			{
				resource: 'user',
				operation: 'update',
				userId: byId(ALICE),
				updateFields: { phoneNumber: '13800000002' },
			},
			/Phone Region \(phoneRegion\) is required/,
		],
		[
			'wrong-kind ID',
			{ resource: 'user', operation: 'get', userId: rl('id', 'group_demosales01') },
			/^User \(userId\) must be a user ID starting with user_, got a group ID\. Check the "User" field\.$/,
		],
		[
			'empty ID list',
			{
				resource: 'group',
				operation: 'addUsers',
				groupId: byId('group_demosales01'),
				userIds: ' , ',
			},
			/Users \(userIds\) is empty/,
		],
		[
			'wrong-kind ID in a list',
			{
				resource: 'group',
				operation: 'addUsers',
				groupId: byId('group_demosales01'),
				userIds: `${ALICE},ou_demohr01`,
			},
			/Users \(userIds\) must be a user ID/,
		],
		[
			'malformed email locator',
			{ resource: 'user', operation: 'get', userId: rl('email', 'bob at acme') },
			/By Email\) "bob at acme" is not a valid email/,
		],
		[
			'empty update',
			{
				resource: 'group',
				operation: 'update',
				groupId: byId('group_demosales01'),
				updateFields: {},
			},
			/Update Fields is empty/,
		],
		[
			'upsert with a bad email',
			{
				resource: 'user',
				operation: 'upsert',
				userExternalId: 'E9',
				username: 'e.nine',
				primaryOrganizationalUnitId: byId('ou_demohr01'),
				additionalFields: { email: 'e9@' },
			},
			/Email \(email\) "e9@" is not valid/,
		],
		[
			'missing user token',
			{ resource: 'user', operation: 'getUserInfo', userAccessToken: expr('') },
			/User Access Token is required/,
		],
	];
	test.each(cases)('%s', async (_name, params, message) => {
		const result = await env.run(params as never);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		// Not even a token request: validation runs before the transport sends anything.
		expect(env.requests()).toBe(0);
	});
});

test('Continue On Fail: an error item per failing input, paired, and the others go on', async () => {
	const result = await env.run(
		{
			resource: 'user',
			operation: 'get',
			userId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		},
		{
			items: [
				{ id: ALICE },
				{ id: 'user_missing01' },
				{ id: 'ou_demohr01' },
				{ id: 'user_demobobsmith01' },
			],
			continueOnFail: true,
		},
	);
	expect(result.error).toBeUndefined();
	expect(result.items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	const [ok, missing, wrongKind, ok2] = json(result);
	expect(ok.userId).toBe(ALICE);
	expect(ok2.userId).toBe('user_demobobsmith01');
	expect(missing).toMatchObject({ code: 'ResourceNotFound.User', requestId: expect.any(String) });
	expect(missing.error).toContain('user_missing01 not found');
	expect(wrongKind.error).toMatch(/must be a user ID/);
	expect(wrongKind.code).toBeUndefined();
});

test('permission_denied surfaces with its code, request ID and console hint', async () => {
	env.emu.store.application.scopes.delete(SCOPES.userManage);
	const result = await env.run({ resource: 'user', operation: 'disable', userId: byId(ALICE) });
	expect(result.error?.name).toBe('NodeApiError');
	expect(result.error?.message).toContain('[permission_denied]');
	expect(result.error?.description).toContain(SCOPES.userManage);
	expect(result.error?.description).toMatch(/API access/);
	expect(result.error?.description).toMatch(/Request ID: \S+/);
	expect(env.emu.store.user(ALICE).status).toBe('enabled');
});

test('an OU outside the synchronization scope surfaces OrganizationUnitIdNotInScopes with its hint', async () => {
	env.emu.store.application.provisioningScope.organizationalUnitIds = ['ou_demoengineering01'];
	const before = env.emu.store.users.size;
	const result = await env.run({
		resource: 'user',
		operation: 'create',
		username: 'out.side',
		primaryOrganizationalUnitId: byId('ou_demosales01'),
	});
	expect(result.error?.message).toContain('[OrganizationUnitIdNotInScopes]');
	expect(result.error?.description).toMatch(/provisioning/);
	expect(env.emu.store.users.size).toBe(before);
});

describe('Token output', () => {
	test('the node never outputs the client secret or a token it was given', async () => {
		const userToken = env.emu.issueUserToken(ALICE);
		// Tokens come from earlier nodes through expressions, as in a real flow (a literal would sit in
		// the node's parameters, which n8n attaches to every error).
		const items = [{ token: userToken }];
		const runs = [
			await env.run({ resource: 'token', operation: 'generate', grant_type: 'client_credentials' }),
			await env.run(
				{ resource: 'token', operation: 'revoke', token: '={{ $json.token }}' },
				{ items },
			),
			await env.run(
				{ resource: 'user', operation: 'getUserInfo', userAccessToken: '={{ $json.token }}' },
				{ items },
			),
			await env.run({
				resource: 'user',
				operation: 'updatePassword',
				userId: byId(ALICE),
				password: 'Alice-Secret-Passw0rd',
			}),
		];
		recordSecret('Alice-Secret-Passw0rd');
		const text = JSON.stringify(runs.map((r) => [r.items, r.error?.message, r.error?.description]));
		expect(text).not.toContain(env.emu.application.clientSecret);
		expect(text).not.toContain('Alice-Secret-Passw0rd');
		for (const token of env.emu.store.tokens.keys()) expect(text).not.toContain(token);
		expect(runs[0].items[0].json.access_token).toBe('[redacted]');
		expect(env.emu.store.tokens.get(userToken)?.revoked).toBe(true);
		// Revoked: the user token no longer works.
		expect(runs[2].error?.message).toContain('invalid_token');
		expect(runs[2].error?.description).toMatch(/User Access Token/);
	});

	test('Include Token Values shows the issued token, which works', async () => {
		// Own emulator: this token is output on purpose, so it must not be recorded as a secret.
		const own = await startEnv();
		const result = await own.harness.execute(node, {
			resource: 'token',
			operation: 'generate',
			grant_type: 'client_credentials',
			includeTokenValues: true,
		});
		const token = String(result.items[0].json.access_token);
		expect(own.emu.store.liveToken(token)?.kind).toBe('app');
		expect(JSON.stringify(result.items)).not.toContain(own.emu.application.clientSecret);
		await own.close();
	});

	test('only a real true shows token values: an expression giving "false", "yes" or 1 keeps them redacted', async () => {
		for (const value of ['={{ "false" }}', '={{ "yes" }}', '={{ 1 }}']) {
			const result = await env.run({
				resource: 'token',
				operation: 'generate',
				grant_type: 'client_credentials',
				includeTokenValues: value,
			});
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.access_token).toBe('[redacted]');
		}
	});

	test('node description: Include Token Values is off by default, with a notice when on', () => {
		const include = node.description.properties.find((p) => p.name === 'includeTokenValues');
		expect(include?.default).toBe(false);
		const notice = node.description.properties.find((p) => p.name === 'tokenNotice');
		expect(notice?.displayOptions?.show?.includeTokenValues).toEqual([true]);
	});
});

test('one token for a whole run, items processed concurrently in input order', async () => {
	const ids = [...env.emu.store.users.keys()];
	const result = await env.run(
		{
			resource: 'user',
			operation: 'get',
			userId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			options: { concurrency: 4 },
		},
		{ items: ids.map((id) => ({ id })) },
	);
	expect(json(result).map((o) => o.userId)).toEqual(ids);
	// reset() dropped the harness's token: the parallel first requests get invalid_token, and one
	// renewal (single-flight) serves them all.
	expect(env.emu.stats.tokensIssued).toBe(1);
	expect(env.emu.stats.byAction.GetUser['200']).toBe(ids.length);
});
