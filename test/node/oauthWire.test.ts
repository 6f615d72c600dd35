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

const FORM_SENT = ['GenerateToken', 'RevokeToken', 'GenerateDeviceCode', 'GenerateTokenByAuthorizationServer'];

test('the metadata puts the OAuth parameters in the query; the catalog says so and sends them as a form', () => {
	for (const apiName of FORM_SENT) {
		const op = CATALOG.find((o) => o.apiName === apiName)!;
		const wireParams = (fixture as Record<string, { params: Array<{ name: string; in: string }> }>)[apiName].params;
		expect(wireParams.filter((p) => p.in !== 'path').every((p) => p.in === 'query')).toBe(true);
		expect(op.params.filter((p) => p.in !== 'path').every((p) => p.in === 'query')).toBe(true);
		expect(op.sendAs).toBe('form');
	}
	expect(CATALOG.filter((op) => op.sendAs === 'form').map((op) => op.apiName).sort()).toEqual([...FORM_SENT].sort());
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
	const result = await harness.execute(node, { resource: 'token', operation: 'generate', grant_type: 'password', username: 'alice.chen', password: 'Demo-Passw0rd!' });
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(1);
	const form = sentTo('/oauth2/token');
	expect(form).toMatchObject({ grant_type: 'password', username: 'alice.chen', password: 'Demo-Passw0rd!', client_id: env.emu.application.clientId, client_secret: env.emu.application.clientSecret });
});

test('Generate Token (refresh token, authorization code + PKCE, device code): every secret in the body', async () => {
	for (const [grant, fields] of [
		['refresh_token', { refresh_token: 'rt-not-real' }],
		['authorization_code', { code: 'code-not-real', redirect_uri: 'https://app.example/cb', additionalFields: { code_verifier: 'verifier-not-real' } }],
		['urn:ietf:params:oauth:grant-type:device_code', { device_code: 'dc-not-real' }],
	] as const) {
		wire.requests.length = 0;
		await harness.execute(node, { resource: 'token', operation: 'generate', grant_type: grant, ...fields });
		const form = sentTo('/oauth2/token');
		const { additionalFields, ...top } = fields as Record<string, unknown>;
		expect(form).toMatchObject({ grant_type: grant, ...(top as object), ...((additionalFields as object) ?? {}) });
	}
});

test('Revoke Token: the token and client secret in the body', async () => {
	const token = env.emu.issueAppToken();
	recordSecret(token);
	const result = await harness.execute(node, { resource: 'token', operation: 'revoke', token });
	expect(result.error).toBeUndefined();
	expect(sentTo('/oauth2/revoke')).toMatchObject({ token, client_secret: env.emu.application.clientSecret });
});

test('Generate Device Code: a form body too', async () => {
	await harness.execute(node, { resource: 'token', operation: 'generateDeviceCode', additionalFields: { scope: 'openid' } });
	expect(sentTo('/oauth2/device/code')).toMatchObject({ scope: 'openid' });
});
