import { clock } from '../../nodes/AlibabaIdaas/transport/pacing';
import type { Env } from './support';
import { json, startEnv } from './support';

/**
 * Fetch OAuth Token's Wait for Authorization, on a fake clock: every wait moves the clock forward and is
 * counted, and the person's approval (or refusal) happens at a chosen poll; nothing really waits.
 */

const FETCH = {
	resource: 'authenticationToken',
	operation: 'fetchOAuthToken',
	credentialProviderIdentifier: 'demo-federated-oauth',
};
const WAIT = { ...FETCH, waitForAuthorization: true };

let env: Env;
const real = { ...clock };
let now = 0;
let waits: number[] = [];
/** What the person does at the n-th poll (1-based), before it reads the session. */
let person: (poll: number) => void = () => {};

beforeAll(async () => (env = await startEnv()));
afterAll(async () => {
	Object.assign(clock, real);
	await env.close();
});
beforeEach(() => {
	env.emu.reset();
	now = 1_000_000;
	waits = [];
	person = () => {};
	clock.now = () => now;
	clock.wait = async (ms) => {
		waits.push(ms);
		now += ms;
		person(waits.length);
	};
});

const pending = () =>
	[...env.emu.store.pam.sessions.values()].filter((s) => s.sessionStatus === 'pending');

test('off: the session comes back at once, as before', async () => {
	const [item] = json(await env.run(FETCH));
	expect(item.oauthAuthorizationSession).toMatchObject({ sessionStatus: 'pending' });
	expect(waits).toEqual([]);
});

test('completed: polls every 3 s until the person approves, then returns the token (withheld unless asked)', async () => {
	person = (poll) => {
		if (poll === 4) env.emu.store.pam.finishSession(pending()[0].sessionId, 'completed');
	};
	const result = await env.run(WAIT);
	expect(result.error).toBeUndefined();
	const [item] = json(result);
	expect(item.oauthAccessTokenContent).toMatchObject({
		accessTokenValue: '[redacted]',
		tokenType: 'Bearer',
	});
	expect(item.oauthAuthorizationSession).toBeUndefined();
	expect(waits).toEqual([3000, 3000, 3000, 3000]);
	expect(env.requests('GetOAuthAuthorizationSession')).toBe(4);
	expect(env.answered('FetchOAuthAuthenticationToken')).toBe(2);
});

test("denied: the session's error, with its code and description", async () => {
	person = (poll) => {
		if (poll === 2) env.emu.store.pam.finishSession(pending()[0].sessionId, 'failed');
	};
	const result = await env.run(WAIT);
	expect(result.error?.name).toBe('NodeApiError');
	expect(result.error?.message).toContain('[access_denied]');
	expect(env.requests('GetOAuthAuthorizationSession')).toBe(2);
	expect(env.answered('FetchOAuthAuthenticationToken')).toBe(1);
});

test('expired: the session ran out before anyone approved', async () => {
	person = (poll) => {
		if (poll === 1) pending()[0].sessionStatus = 'expired';
	};
	const result = await env.run(WAIT, { continueOnFail: true });
	expect(json(result)[0]).toMatchObject({ code: 'authorization_session_expired' });
});

test('timed out: stops at the limit the user set (20 s: six polls), polling_timeout', async () => {
	const result = await env.run({ ...WAIT, maxWaitSeconds: 20 });
	expect(result.error?.message).toContain('[polling_timeout]');
	expect(result.error?.message).toContain('20 seconds');
	expect(waits).toEqual([3000, 3000, 3000, 3000, 3000, 3000]);
	expect(env.requests('GetOAuthAuthorizationSession')).toBe(6);
});

test('the default limit is 180 s: sixty polls', async () => {
	const result = await env.run(WAIT);
	expect(result.error?.message).toContain('[polling_timeout]');
	expect(waits).toHaveLength(60);
});

test('a token already held comes back without any poll', async () => {
	const result = await env.run({ ...WAIT, credentialProviderIdentifier: 'demo-m2m-oauth' });
	expect(json(result)[0].oauthAccessTokenContent).toBeDefined();
	expect(waits).toEqual([]);
});

test('a limit out of range is refused before any request, naming the field', async () => {
	const result = await env.run({ ...WAIT, maxWaitSeconds: 1.5 });
	expect(result.error?.name).toBe('NodeOperationError');
	expect(result.error?.message).toMatch(
		/Max Wait \(Seconds\) \(maxWaitSeconds\) must be a whole number from 3/,
	);
	expect(env.requests()).toBe(0);
});
