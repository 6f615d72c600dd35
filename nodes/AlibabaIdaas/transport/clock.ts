import { sleep } from 'n8n-workflow';

/**
 * Where the transport reads time and waits: how long an answer took (the limiter's latency
 * signal), a 429's hold, a retry's backoff. One small object, so tests can drive a fake clock or
 * count the waits instead of letting the machine's speed decide a verdict.
 */
export interface Clock {
	/** Milliseconds on a monotonic clock (only differences are read). */
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
	now: () => performance.now(),
	sleep: async (ms) => await sleep(ms),
};

/**
 * The clock of waits that last seconds (Fetch OAuth Token's Wait for Authorization), read against
 * wall time. One object, so that tests replace it with a fake clock and count the polls instead of waiting.
 */
export const clock = {
	now: (): number => Date.now(),
	wait: async (ms: number): Promise<void> => await sleep(ms),
};
