import { sleep } from 'n8n-workflow';

/**
 * Where the package reads time and waits: how long an answer took (the limiter's latency signal),
 * a 429's hold, a retry's backoff, a token renewal's jitter, Fetch OAuth Token's Wait for
 * Authorization. One object, so that tests replace its methods with a fake clock, or count the
 * waits, instead of letting the machine's speed decide a verdict.
 *
 * Only differences of `now` are read, so it is monotonic (performance.now,
 * https://nodejs.org/api/perf_hooks.html#performancenow): a wall-clock step (NTP, a suspended VM)
 * neither cuts a wait short nor stretches it. Times compared with what a server wrote (a token's
 * expiry) are read on the wall clock where they are compared.
 */
export interface Clock {
	/** Milliseconds since some fixed moment. */
	now(): number;
	wait(ms: number): Promise<void>;
}

export const clock: Clock = {
	now: () => performance.now(),
	wait: async (ms) => await sleep(ms),
};
