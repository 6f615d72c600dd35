import { cliOptions } from '../../emulator/cliOptions';
import { RateLimiter, TokenBucket } from '../../emulator/throttle';
import { DEMO, Harness, useHarness, type Reply } from './helpers';

/** One request every 100 s: the rate never refills a token within a test, however slow the machine. */
const SLOW = 0.01;

const h = useHarness();

function expectThrottled(r: Reply) {
	expect(r).toMatchObject({
		status: 429,
		body: { code: 'Throttling', message: 'Request was denied due to request throttling.' },
	});
	const ms = Number(r.headers.get('x-acs-retry-after'));
	expect(ms).toBeGreaterThan(0);
	expect(r.headers.get('retry-after')).toBe(String(Math.ceil(ms / 1000)));
	return ms;
}

describe('token bucket', () => {
	test('a full bucket lets a burst through, then one request per 1/rate', () => {
		const bucket = new TokenBucket({ perSecond: 50 }, 0);
		expect(bucket.capacity).toBe(50);
		for (let i = 0; i < 50; i++) {
			expect(bucket.wait(0)).toBe(0);
			bucket.take(0);
		}
		expect(bucket.wait(0)).toBe(20);
		expect(bucket.wait(10)).toBe(10);
		expect(bucket.wait(20)).toBe(0);
		bucket.take(20);
		// A quiet spell refills up to the burst, never beyond.
		expect(bucket.wait(60_000)).toBe(0);
		const burst = new TokenBucket({ perSecond: 2, burst: 1 }, 0);
		burst.take(0);
		expect(burst.wait(0)).toBe(500);
	});

	test('a refusal by the per-action bucket takes no token from the instance bucket', () => {
		const limiter = new RateLimiter();
		limiter.set({
			perSecond: SLOW,
			burst: 3,
			perAction: { GetGroup: { perSecond: SLOW, burst: 1 } },
		});
		limiter.admit('GetGroup');
		expect(() => limiter.admit('GetGroup')).toThrow(expect.objectContaining({ status: 429 }));
		limiter.admit('ListUsers');
		limiter.admit('ListUsers');
		expect(() => limiter.admit('ListUsers')).toThrow(expect.objectContaining({ status: 429 }));
	});
});

describe('the emulator throttles like a gateway', () => {
	test('the instance rate: 429 Throttling with Retry-After (s) and x-acs-retry-after (ms); stats count it', async () => {
		h.emu.rateLimit.set({ perSecond: SLOW, burst: 2 });
		expect((await h.call('ListUsers')).status).toBe(200);
		expect((await h.call('GetGroup', { path: { groupId: DEMO.engineers } })).status).toBe(200);
		const ms = expectThrottled(await h.call('ListUsers'));
		// One token every 100 s, and the bucket is almost empty: close to 100 s to wait.
		expect(ms).toBeGreaterThan(90_000);
		expect(ms).toBeLessThanOrEqual(100_000);
		// A refused POST is refused before its body is looked at, and changes nothing.
		const users = h.emu.store.users.size;
		expectThrottled(
			await h.call('CreateUser', {
				body: { username: 'refused', primaryOrganizationalUnitId: DEMO.hr },
			}),
		);
		expect(h.emu.store.users.size).toBe(users);
		const stats = (await h.control('GET', 'stats')).body;
		expect(stats).toMatchObject({
			total: 4,
			throttled: 2,
			statuses: { 200: 2, 429: 2 },
			byAction: { ListUsers: { 200: 1, 429: 1 } },
		});
		// Control endpoints are not the gateway's: never throttled.
		expect((await h.control('GET', 'state')).status).toBe(200);
	});

	test('per operation, on top of the instance rate', async () => {
		h.emu.rateLimit.set({ perAction: { GetGroup: { perSecond: SLOW, burst: 1 } } });
		expect((await h.call('GetGroup', { path: { groupId: DEMO.engineers } })).status).toBe(200);
		expectThrottled(await h.call('GetGroup', { path: { groupId: DEMO.engineers } }));
		for (let i = 0; i < 5; i++) expect((await h.call('ListUsers')).status).toBe(200);
		expect(h.emu.stats.throttled).toBe(1);
	});

	test('the control endpoint sets, shows and lifts the limit; bad limits answer 400', async () => {
		const set = await h.control('PUT', 'rateLimit', { perSecond: SLOW, burst: 1 });
		expect(set).toMatchObject({ status: 200, body: { perSecond: SLOW, burst: 1 } });
		expect((await h.control('GET', 'state')).body.rateLimit).toEqual({ perSecond: SLOW, burst: 1 });
		expect((await h.call('ListUsers')).status).toBe(200);
		expectThrottled(await h.call('ListUsers'));
		expect((await h.control('DELETE', 'rateLimit')).body).toEqual({});
		expect((await h.call('ListUsers')).status).toBe(200);
		expect(await h.control('PUT', 'rateLimit', { perSecond: 0 })).toMatchObject({
			status: 400,
			body: { code: 'InvalidParameter.PerSecond' },
		});
		expect(await h.control('PUT', 'rateLimit', { perAction: { ListUser: 5 } })).toMatchObject({
			status: 400,
			body: { code: 'InvalidParameter.PerAction' },
		});
		expect(await h.control('PUT', 'rateLimit', { rate: 5 })).toMatchObject({
			status: 400,
			body: { code: 'InvalidParameter.Rate' },
		});
		expect(await h.control('PUT', 'rateLimit', { burst: 5 })).toMatchObject({
			status: 400,
			body: { code: 'InvalidParameter.PerSecond' },
		});
		// A refused change leaves the limit as it was (off).
		expect((await h.control('GET', 'rateLimit')).body).toEqual({});
	});

	test('a throttle fault answers the same headers', async () => {
		h.emu.faults.throttle({ times: 1, retryAfterSeconds: 3 });
		const r = await h.call('ListUsers');
		expect(r.headers.get('retry-after')).toBe('3');
		expect(r.headers.get('x-acs-retry-after')).toBe('3000');
		expect(h.emu.stats.throttled).toBe(1);
	});
});

test('a limit given at start survives reset', async () => {
	const limited = await Harness.start({ rateLimit: { perSecond: SLOW, burst: 1 } });
	try {
		expect((await limited.call('ListUsers')).status).toBe(200);
		expectThrottled(await limited.call('ListUsers'));
		limited.emu.rateLimit.set();
		limited.emu.reset();
		expect(limited.emu.rateLimit.get()).toEqual({ perSecond: SLOW, burst: 1 });
		expect((await limited.call('ListUsers', { token: limited.emu.issueAppToken() })).status).toBe(
			200,
		);
		expectThrottled(await limited.call('ListUsers', { token: limited.emu.issueAppToken() }));
	} finally {
		await limited.close();
	}
});

describe('command line and environment', () => {
	test('flags', () => {
		const options = cliOptions([
			'--rate-limit',
			'50',
			'--rate-burst=5',
			'--rate-limit-op',
			'CreateUser=10,ListUsers=20:40',
		]);
		expect(options.rateLimit).toEqual({
			perSecond: 50,
			burst: 5,
			perAction: { CreateUser: { perSecond: 10 }, ListUsers: { perSecond: 20, burst: 40 } },
		});
		expect(cliOptions([]).rateLimit).toBeUndefined();
	});

	test('environment, with flags taking precedence', () => {
		const env = { IDAAS_EMULATOR_RATE_LIMIT: '50', IDAAS_EMULATOR_RATE_LIMIT_OPS: 'PatchUser=5' };
		expect(cliOptions([], env).rateLimit).toEqual({
			perSecond: 50,
			perAction: { PatchUser: { perSecond: 5 } },
		});
		expect(cliOptions(['--rate-limit', '7'], env).rateLimit).toMatchObject({ perSecond: 7 });
		expect(() => cliOptions(['--rate-limit', 'fast'])).toThrow('--rate-limit must be a number');
	});
});
