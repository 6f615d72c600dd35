import { SCOPES } from '../../nodes/AlibabaIdaas/catalog';
import type { Env } from './support';
import { expr, json, node, startEnv } from './support';

/**
 * Which token a PAM operation sends: the credential's PAM client token (client credentials at the
 * authorization server, as Alibaba's PAM client gets it) by default, the application's Developer-API
 * token, or a token from a field; the PAM token's renewal; and the credential's Test.
 */

/** A made-up client secret the emulator refuses (no real secret). */
const WRONG = ['wrong', 'client', 'value', '123'].join('-');

const OBTAIN = {
	resource: 'credential',
	operation: 'obtain',
	credentialIdentifier: 'demo-llm-api-key',
};
const V11 = { typeVersion: 1.1 };

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => {
	env.emu.reset();
	// Each test starts from a credential that holds no token yet.
	Object.assign(env.harness.storedCredential, {
		accessToken: '',
		expiresAt: '',
		pamAccessToken: '',
		pamExpiresAt: '',
		pamTokenFor: '',
		customizePamClient: false,
	});
	env.harness.credentials.tokenFetches = 0;
});

const tokens = (kind: string) => [...env.emu.store.tokens.values()].filter((t) => t.kind === kind);
const run = (parameters: object, typeVersion = 1.1) =>
	env.harness.execute(node, parameters as never, { typeVersion });

describe('the PAM client token (the default)', () => {
	test('is asked from the authorization server with pam|.all, stored in the credential, and sent', async () => {
		const result = await env.run(OBTAIN);
		expect(result.error).toBeUndefined();
		expect(json(result)[0]).toMatchObject({ credentialIdentifier: 'demo-llm-api-key' });
		const [pam] = tokens('pam');
		expect(tokens('pam')).toHaveLength(1);
		expect(tokens('app')).toHaveLength(0);
		expect(pam.scopes).toEqual(
			expect.arrayContaining([SCOPES.pamCredentialObtain, SCOPES.pamTokenManage]),
		);
		expect(env.answered('GenerateTokenByAuthorizationServer')).toBe(1);
		expect(env.requests('GenerateToken')).toBe(0);
		const stored = env.harness.storedCredential;
		expect(stored.pamAccessToken).toBe(pam.token);
		expect(Number(stored.pamExpiresAt)).toBe(Math.floor(pam.expiresAt / 1000));
		expect(stored.pamTokenFor).toContain('/authorizationServer/iauths_system/oauth2/token');
		// The Developer-API token is left as it was.
		expect(stored.accessToken).toBe('');
	});

	test('is reused by the next execution and shared by every item: one token request', async () => {
		await env.run(OBTAIN);
		const result = await env.run(OBTAIN, { items: [{}, {}, {}, {}] });
		expect(json(result)).toHaveLength(4);
		expect(env.requests('GenerateTokenByAuthorizationServer')).toBe(1);
		expect(env.harness.credentials.tokenFetches).toBe(1);
	});

	test('is renewed once when IDaaS answers 400 invalid_token, for all items at once, keeping the Developer-API token', async () => {
		await env.run({
			resource: 'user',
			operation: 'get',
			userId: { __rl: true, mode: 'id', value: 'user_demoalicechen01' },
		});
		const developerToken = env.harness.storedCredential.accessToken;
		expect(developerToken).toBe(tokens('app')[0].token);
		await env.run(OBTAIN);
		expect(env.harness.storedCredential.accessToken).toBe(developerToken);
		const first = env.harness.storedCredential.pamAccessToken;
		env.emu.store.expireAllTokens();
		const result = await env.run(OBTAIN, { items: [{}, {}, {}] });
		expect(result.error).toBeUndefined();
		expect(json(result)).toHaveLength(3);
		expect(env.requests('GenerateTokenByAuthorizationServer')).toBe(2);
		const stored = env.harness.storedCredential;
		expect(stored.pamAccessToken).not.toBe(first);
		expect(stored.pamAccessToken).toBe(tokens('pam').at(-1)?.token);
		expect(stored.accessToken).toBe(developerToken);
	});

	test('two executions meeting the same expired token renew it once: the later one adopts the stored token', async () => {
		await env.run(OBTAIN);
		env.emu.store.expireAllTokens();
		// Execution B's request (with the expired token) is held at the emulator until execution A has renewed.
		let held!: () => void;
		const bHeld = new Promise<void>((resolve) => (held = resolve));
		let release!: () => void;
		const aDone = new Promise<void>((resolve) => (release = resolve));
		let first = true;
		env.emu.faults.onRequest(async (event) => {
			if (event.action !== 'ListAuthenticationTokens' || !first) return;
			first = false;
			held();
			await aDone;
		});
		const b = env.run({
			resource: 'authenticationToken',
			operation: 'getAll',
			consumerId: 'agent-1',
			credentialProviderIdentifier: 'demo-jwt-provider',
			returnAll: true,
		});
		await bHeld;
		const a = await env.run(OBTAIN);
		release();
		expect(a.error).toBeUndefined();
		expect((await b).error).toBeUndefined();
		// One renewal for both: B was refused once with the old token, then sent A's.
		expect(env.requests('GenerateTokenByAuthorizationServer')).toBe(2);
		expect(env.emu.stats.byAction.ListAuthenticationTokens).toEqual({ 200: 1, 400: 1 });
	});

	test('a token issued for other PAM settings is not used: editing the section takes effect at once', async () => {
		await env.run(OBTAIN);
		const m2m = env.emu.apps.create({ scopes: ['urn:cloud:idaas:pam|.all'] });
		Object.assign(env.harness.storedCredential, {
			customizePamClient: true,
			pamClientId: m2m.clientId,
			pamClientSecret: m2m.clientSecret,
		});
		const result = await env.run(OBTAIN);
		expect(result.error).toBeUndefined();
		expect(env.requests('GenerateTokenByAuthorizationServer')).toBe(2);
		// The second token is the M2M client's, not the application's.
		expect(tokens('pam').at(-1)?.applicationId).toBe(m2m.applicationId);
	});

	test('asks once more with the parameters in the query string when the server reads no form body', async () => {
		env.emu.store.oauthQueryOnly = true;
		const result = await env.run(OBTAIN);
		env.emu.store.oauthQueryOnly = false;
		expect(result.error).toBeUndefined();
		expect(env.requests('GenerateTokenByAuthorizationServer')).toBe(2);
		expect(env.answered('GenerateTokenByAuthorizationServer')).toBe(1);
	});

	test('a refused PAM token request says it was the PAM token, with the IDaaS code and no secret', async () => {
		Object.assign(env.harness.storedCredential, {
			customizePamClient: true,
			pamClientSecret: WRONG,
		});
		const result = await env.run(OBTAIN);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('invalid_client');
		expect(`${result.error?.message} ${result.error?.description}`).not.toContain(WRONG);
		expect(env.requests('ObtainCredential')).toBe(0);
	});
});

describe("the application's token", () => {
	test('is refused by a tenant that gives PAM scopes to M2M clients only, and passes where it carries them', async () => {
		const refused = await env.run({ ...OBTAIN, tokenSource: 'application' });
		expect(refused.error?.message).toContain('[permission_denied]');
		expect(refused.error?.description).toContain(SCOPES.pamCredentialObtain);
		expect(tokens('app')).toHaveLength(1);
		expect(tokens('pam')).toHaveLength(0);
		// The same operation with the M2M token (the default) passes.
		expect((await env.run(OBTAIN)).error).toBeUndefined();
		// And with the application's token once the tenant (the emulator's switch) puts PAM scopes in it.
		env.emu.store.appTokenCarriesPam = true;
		const passed = await env.run({ ...OBTAIN, tokenSource: 'application' });
		expect(passed.error).toBeUndefined();
		expect(env.requests('GenerateToken')).toBe(1);
	});
});

describe('a token from a field', () => {
	test('is sent as given, with no token request of the credential', async () => {
		const given = env.emu.issuePamToken({ scopes: [SCOPES.pamCredentialObtain] });
		const result = await env.run({ ...OBTAIN, tokenSource: 'field', accessToken: expr(given) });
		expect(result.error).toBeUndefined();
		expect(env.requests('GenerateTokenByAuthorizationServer') + env.requests('GenerateToken')).toBe(
			0,
		);
		expect(env.harness.credentials.tokenFetches).toBe(0);
	});

	test('an empty field is refused before any request, naming it', async () => {
		const result = await env.run({ ...OBTAIN, tokenSource: 'field', accessToken: expr('') });
		expect(result.error?.message).toBe('Access Token is required');
		expect(env.requests()).toBe(0);
	});
});

describe('saved workflows', () => {
	test('version 1 of Obtain Access Credential (released in 0.1.0) still sends its Access Token field', async () => {
		const given = env.emu.issuePamToken();
		const result = await env.run({
			resource: 'cloudAccountRole',
			operation: 'obtainAccessCredential',
			accessToken: expr(given),
			cloudAccountRoleExternalId: 'acs:ram::1234567890123456:role/demo-readonly',
		});
		expect(result.error).toBeUndefined();
		expect(env.requests('GenerateTokenByAuthorizationServer')).toBe(0);
	});

	test('version 1.1 of it uses the PAM client token by default', async () => {
		const result = await run(
			{
				resource: 'cloudAccountRole',
				operation: 'obtainAccessCredential',
				cloudAccountRoleExternalId: 'acs:ram::1234567890123456:role/demo-readonly',
			},
			V11.typeVersion,
		);
		expect(result.error).toBeUndefined();
		expect(env.requests('GenerateTokenByAuthorizationServer')).toBe(1);
	});
});

describe("the credential's Test", () => {
	test('checks the PAM token too when the section is customized, and names the part that failed', async () => {
		expect(await env.harness.testCredential()).toEqual({ ok: true });
		expect(env.requests('GenerateTokenByAuthorizationServer')).toBe(0);
		const m2m = env.emu.apps.create({ scopes: ['urn:cloud:idaas:pam|.all'] });
		Object.assign(env.harness.storedCredential, {
			customizePamClient: true,
			pamClientId: m2m.clientId,
			pamClientSecret: m2m.clientSecret,
		});
		expect(await env.harness.testCredential()).toEqual({ ok: true });
		expect(env.answered('GenerateTokenByAuthorizationServer')).toBe(1);

		env.harness.storedCredential.pamClientSecret = WRONG;
		const pam = await env.harness.testCredential();
		expect(pam.ok).toBe(false);
		expect(pam.message).toMatch(/PAM/);

		Object.assign(env.harness.storedCredential, {
			pamClientSecret: m2m.clientSecret,
			clientSecret: WRONG,
		});
		const developer = await env.harness.testCredential();
		expect(developer.ok).toBe(false);
		expect(developer.message).toMatch(/^Developer API token: /);
	});
});
