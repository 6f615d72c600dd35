import { CATALOG } from '../../nodes/AlibabaIdaas/catalog';
import fixture from '../fixtures/api-operations.json';
import { emulatorCredential, N8nHarness } from '../harness/n8n';
import type { Wire } from '../harness/wire';
import { recordWire } from '../harness/wire';
import { recordSecret } from '../setup/leakGuard';
import type { Env } from './support';
import { node, startEnv } from './support';

/**
 * Issue 16: the OAuth operations' secrets (client secret, codes, tokens, passwords) travel in a
 * form body, never in a URL that proxies and logs keep, although the metadata puts every one of
 * their parameters in the query string.
 */

let env: Env;
let wire: Wire;
let harness: N8nHarness;
beforeAll(async () => {
	env = await startEnv();
	wire = await recordWire(env.emu.url);
	harness = new N8nHarness({ ...emulatorCredential(env.emu), customEndpoint: wire.url });
});
afterAll(async () => {
	await wire.close();
	await env.close();
});
beforeEach(() => (wire.requests.length = 0));

/** Per operation: a form body where IDaaS documents one, form then query where a secret would otherwise sit in a URL. */
const SENT_AS = {
	GenerateToken: 'form',
	RevokeToken: 'formOrQuery',
	GenerateTokenByAuthorizationServer: 'formOrQuery',
	GenerateDeviceCode: undefined,
} as const;

test('the metadata puts the OAuth parameters in the query; the catalog says so and decides per operation', () => {
	for (const [apiName, sendAs] of Object.entries(SENT_AS)) {
		const op = CATALOG.find((o) => o.apiName === apiName)!;
		const wireParams = (fixture as Record<string, { params: Array<{ name: string; in: string }> }>)[
			apiName
		].params;
		expect(wireParams.filter((p) => p.in !== 'path').every((p) => p.in === 'query')).toBe(true);
		expect(op.params.filter((p) => p.in !== 'path').every((p) => p.in === 'query')).toBe(true);
		expect(op.sendAs).toBe(sendAs);
		// A secret never goes in a URL first.
		if (op.params.some((p) => p.sensitive)) expect(op.sendAs).toBeDefined();
	}
	expect(
		CATALOG.filter((op) => op.sendAs)
			.map((op) => op.apiName)
			.sort(),
	).toEqual(
		Object.keys(SENT_AS)
			.filter((k) => SENT_AS[k as keyof typeof SENT_AS])
			.sort(),
	);
});

/** The one request a run sent to `path`; its URL must carry no query string at all. */
function sentTo(path: string) {
	const matching = wire.requests.filter((r) => r.url.split('?')[0].endsWith(path));
	expect(matching).toHaveLength(1);
	const [request] = matching;
	expect(request.url).not.toContain('?');
	expect(request.contentType).toBe('application/x-www-form-urlencoded');
	return Object.fromEntries(new URLSearchParams(request.body));
}

test('Generate Token (password grant): client secret and password in the form body', async () => {
	// A grant that succeeds: a failed one's NodeApiError carries the node's parameters (n8n's error shape), password included.
	recordSecret('Demo-Passw0rd!');
	env.emu.store.setPassword('user_demoalicechen01', 'Demo-Passw0rd!');
	const result = await harness.execute(node, {
		resource: 'token',
		operation: 'generate',
		grant_type: 'password',
		username: 'alice.chen',
		password: 'Demo-Passw0rd!',
	});
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(1);
	const form = sentTo('/oauth2/token');
	expect(form).toMatchObject({
		grant_type: 'password',
		username: 'alice.chen',
		password: 'Demo-Passw0rd!',
		client_id: env.emu.application.clientId,
		client_secret: env.emu.application.clientSecret,
	});
});

test('Generate Token (refresh token, authorization code + PKCE, device code): every secret in the body', async () => {
	for (const [grant, fields] of [
		['refresh_token', { refresh_token: 'rt-not-real' }],
		[
			'authorization_code',
			{
				code: 'code-not-real',
				redirect_uri: 'https://app.example/cb',
				additionalFields: { code_verifier: 'verifier-not-real' },
			},
		],
		['urn:ietf:params:oauth:grant-type:device_code', { device_code: 'dc-not-real' }],
	] as const) {
		wire.requests.length = 0;
		await harness.execute(node, {
			resource: 'token',
			operation: 'generate',
			grant_type: grant,
			...fields,
		});
		const form = sentTo('/oauth2/token');
		const { additionalFields, ...top } = fields as Record<string, unknown>;
		expect(form).toMatchObject({
			grant_type: grant,
			...(top as object),
			...((additionalFields as object) ?? {}),
		});
	}
});

test('Revoke Token: the token and client secret in the body', async () => {
	const token = env.emu.issueAppToken();
	recordSecret(token);
	const result = await harness.execute(node, { resource: 'token', operation: 'revoke', token });
	expect(result.error).toBeUndefined();
	expect(sentTo('/oauth2/revoke')).toMatchObject({
		token,
		client_secret: env.emu.application.clientSecret,
	});
});

test('Generate Device Code: the query string, as the SDK sends it (its scope is no secret)', async () => {
	await harness.execute(node, {
		resource: 'token',
		operation: 'generateDeviceCode',
		additionalFields: { scope: 'openid' },
	});
	const sent = wire.requests.filter((r) => r.url.split('?')[0].endsWith('/oauth2/device/code'));
	expect(sent).toHaveLength(1);
	expect(new URL(sent[0].url, 'http://x').searchParams.get('scope')).toBe('openid');
	expect(sent[0].body).toBe('');
});

describe('form body, then the query string when the server reads only that', () => {
	const warn = jest.fn();
	beforeAll(async () => {
		// n8n-core's execution contexts log through the Logger in its own copy of n8n's container.
		const core = require.resolve('n8n-core');
		const di = (await import(require.resolve('@n8n/di', { paths: [core] }))) as {
			Container: { get(type: unknown): { warn(...args: unknown[]): void } };
		};
		const common = (await import(require.resolve('@n8n/backend-common', { paths: [core] }))) as {
			Logger: unknown;
		};
		jest.spyOn(di.Container.get(common.Logger), 'warn').mockImplementation(warn);
	});
	beforeEach(() => {
		warn.mockClear();
		env.emu.store.oauthQueryOnly = false;
	});
	afterAll(() => (env.emu.store.oauthQueryOnly = false));

	const cases = [
		[
			'Revoke Token',
			'/oauth2/revoke',
			() => ({ resource: 'token', operation: 'revoke', token: env.emu.issueAppToken() }),
		],
		[
			'Generate by Authorization Server',
			'/authorizationServer/iauths_system/oauth2/token',
			() => ({
				resource: 'token',
				operation: 'generateByAuthorizationServer',
				grant_type: 'client_credentials',
			}),
		],
	] as const;

	test.each(cases)(
		'%s: a server that reads the form gets one request, no query string',
		async (_name, path, parameters) => {
			const params = parameters();
			if ('token' in params) recordSecret(params.token);
			const result = await harness.execute(node, params);
			expect(result.error).toBeUndefined();
			expect(sentTo(path)).toMatchObject({ client_secret: env.emu.application.clientSecret });
			expect(warn).not.toHaveBeenCalled();
		},
	);

	test.each(cases)(
		'%s: a server that reads the query only gets one more request the SDK way, logged without values',
		async (_name, path, parameters) => {
			env.emu.store.oauthQueryOnly = true;
			const params = parameters();
			if ('token' in params) recordSecret(params.token);
			const result = await harness.execute(node, params);
			expect(result.error).toBeUndefined();
			const sent = wire.requests.filter((r) => r.url.split('?')[0].endsWith(path));
			expect(sent).toHaveLength(2);
			expect(sent[0].url).not.toContain('?');
			expect(new URL(sent[1].url, 'http://x').searchParams.get('client_secret')).toBe(
				env.emu.application.clientSecret,
			);
			expect(warn).toHaveBeenCalledTimes(1);
			const line = String(warn.mock.calls[0][0]);
			expect(line).toContain('client_secret');
			expect(line).not.toContain(env.emu.application.clientSecret);
			if ('token' in params) expect(line).not.toContain(params.token);
		},
	);

	test('a server that still finds a parameter missing gets one retry only, and its answer is the error', async () => {
		env.emu.faults.add({
			kind: 'error',
			action: 'GenerateTokenByAuthorizationServer',
			status: 400,
			code: 'invalid_request',
			message: 'Missing parameter: client_id',
		});
		const result = await harness.execute(node, {
			resource: 'token',
			operation: 'generateByAuthorizationServer',
			grant_type: 'client_credentials',
		});
		env.emu.faults.clear();
		expect(result.error?.message).toContain('invalid_request');
		expect(wire.requests.filter((r) => r.url.includes('/authorizationServer/'))).toHaveLength(2);
		expect(warn).toHaveBeenCalledTimes(1);
	});
});
