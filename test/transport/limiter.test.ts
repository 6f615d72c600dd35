import { CONCURRENCY_CAP, Limiter } from '../../nodes/AlibabaIdaas/transport/pacing';
import { retryAfterMs } from '../../nodes/AlibabaIdaas/transport/errors';
import { verdictOf } from '../../nodes/AlibabaIdaas/transport/session';
import type { Clock } from '../../nodes/AlibabaIdaas/transport/pacing';
import { inTurn } from './inTurn';

/**
 * The client's limiter against a simulated server on a fake clock: each answer takes a set number
 * of virtual milliseconds, and the server throttles whatever is beyond its capacity (the requests
 * it holds at once). What the automatic bound converges to, how it recovers, the cap, that a
 * rising latency cuts it, and that a 429 slows the whole client. Jest's fake timers drive the
 * clock, so the machine's speed or load never reaches a verdict.
 */

const ok = { statusCode: 200, headers: {}, body: {} };
const throttled = (ms: number) => ({
	statusCode: 429,
	headers: { 'x-acs-retry-after': String(ms) },
	body: { code: 'Throttling' },
});

/** Jest's fake Date.now and setTimeout as the limiter's clock. */
const fakeClock: Clock = {
	now: () => Date.now(),
	wait: async (ms) => await new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A server holding `capacity()` requests at once; each answer takes `latencyMs(inFlight)` of the
 * fake clock (10 ms unless told).
 */
function server(capacity: () => number, latencyMs: (inFlight: number) => number = () => 10) {
	let inFlight = 0;
	const log = {
		answers: 0,
		refused: 0,
		maxInFlight: 0,
		inFlightSeen: [] as number[],
		refusedSeen: [] as boolean[],
	};
	const request = async () => {
		inFlight++;
		log.maxInFlight = Math.max(log.maxInFlight, inFlight);
		log.inFlightSeen.push(inFlight);
		const over = inFlight > capacity();
		try {
			await fakeClock.wait(latencyMs(inFlight));
			log.answers++;
			if (over) log.refused++;
			log.refusedSeen.push(over);
			return over ? throttled(1) : ok;
		} finally {
			inFlight--;
		}
	};
	return { request, log };
}

/** Runs `count` tasks at once under the limiter, the fake clock advancing until all are done. */
async function runAll(
	limiter: Limiter,
	count: number,
	request: () => Promise<unknown>,
): Promise<void> {
	const all = Promise.all(
		Array.from({ length: count }, async () => await inTurn(limiter, request)),
	);
	await jest.runAllTimersAsync();
	await all;
}

const auto = () => new Limiter('auto', fakeClock);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('automatic concurrency', () => {
	test('grows while answers are healthy, up to the cap and never beyond it', async () => {
		const limiter = auto();
		expect(limiter.limit).toBe(8);
		const { request, log } = server(() => Infinity);
		await runAll(limiter, 1000, request);
		expect(limiter.limit).toBe(CONCURRENCY_CAP);
		expect(log.maxInFlight).toBe(CONCURRENCY_CAP);
	});

	test('cuts when latency climbs (the server queues), with nothing refused; a steady latency never cuts', async () => {
		const cuts = async (latencyMs: (inFlight: number) => number) => {
			const limiter = auto();
			const limits: number[] = [];
			const { request, log } = server(() => Infinity, latencyMs);
			await runAll(limiter, 500, async () => {
				limits.push(limiter.limit);
				return await request();
			});
			expect(log.refused).toBe(0);
			return limits.filter((limit, i) => i > 0 && limit < limits[i - 1]).length;
		};
		// Up to 12 at once each answer takes 10 ms; each request beyond that adds 10 ms (the server queues them).
		expect(await cuts((inFlight) => 10 + 10 * Math.max(0, inFlight - 12))).toBeGreaterThan(0);
		expect(await cuts(() => 10)).toBe(0);
		expect(await cuts(() => 200)).toBe(0);
	});

	test('converges under a limit: the bound settles near the capacity, refusing far fewer than a fixed bound', async () => {
		const limiter = auto();
		const { request, log } = server(() => 6);
		await runAll(limiter, 1500, request);
		const lateInFlight = log.inFlightSeen.slice(750);
		// After the first few rounds the client stays close to what the server holds.
		expect(Math.max(...lateInFlight)).toBeLessThanOrEqual(12);
		expect(limiter.limit).toBeGreaterThanOrEqual(2);
		expect(limiter.limit).toBeLessThanOrEqual(12);
		// Each cycle of growth ends in one round of requests sent over the capacity: those are refused.
		const lateRefused = log.refusedSeen.slice(750).filter(Boolean).length;
		expect(lateRefused / 750).toBeLessThan(0.3);
		const fixed = server(() => 6);
		await runAll(new Limiter(20, fakeClock), 1500, fixed.request);
		expect(fixed.log.refused / fixed.log.answers).toBeGreaterThan(0.6);
	});

	test('recovers when the limit lifts: back at the cap', async () => {
		const limiter = auto();
		let capacity = 3;
		const { request, log } = server(() => capacity);
		await runAll(limiter, 600, request);
		expect(limiter.limit).toBeLessThanOrEqual(6);
		const refusedUnderLimit = log.refused;
		expect(refusedUnderLimit).toBeGreaterThan(0);
		capacity = Infinity;
		await runAll(limiter, 3000, request);
		expect(limiter.limit).toBe(CONCURRENCY_CAP);
		expect(log.refused).toBe(refusedUnderLimit);
	});

	test('never goes below 1', async () => {
		const limiter = auto();
		const { request } = server(() => 0);
		await runAll(limiter, 200, request);
		expect(limiter.limit).toBe(1);
	});
});

describe('a 429 slows the whole client', () => {
	test('the gate stays closed for the wait it was given, and the refused request keeps its slot', async () => {
		const limiter = new Limiter(3);
		const started: string[] = [];
		let refuse: (value: unknown) => void = () => {};
		const first = inTurn(limiter, async () => {
			started.push('a');
			return await new Promise((resolve) => (refuse = resolve));
		});
		const others = ['b', 'c', 'd'].map(async (name) => {
			await Promise.resolve();
			return await inTurn(limiter, async () => {
				started.push(name);
				return await new Promise(() => undefined);
			});
		});
		await jest.advanceTimersByTimeAsync(0);
		expect(started).toEqual(['a', 'b', 'c']);
		refuse(throttled(1000));
		await first;
		// 'a' answered 429 with a wait of 1,000 ms: its slot is not free yet, so 'd' waits.
		await jest.advanceTimersByTimeAsync(999);
		expect(started).toEqual(['a', 'b', 'c']);
		await jest.advanceTimersByTimeAsync(1);
		expect(started).toEqual(['a', 'b', 'c', 'd']);
		void others;
	});

	test('no request starts while the gate is closed, even with free slots', async () => {
		const limiter = new Limiter(10);
		await inTurn(limiter, async () => await Promise.resolve(throttled(500)));
		const started: number[] = [];
		const waiting = [1, 2].map(async (n) => await inTurn(limiter, async () => started.push(n)));
		await jest.advanceTimersByTimeAsync(499);
		expect(started).toEqual([]);
		await jest.advanceTimersByTimeAsync(1);
		await Promise.all(waiting);
		expect(started).toEqual([1, 2]);
	});

	test('a fixed bound stays fixed: healthy answers do not grow it, a 429 does not shrink it', async () => {
		const limiter = new Limiter(5, fakeClock);
		const { request, log } = server(() => Infinity);
		await runAll(limiter, 300, request);
		expect(limiter.limit).toBe(5);
		expect(log.maxInFlight).toBe(5);
		const refused = inTurn(limiter, async () => await Promise.resolve(throttled(1)));
		await jest.runAllTimersAsync();
		await refused;
		expect(limiter.limit).toBe(5);
	});
});

describe('retryAfterMs', () => {
	const now = Date.parse('2026-12-01T12:00:00Z');

	test('x-acs-retry-after is milliseconds and wins over Retry-After', () => {
		expect(retryAfterMs({ 'x-acs-retry-after': '350', 'retry-after': '1' }, now)).toBe(350);
	});

	test("x-acs-retry-after of 0 or less, or not a number, is ignored as Alibaba's runtime does", () => {
		expect(retryAfterMs({ 'x-acs-retry-after': '0', 'retry-after': '2' }, now)).toBe(2000);
		expect(retryAfterMs({ 'x-acs-retry-after': '-5' }, now)).toBeUndefined();
		expect(retryAfterMs({ 'x-acs-retry-after': 'soon' }, now)).toBeUndefined();
	});

	test('Retry-After in seconds, or as an HTTP date', () => {
		expect(retryAfterMs({ 'retry-after': '3' }, now)).toBe(3000);
		expect(retryAfterMs({ 'retry-after': '0' }, now)).toBe(0);
		expect(retryAfterMs({ 'retry-after': 'Tue, 01 Dec 2026 12:00:05 GMT' }, now)).toBe(5000);
		expect(retryAfterMs({ 'retry-after': 'Tue, 01 Dec 2026 11:59:00 GMT' }, now)).toBe(0);
		expect(retryAfterMs({ 'retry-after': ['4'] }, now)).toBe(4000);
		expect(retryAfterMs({ 'retry-after': 'whenever' }, now)).toBeUndefined();
		expect(retryAfterMs({}, now)).toBeUndefined();
	});

	test('the limiter reads a 429, or a Throttling code, as throttled; other answers as healthy or neither', () => {
		expect(verdictOf(throttled(20))).toEqual({ throttledMs: 20 });
		expect(verdictOf({ statusCode: 400, headers: {}, body: { code: 'Throttling.User' } })).toEqual({
			throttledMs: 0,
		});
		expect(
			verdictOf({ statusCode: 404, headers: {}, body: { code: 'ResourceNotFound.User' } }),
		).toBe('healthy');
		expect(verdictOf({ statusCode: 503, headers: {}, body: {} })).toBe('neutral');
		expect(verdictOf({ lost: 'reset' })).toBe('neutral');
		expect(verdictOf({ stale: true })).toBe('neutral');
	});
});
