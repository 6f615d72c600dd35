import { clock } from '../../nodes/AlibabaIdaas/transport/pacing';
import { byId, createUserPerItem, outputs, useFaultEnv, usersNamed } from './support';

/**
 * 429 Throttling through n8n's WorkflowExecute: the node waits (Retry-After), retries a bounded
 * number of times, never creates anything twice, and gives up with the throttling hint. The waits
 * are counted where the transport sleeps (its clock), not measured on the wall clock, so a loaded
 * machine cannot change a verdict.
 */

const env = useFaultEnv('faults/throttling');

/** Every wait the transport asked for: a 429's hold of its slot (transport/pacing.ts) and each retry's backoff (transport/client.ts). */
let waits: number[];
beforeEach(() => {
	waits = [];
	const sleep = clock.wait.bind(clock);
	jest.spyOn(clock, 'wait').mockImplementation(async (ms) => {
		waits.push(ms);
		await sleep(ms);
	});
});
afterEach(() => jest.restoreAllMocks());

const count = (ms: number) => waits.filter((wait) => wait === ms).length;

test('a 300-item create run with a burst of 429s with Retry-After completes, each user exactly once', async () => {
	const usernames = Array.from(
		{ length: 300 },
		(_, i) => `throttled.${String(i).padStart(3, '0')}`,
	);
	// The first 15 creates are refused, however fast or slow the machine sends them (a rate would depend on its speed).
	env.emu.faults.throttle({ action: 'CreateUser', times: 15, retryAfterSeconds: 1 });
	const before = env.emu.store.users.size;
	const result = await env.run(createUserPerItem({ concurrency: 10 }), {
		items: usernames.map((username) => ({ username })),
	});
	expect(result.error).toBeUndefined();
	const out = outputs(result);
	expect(out).toHaveLength(300);
	const throttled = env.emu.stats.byAction.CreateUser['429'] ?? 0;
	expect(throttled).toBeGreaterThan(0);
	// Each refused create held its slot for the server's Retry-After (1 s) and waited as long before trying again.
	expect(count(1000)).toBe(2 * throttled);
	expect(env.emu.store.users.size).toBe(before + 300);
	usernames.forEach((username, i) => {
		const matches = usersNamed(env.emu, username);
		expect(matches).toHaveLength(1);
		// Output follows input order and carries the ID of the user created for that item.
		expect(out[i].userId).toBe(matches[0].userId);
		expect(result.items[i].pairedItem).toEqual({ item: i });
	});
	// A throttled create was not processed, so it is sent again without a lookup first.
	expect(env.emu.stats.requests.CreateUser).toBe(300 + throttled);
	expect(env.emu.stats.byAction.CreateUser['200']).toBe(300);
	expect(env.emu.stats.requests.GetUserIdByUsername).toBeUndefined();
});

test('a permanent 429 ends in a NodeApiError with the throttling hint after the bounded tries', async () => {
	env.emu.faults.throttle({ action: 'GetUser', retryAfterSeconds: 1 });
	const result = await env.run({
		resource: 'user',
		operation: 'get',
		userId: byId('user_demoalicechen01'),
	});
	expect(result.error?.name).toBe('NodeApiError');
	expect(result.error?.message).toBe(
		'GetUser failed: Request was denied due to request throttling. [Throttling]',
	);
	expect(result.error?.description).toContain('IDaaS is throttling requests');
	expect(result.error?.httpCode).toBe('429');
	// Six tries (the first included), five waits of the server's Retry-After.
	expect(env.emu.stats.byAction.GetUser).toEqual({ 429: 6 });
	// Six holds of the slot, five retry waits: each the server's Retry-After, nothing longer.
	expect(waits).toEqual(Array(11).fill(1000));
});

test('with Retry-After: 0 the try bound alone ends a permanent 429, at once', async () => {
	env.emu.faults.throttle({ action: 'GetGroup', retryAfterSeconds: 0 });
	const result = await env.run({
		resource: 'group',
		operation: 'get',
		groupId: byId('group_demoengineers01'),
	});
	expect(result.error?.name).toBe('NodeApiError');
	expect(env.emu.stats.byAction.GetGroup).toEqual({ 429: 6 });
	// Retry-After: 0 is kept (no backoff of its own between tries); only the limiter holds each slot its short default.
	expect(waits.filter((ms) => ms > 0).every((ms) => ms === 250)).toBe(true);
	expect(count(0)).toBe(5);
});

test('a throttled burst of creates with Continue On Fail: every item retried and created once', async () => {
	env.emu.faults.throttle({ action: 'CreateUser', times: 3, retryAfterSeconds: 0 });
	const usernames = ['burst.a', 'burst.b', 'burst.c', 'burst.d'];
	const result = await env.run(createUserPerItem({ concurrency: 4 }), {
		items: usernames.map((username) => ({ username })),
		continueOnFail: true,
	});
	expect(result.error).toBeUndefined();
	expect(outputs(result).map((o) => o.username)).toEqual(usernames);
	for (const username of usernames) expect(usersNamed(env.emu, username)).toHaveLength(1);
	expect(env.emu.stats.byAction.CreateUser).toMatchObject({ 200: 4, 429: 3 });
});
