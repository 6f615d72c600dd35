import type { RetryPolicy } from '../../nodes/AlibabaIdaas/transport/retryPolicy';
import { retryWait } from '../../nodes/AlibabaIdaas/transport/retryPolicy';

/** The one retry policy's decision on its own: how long to wait before the next try, or to give up. */

const policy: RetryPolicy = {
	maxAttempts: 4,
	baseDelayMs: 100,
	maxDelayMs: 1000,
	maxTotalWaitMs: 5000,
};

afterEach(() => jest.restoreAllMocks());

test('exponential steps with equal jitter: half of each step fixed, half random', () => {
	jest.spyOn(Math, 'random').mockReturnValue(0);
	expect([1, 2, 3].map((n) => retryWait(policy, n, undefined, 0))).toEqual([50, 100, 200]);
	jest.spyOn(Math, 'random').mockReturnValue(0.999);
	expect(retryWait(policy, 3, undefined, 0)).toBeCloseTo(599.6);
});

test('gives up when the tries are spent', () => {
	expect(retryWait(policy, 4, 0, 0)).toBeUndefined();
	expect(retryWait(policy, 3, 0, 0)).toBe(0);
});

test("takes the server's Retry-After, capped at the longest single wait", () => {
	expect(retryWait(policy, 1, 700, 0)).toBe(700);
	expect(retryWait(policy, 1, 60_000, 0)).toBe(1000);
});

test('gives up when the wait would pass the time budget', () => {
	expect(retryWait(policy, 1, 1000, 4000)).toBe(1000);
	expect(retryWait(policy, 1, 1000, 4001)).toBeUndefined();
});
