import { clock } from '../../nodes/AlibabaIdaas/transport/pacing';
import { DEFAULT_RETRY } from '../../nodes/AlibabaIdaas/transport/retryPolicy';
import { byId, outputs, startEnv } from '../harness/emulatorEnv';
import type { Env } from '../harness/emulatorEnv';
import { CREDENTIAL_ID } from '../harness/n8n';

/**
 * GenerateToken (the credential's own token request) answering 429 or 5xx is tried again by the
 * node's retry policy (transport/retryPolicy.ts), and a failure that remains is a NodeApiError with
 * the IDaaS code and request ID, for every item waiting for the token. The waits are counted on the
 * package's clock, not slept.
 */

let env: Env;
let waits: number[];
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => {
	env.emu.reset();
	waits = [];
	jest.spyOn(Math, 'random').mockReturnValue(0);
	jest.spyOn(clock, 'wait').mockImplementation(async (ms) => {
		waits.push(ms);
	});
});
afterEach(() => jest.restoreAllMocks());

const getAlice = { resource: 'user', operation: 'get', userId: byId('user_demoalicechen01') };

test.each([
	[
		'503 twice',
		() => env.emu.faults.serverError({ action: 'GenerateToken', times: 2, status: 503 }),
		'503',
	],
	[
		'429 twice (Retry-After 0)',
		() => env.emu.faults.throttle({ action: 'GenerateToken', times: 2, retryAfterSeconds: 0 }),
		'429',
	],
])('GenerateToken %s: tried again, the run succeeds', async (_label, inject, status) => {
	inject();
	const result = await env.run(getAlice);
	expect(result.error).toBeUndefined();
	expect(outputs(result)[0]).toMatchObject({ userId: 'user_demoalicechen01' });
	expect(env.emu.stats.byAction.GenerateToken).toMatchObject({ [status]: 2, 200: 1 });
	// Retry-After 0 is kept; otherwise the policy's first steps (Math.random() = 0: half of each).
	expect(waits).toEqual(
		status === '429' ? [0, 0] : [DEFAULT_RETRY.baseDelayMs / 2, DEFAULT_RETRY.baseDelayMs],
	);
});

test('GenerateToken failing every time: bounded tries, then a NodeApiError with code and request ID', async () => {
	env.emu.faults.serverError({ action: 'GenerateToken', status: 503, code: 'ServiceUnavailable' });
	const result = await env.run(getAlice, { continueOnFail: true });
	const [item] = outputs(result);
	expect(item).toMatchObject({ code: 'ServiceUnavailable', requestId: expect.any(String) });
	expect(item.error).toMatch(/^GenerateToken failed: .*\[ServiceUnavailable\]$/);
	expect(env.emu.stats.byAction.GenerateToken).toEqual({ 503: DEFAULT_RETRY.maxAttempts });
	expect(waits).toHaveLength(DEFAULT_RETRY.maxAttempts - 1);
	expect(env.answered('GetUser')).toBe(0);
});

test('a refused client secret is not retried: one GenerateToken, the OAuth code in the error', async () => {
	env.harness.credentials.setCredential(CREDENTIAL_ID, 'alibabaIdaasApi', {
		...env.harness.storedCredential,
		accessToken: '',
		clientSecret: 'wrong-secret',
	});
	const result = await env.run(getAlice, { continueOnFail: true });
	expect(outputs(result)[0]).toMatchObject({ code: 'invalid_client' });
	expect(env.emu.stats.byAction.GenerateToken).toEqual({ 400: 1 });
	expect(waits).toEqual([]);
});
