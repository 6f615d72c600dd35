import { sleep } from 'n8n-workflow';

/**
 * When a request may go out: the clock every wait and every latency is read on, and the client's
 * bound on requests in flight, which that latency and the 429s steer. Kept together because the
 * bound is the clock's main reader, and tests drive both with one fake clock.
 */

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

/**
 * The client's bound on requests in flight, across items and pages: fixed, or automatic (the
 * default), which looks for the most the tenant answers well. A gateway's rate limit is the real
 * ceiling of a bulk run, not our CPU, so the automatic bound
 * - starts moderate (START) and grows while responses come back healthy: by one per answer until
 *   the first sign of trouble (slow start), then by about one per round of answers;
 * - halves on 429 and cuts by a quarter when latency climbs well above the best seen (the server
 *   queueing our requests), at most once per round of requests that were in flight together;
 * - after several rounds without trouble (the tenant's limit was lifted) grows quickly again;
 * - never goes above CAP or below 1.
 *
 * Throttling slows the whole client, whatever the mode: a 429 closes the gate to every request
 * until the wait it was given is over, and the slot of the refused request stays taken during
 * that wait, so under steady throttling fewer requests are in flight, not as many as before.
 * Tasks wait their turn first come first served.
 */

/** Requests in flight the automatic mode allows at most (the editor's fixed maximum too). */
export const CONCURRENCY_CAP = 50;

const START = 8;

/** Holding a throttled request's slot when the 429 said no wait. */
const DEFAULT_THROTTLE_HOLD_MS = 250;

/** Latency counts as climbing at this multiple of the best seen, plus a few ms of event loop noise. */
const LATENCY_RATIO = 2;
const LATENCY_SLACK_MS = 10;

/** What the limiter learns from one finished task: a 429 and the wait it asked for, or a healthy answer. */
export type Verdict = { throttledMs: number } | 'healthy' | 'neutral';

export type ConcurrencySetting = number | 'auto';

/** One slot taken: which start it was and when, for what its answer teaches. */
export interface Turn {
	ticket: number;
	started: number;
}

export class Limiter {
	private running = 0;

	private readonly waiting: Array<() => void> = [];

	/** The current bound; fractional while it grows by less than one per answer. */
	private bound: number;

	private readonly auto: boolean;

	/** Below this the automatic bound grows by one per answer; above it, by one per round. */
	private slowStartUntil = CONCURRENCY_CAP;

	/** Requests started so far, and how many had started when the bound last shrank: those cannot shrink it again. */
	private starts = 0;

	private startsAtCut = 0;

	/** 429 waits not over yet: no request starts while one is. */
	private closers = 0;

	private latency?: { best: number; smooth: number };

	/** Healthy answers since the last cut; a long run of them goes back to slow start. */
	private streak = 0;

	/**
	 * @param setting a fixed bound (below 1 counts as 1; Infinity for none), or 'auto'
	 * @param time what latency is read on and holds wait on (tests drive a fake one)
	 */
	constructor(
		setting: ConcurrencySetting,
		private readonly time: Clock = clock,
	) {
		this.auto = setting === 'auto';
		this.bound = setting === 'auto' ? START : Math.max(1, Math.floor(setting) || 1);
	}

	/** The bound in force now (for tests and the benchmark's diagnostics). */
	get limit(): number {
		return Math.floor(this.bound);
	}

	/** Waits for a slot (first come, first served); the caller hands it back with `release`. */
	async acquire(): Promise<Turn> {
		await this.slot();
		return { ticket: ++this.starts, started: this.time.now() };
	}

	/** Hands a slot back with what its answer said; after a 429 the slot stays taken for the wait. */
	release(turn: Turn, verdict: Verdict): void {
		const hold = this.learn(verdict, turn.ticket, this.time.now() - turn.started);
		if (hold > 0) {
			// The gate closes for the same wait as the slot: it reopens when the last hold ends.
			this.closers++;
			void this.time.wait(hold).then(() => {
				this.closers--;
				this.free();
			});
		} else this.free();
	}

	private async slot(): Promise<void> {
		if (this.waiting.length === 0 && this.canStart()) {
			this.running++;
			return;
		}
		await new Promise<void>((resolve) => {
			this.waiting.push(resolve);
			this.pump();
		});
	}

	private canStart(): boolean {
		return this.running < Math.floor(this.bound) && this.closers === 0;
	}

	private free(): void {
		this.running--;
		this.pump();
	}

	/** Starts waiting tasks while there is room (a hold ending frees its slot and pumps again). */
	private pump(): void {
		while (this.waiting.length > 0 && this.canStart()) {
			this.running++;
			this.waiting.shift()!();
		}
	}

	/** Healthy answers so far: a throttled request whose client still gets answers is being paced, not refused. */
	healthyAnswers = 0;

	/** Adjusts the bound after one answer; returns how long its slot stays taken. */
	private learn(verdict: Verdict, ticket: number, ms: number): number {
		if (verdict === 'neutral') return 0;
		if (verdict === 'healthy') this.healthyAnswers++;
		if (verdict !== 'healthy') {
			this.cut(0.5, ticket);
			return verdict.throttledMs > 0 ? verdict.throttledMs : DEFAULT_THROTTLE_HOLD_MS;
		}
		if (!this.auto) return 0;
		const latency = (this.latency ??= { best: ms, smooth: ms });
		latency.smooth += (ms - latency.smooth) * 0.2;
		// The best lets go slowly, so a server that got slower for good does not pin the bound down.
		latency.best = Math.min(latency.smooth, latency.best + (latency.smooth - latency.best) * 0.01);
		if (latency.smooth > latency.best * LATENCY_RATIO + LATENCY_SLACK_MS) {
			this.cut(0.75, ticket);
			return 0;
		}
		// After several rounds without trouble (the limit was lifted), grow quickly again.
		if (++this.streak > 10 * this.bound) this.slowStartUntil = CONCURRENCY_CAP;
		// Grow only while requests are waiting for a slot: an idle bound proves nothing.
		if (this.waiting.length > 0 && this.running >= Math.floor(this.bound)) {
			this.bound = Math.min(
				CONCURRENCY_CAP,
				this.bound + (this.bound < this.slowStartUntil ? 1 : 1 / this.bound),
			);
		}
		return 0;
	}

	private cut(factor: number, ticket: number): void {
		if (!this.auto || ticket <= this.startsAtCut) return;
		this.bound = Math.max(1, this.bound * factor);
		this.slowStartUntil = this.bound;
		this.startsAtCut = this.starts;
		this.streak = 0;
	}
}
