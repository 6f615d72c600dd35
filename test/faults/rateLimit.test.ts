import { clock } from '../../nodes/AlibabaIdaas/transport/pacing';
import { CREDENTIAL_ID } from '../harness/n8n';
import { createUserPerItem, outputs, useFaultEnv, usersNamed } from './support';

/**
 * The automatic concurrency against the emulator's gateway-style rate limit (a token bucket,
 * 429 Throttling with x-acs-retry-after), through n8n's WorkflowExecute: nothing is lost, the
 * client converges instead of hammering, grows back when the limit lifts, and keeps one token.
 */

const env = useFaultEnv('faults/rateLimit');

// These tests are about 429s. The limiter also cuts on latency, which on a loaded machine is the
// machine's, not the gateway's: its latency clock stands still here (every answer takes 0 ms), so
// only throttling moves the bound. test/transport/limiter.test.ts drives the latency cut on a fake clock.
beforeEach(() => jest.spyOn(clock, 'now').mockReturnValue(0));
afterEach(() => jest.restoreAllMocks());

const rows = (prefix: string, count: number) =>
	Array.from({ length: count }, (_, i) => ({
		username: `${prefix}.${String(i).padStart(4, '0')}`,
	}));

/** The emulator's requests in flight each time a CreateUser reaches the handler, before and after `switchAt`. */
function sampleInFlight(switchAt: number, onSwitch: () => void) {
	const before: number[] = [];
	const after: number[] = [];
	let seen = 0;
	env.emu.faults.onRequest((event) => {
		if (event.action !== 'CreateUser') return;
		if (++seen === switchAt) onSwitch();
		(seen <= switchAt ? before : after).push(env.emu.stats.inFlight);
	});
	return { before, after };
}

test('400 creates against 100 requests/s: every user once, in order, with one token fetched', async () => {
	// No token yet: the first request fetches it while the others wait, even under throttling.
	env.harness.credentials.setCredential(CREDENTIAL_ID, 'alibabaIdaasApi', {
		...env.harness.storedCredential,
		accessToken: '',
		expiresAt: '',
	});
	env.emu.rateLimit.set({ perSecond: 100, burst: 10 });
	const input = rows('limited', 400);
	const result = await env.run(createUserPerItem(), { items: input });
	expect(result.error).toBeUndefined();
	const out = outputs(result);
	expect(out).toHaveLength(400);
	input.forEach(({ username }, i) => {
		const matches = usersNamed(env.emu, username);
		expect(matches).toHaveLength(1);
		expect(out[i].userId).toBe(matches[0].userId);
	});
	expect(env.emu.stats.byAction.CreateUser['200']).toBe(400);
	expect(env.emu.stats.throttled).toBeGreaterThan(0);
	expect(env.emu.stats.generateTokenCalls).toBe(1);
	// Throttled creates were not processed: sent again without a look-up, never twice created.
	expect(env.emu.stats.requests.GetUserIdByUsername).toBeUndefined();
});

test('under steady throttling fewer requests are in flight than the bound it started with, and more once the limit lifts', async () => {
	// Every answer takes 40 ms, so requests overlap and in-flight counts mean something.
	env.emu.faults.latency(40, { action: 'CreateUser' });
	env.emu.rateLimit.set({ perSecond: 50, burst: 5 });
	const inFlight = sampleInFlight(150, () => env.emu.rateLimit.set());
	const result = await env.run(createUserPerItem(), { items: rows('lifted', 900) });
	expect(result.error).toBeUndefined();
	expect(outputs(result)).toHaveLength(900);
	expect(env.emu.stats.byAction.CreateUser['200']).toBe(900);
	expect(env.emu.stats.throttled).toBeGreaterThan(0);
	// The last 100 requests under the limit: the client had converged to a handful in flight
	// (the automatic bound starts at 8).
	expect(Math.max(...inFlight.before.slice(-100))).toBeLessThan(8);
	// Limit lifted: the bound grows back well above where it started.
	expect(Math.max(...inFlight.after)).toBeGreaterThanOrEqual(20);
});

test('a fixed Concurrency is kept: never more in flight than asked, even when healthy', async () => {
	env.emu.faults.latency(20, { action: 'CreateUser' });
	const result = await env.run(createUserPerItem({ concurrency: 3 }), {
		items: rows('fixed', 120),
	});
	expect(result.error).toBeUndefined();
	expect(env.emu.stats.maxInFlight).toBe(3);
});
