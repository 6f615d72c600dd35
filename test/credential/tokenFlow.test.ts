import { AlibabaIdaas } from '../../nodes/AlibabaIdaas/AlibabaIdaas.node';
import type { Emulator } from '../../emulator/server';
import { startEmulator } from '../../emulator/server';
import { N8nHarness } from '../harness/n8n';
import { recordSecret } from '../setup/leakGuard';

/**
 * The credential's token flow, run inside n8n-core's execution code against the emulator over
 * real HTTP: first token, reuse across items and executions, renewal after 400 invalid_token and
 * after the stored expiry, the Test button, and refusals that name the problem without the secret.
 */

const SECRET = 'demo-client-secret-0000000000000001';
const node = new AlibabaIdaas();
let emulator: Emulator;

function credentialFor(target: Emulator, overrides: Record<string, unknown> = {}) {
	return {
		region: 'custom',
		customEndpoint: target.url,
		instanceId: target.instanceId,
		applicationId: target.application.applicationId,
		clientId: target.application.clientId,
		clientSecret: target.application.clientSecret,
		...overrides,
	};
}

const getUser = (userId: string) => ({
	resource: 'user',
	operation: 'get',
	userId: { __rl: true, mode: 'id', value: '={{ $json.userId }}' },
	simplify: true,
	options: { concurrency: 5 },
	_userId: userId,
});

function someUserIds(count: number): string[] {
	return [...emulator.store.users.values()].slice(0, count).map((user) => user.userId);
}

beforeAll(async () => {
	emulator = await startEmulator({ port: 0 });
	recordSecret(SECRET);
});

afterAll(async () => {
	await emulator.close();
});

beforeEach(() => {
	emulator.reset();
});

describe('access token', () => {
	it('is generated once and reused across items and executions', async () => {
		const harness = new N8nHarness(credentialFor(emulator));
		const ids = someUserIds(6);
		const first = await harness.execute(node, getUser(''), {
			items: ids.map((userId) => ({ userId })),
		});
		expect(first.error).toBeUndefined();
		expect(first.items.map((item) => item.json.userId)).toEqual(ids);
		expect(emulator.stats.generateTokenCalls).toBe(1);
		expect(emulator.stats.requests.GetUser).toBe(6);
		const stored = harness.storedCredential.accessToken as string;
		expect(stored).toMatch(/^AT/);
		expect(emulator.store.liveToken(stored)).toBeDefined();

		const second = await harness.execute(node, getUser(''), {
			items: ids.slice(0, 3).map((userId) => ({ userId })),
		});
		expect(second.error).toBeUndefined();
		expect(emulator.stats.generateTokenCalls).toBe(1);
		expect(harness.storedCredential.accessToken).toBe(stored);
	});

	it('is renewed once when the API answers 400 invalid_token, and the run completes', async () => {
		const harness = new N8nHarness(credentialFor(emulator));
		const ids = someUserIds(8);
		await harness.execute(node, getUser(''), { items: [{ userId: ids[0] }] });
		const before = harness.storedCredential.accessToken;
		expect(emulator.faults.expireTokens()).toBeGreaterThan(0);

		const result = await harness.execute(node, getUser(''), {
			items: ids.map((userId) => ({ userId })),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(8);
		expect(emulator.stats.generateTokenCalls).toBe(2);
		// Five items were in flight when the token was refused: each failed once, one renewal served all.
		expect(emulator.stats.byAction.GetUser['400']).toBeGreaterThanOrEqual(1);
		expect(emulator.stats.byAction.GetUser['400']).toBeLessThanOrEqual(5);
		const after = harness.storedCredential.accessToken;
		expect(after).not.toBe(before);
		expect(emulator.store.liveToken(after as string)).toBeDefined();
	});

	it('is renewed before use when its stored expiry has passed, with no refused request', async () => {
		const short = await startEmulator({ port: 0, tokenLifetimeSeconds: 61 });
		try {
			const harness = new N8nHarness(credentialFor(short));
			await harness.execute(node, { resource: 'application', operation: 'getProvisioningScope' });
			expect(short.stats.generateTokenCalls).toBe(1);
			// The stored expiry is within the client's 60 s safety margin two seconds later (the clock
			// moved forward instead of waiting; the emulator's token, 61 s, is still live).
			const now = Date.now.bind(Date);
			jest.spyOn(Date, 'now').mockImplementation(() => now() + 2_000);
			const result = await harness
				.execute(node, { resource: 'application', operation: 'getProvisioningScope' })
				.finally(() => jest.restoreAllMocks());
			expect(result.error).toBeUndefined();
			expect(short.stats.generateTokenCalls).toBe(2);
			expect(short.stats.statuses['400']).toBeUndefined();
		} finally {
			await short.close();
		}
	});

	it('gives a clear error without the secret when the client secret is wrong', async () => {
		const wrong = 'wrong-secret-value-123456';
		recordSecret(wrong);
		const harness = new N8nHarness(credentialFor(emulator, { clientSecret: wrong }));
		const result = await harness.execute(node, {
			resource: 'application',
			operation: 'getProvisioningScope',
		});
		// A NodeApiError with the IDaaS code (test/credential/tokenFailures.test.ts), and what to check.
		expect(result.error?.message).toMatch(/^GenerateToken failed: .*\[invalid_client\]$/);
		expect(result.error?.description).toContain('The client ID or client secret was refused');
		expect(JSON.stringify(result.error)).not.toContain(wrong);
		expect(emulator.stats.requests.GetApplicationProvisioningScope).toBeUndefined();
	});

	it('refuses a malformed instance ID before any request', async () => {
		const harness = new N8nHarness(credentialFor(emulator, { instanceId: 'idaas_x/../../admin' }));
		const result = await harness.execute(node, {
			resource: 'application',
			operation: 'getProvisioningScope',
		});
		expect(result.error?.message).toBe(
			'Credential: The instance ID must look like idaas_xxxxxxxx (letters, digits, _ and -); find it in the IDaaS console',
		);
		expect(emulator.stats.total).toBe(0);
	});

	it('refuses plain http to a host that is not loopback', async () => {
		const harness = new N8nHarness(
			credentialFor(emulator, { customEndpoint: 'http://idaas.example.com' }),
		);
		const result = await harness.execute(node, {
			resource: 'application',
			operation: 'getProvisioningScope',
		});
		expect(result.error?.message).toContain('must use https://');
		expect(emulator.stats.total).toBe(0);
	});
});

describe('credential Test button', () => {
	it('passes with a working credential by asking for a fresh token, whatever token is stored', async () => {
		// A token IDaaS no longer knows (expired, or issued by the tenant the form pointed at before): n8n would not
		// renew it for the test, so the test must not use it.
		const stale = 'stale-token-from-another-tenant-0001';
		recordSecret(stale);
		const harness = new N8nHarness(credentialFor(emulator, { accessToken: stale }));
		expect(await harness.testCredential()).toEqual({ ok: true });
		// The harness renews first, as n8n's isTestingCredentials rule reads; the test request asks again. n8n
		// 2.8.4 does not renew for a test (test/e2e/server.e2e.test.ts counts one call), which is why the test
		// request itself is GenerateToken.
		expect(emulator.stats.generateTokenCalls).toBe(2);
		expect(emulator.stats.requests.GetApplicationProvisioningScope ?? 0).toBe(0);
		expect(await new N8nHarness(credentialFor(emulator)).testCredential()).toEqual({ ok: true });
	});

	it('trims the instance ID as the node does', async () => {
		const harness = new N8nHarness(
			credentialFor(emulator, { instanceId: ` ${emulator.instanceId} ` }),
		);
		expect(await harness.testCredential()).toEqual({ ok: true });
	});

	it('fails with the IDaaS reason and no secret when the secret is wrong', async () => {
		const wrong = 'another-wrong-secret-987654';
		recordSecret(wrong);
		const harness = new N8nHarness(credentialFor(emulator, { clientSecret: wrong }));
		const result = await harness.testCredential();
		expect(result.ok).toBe(false);
		expect(result.message).toMatch(/IDaaS refused to issue an access token \(invalid_client/);
		expect(result.message).not.toContain(wrong);
	});

	it('fails when the application has the Developer API switched off', async () => {
		emulator.apps.update(emulator.application.applicationId, { apiEnabled: false });
		const harness = new N8nHarness(credentialFor(emulator));
		const result = await harness.testCredential();
		expect(result.ok).toBe(false);
		expect(emulator.stats.generateTokenCalls).toBe(1);
	});
});
