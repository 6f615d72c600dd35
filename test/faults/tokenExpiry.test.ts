import {
	byId,
	createUserPerItem,
	type Env,
	FaultCounter,
	outputs,
	PROGRESS_GUARDED,
	startEnv,
	unlessStalled,
	withLiveToken,
} from './support';

/**
 * Every token expires in the middle of a run of 1,000 items, 20 in flight: the node renews it once (one extra
 * GenerateToken for all the items in flight) and the run completes with every change made once.
 *
 * What needs the items: requests in flight on both sides of the expiry, and hundreds after it that must all use the
 * one renewed token. A thousand show that as well as ten thousand did (the file took minutes, and once more than
 * jest's timeout on a loaded machine); how fast the node creates 10,000 users is `npm run bench`'s business. Each
 * run's verdict on a hang is progress, not time: it fails when the emulator sees no request for five minutes.
 */

const COUNT = 1_000;
const PATCH_COUNT = 1_000;
const counter = new FaultCounter('faults/tokenExpiry');
let env: Env;

beforeAll(async () => (env = await startEnv({ seed: 'demo' })));
afterAll(async () => {
	counter.print();
	await env.close();
});
beforeEach(() => {
	env.emu.reset();
	withLiveToken(env);
});
afterEach(() => counter.cases++);

/** Expires every token once, when the `after`-th request for `action` arrives. */
function expireAfter(action: string, after: number): { expiredAt: () => number } {
	let seen = 0;
	let expiredAt = 0;
	env.emu.faults.onRequest((event) => {
		if (event.action !== action || ++seen !== after) return;
		expiredAt = env.emu.faults.expireTokens();
		counter.faults++;
	});
	return { expiredAt: () => expiredAt };
}

test(
	`create ${COUNT} users with every token expiring halfway: one renewal, ${COUNT} users`,
	async () => {
		const before = env.emu.store.users.size;
		const expiry = expireAfter('CreateUser', COUNT / 2);
		const usernames = Array.from({ length: COUNT }, (_, i) => `bulk.${String(i).padStart(5, '0')}`);
		const result = await unlessStalled(
			env,
			env.run(createUserPerItem({ concurrency: 20 }), {
				items: usernames.map((username) => ({ username })),
			}),
		);
		expect(result.error).toBeUndefined();
		expect(expiry.expiredAt()).toBeGreaterThan(0);
		expect(env.emu.stats.generateTokenCalls).toBe(1);
		const refused = env.emu.stats.byAction.CreateUser['400'] ?? 0;
		// The requests in flight when the token died were refused once each, and sent again.
		expect(refused).toBeGreaterThanOrEqual(1);
		expect(refused).toBeLessThanOrEqual(20);
		expect(env.emu.stats.byAction.CreateUser['200']).toBe(COUNT);
		expect(env.emu.store.users.size).toBe(before + COUNT);
		const out = outputs(result);
		expect(out).toHaveLength(COUNT);
		const byUsername = new Map(
			[...env.emu.store.users.values()].map((user) => [user.username, user.userId]),
		);
		usernames.forEach((username, i) => expect(out[i].userId).toBe(byUsername.get(username)));
	},
	PROGRESS_GUARDED,
);

test(
	`patch ${PATCH_COUNT} users with every token expiring after 400: one renewal, every change made`,
	async () => {
		// The users to patch, made directly in the store.
		const userIds = Array.from(
			{ length: PATCH_COUNT },
			(_, i) =>
				env.emu.store.createUser({
					username: `patch.${i}`,
					displayName: `Patch ${i}`,
					primaryOrganizationalUnitId: 'ou_demosales01',
				}).userId,
		);
		const expiry = expireAfter('PatchUser', 400);
		const result = await unlessStalled(
			env,
			env.run(
				{
					resource: 'user',
					operation: 'update',
					userId: byId('={{ $json.userId }}'),
					updateFields: { displayName: '={{ "Renamed " + $json.userId }}' },
					options: { concurrency: 20 },
				},
				{ items: userIds.map((userId) => ({ userId })) },
			),
		);
		expect(result.error).toBeUndefined();
		expect(expiry.expiredAt()).toBeGreaterThan(0);
		expect(env.emu.stats.generateTokenCalls).toBe(1);
		expect(env.emu.stats.byAction.PatchUser['200']).toBe(PATCH_COUNT);
		for (const userId of userIds)
			expect(env.emu.store.user(userId).displayName).toBe(`Renamed ${userId}`);
		expect(outputs(result).map((o) => o.userId)).toEqual(userIds);
	},
	PROGRESS_GUARDED,
);

test(
	'a token expiring while requests queue for Concurrency slots (5 Get Many items, pages read ahead): one renewal',
	async () => {
		// 1,000 users: ten pages per item, 5 items, so requests wait for the 5 slots when the token dies.
		for (let i = 0; i < 990; i++)
			env.emu.store.createUser({
				username: `queued.${i}`,
				primaryOrganizationalUnitId: 'ou_demoroot01',
			});
		env.emu.faults.latency(20, { action: 'ListUsers' });
		const expiry = expireAfter('ListUsers', 12);
		const result = await unlessStalled(
			env,
			env.run(
				{ resource: 'user', operation: 'getAll', returnAll: true, options: { concurrency: 5 } },
				{ items: [{}, {}, {}, {}, {}] },
			),
		);
		expect(result.error).toBeUndefined();
		expect(expiry.expiredAt()).toBeGreaterThan(0);
		expect(result.items).toHaveLength(5 * env.emu.store.users.size);
		// Requests that were waiting for a slot when the renewal began wait for its token instead of
		// each fetching one.
		expect(env.emu.stats.generateTokenCalls).toBe(1);
		expect(env.emu.stats.byAction.ListUsers['200']).toBe(5 * 10);
	},
	PROGRESS_GUARDED,
);
