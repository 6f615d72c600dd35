import type { Attempt, DeliveryLog, Outcome, WireEvent } from './delivery';

interface Entry {
	eventId: string;
	applicationId: string;
	eventType: string;
	bizId: string;
	outcome?: Outcome;
	/** What was sent, for a replay (the sync log's manual re-push). */
	wire: WireEvent;
}

const MAX_EVENTS = 100_000;
const MAX_ATTEMPTS = 20_000;

/** What the emulator sent and how receivers answered, for tests and the benchmark (bounded). */
export class EventLog implements DeliveryLog {
	private events = new Map<string, Entry>();
	private attempts: Attempt[] = [];
	private attemptCount = 0;
	forged: Array<{ kind: string; status: number | 'error' }> = [];

	queued(entry: Omit<Entry, 'outcome'>): void {
		this.events.set(entry.eventId, entry);
		if (this.events.size > MAX_EVENTS)
			this.events.delete(this.events.keys().next().value as string);
	}

	attempt(entry: Attempt): void {
		this.attemptCount++;
		this.attempts.push(entry);
		if (this.attempts.length > MAX_ATTEMPTS) this.attempts.shift();
	}

	outcome(eventId: string, outcome: Outcome): void {
		const entry = this.events.get(eventId);
		if (entry) entry.outcome = outcome;
	}

	/** The last `count` events queued for an application, oldest first. */
	lastSent(applicationId: string, count: number): WireEvent[] {
		const mine = [...this.events.values()].filter((e) => e.applicationId === applicationId);
		return mine.slice(-count).map((e) => e.wire);
	}

	/** Events still without an outcome. */
	pending(): number {
		let n = 0;
		for (const e of this.events.values()) if (!e.outcome) n++;
		return n;
	}

	reset(): void {
		this.events.clear();
		this.attempts = [];
		this.attemptCount = 0;
		this.forged = [];
	}

	toJSON() {
		const byOutcome: Record<string, number> = {};
		for (const e of this.events.values())
			byOutcome[e.outcome ?? 'pending'] = (byOutcome[e.outcome ?? 'pending'] ?? 0) + 1;
		const byStatus: Record<string, number> = {};
		for (const a of this.attempts)
			byStatus[String(a.status)] = (byStatus[String(a.status)] ?? 0) + 1;
		const ms = this.attempts
			.filter((a) => a.status === 200)
			.map((a) => a.ms)
			.sort((a, b) => a - b);
		const at = (q: number) =>
			ms.length ? ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] : 0;
		return {
			events: this.events.size,
			/** Time to an HTTP 200, over the kept attempts. */
			answerMs: { p50: at(0.5), p95: at(0.95), max: ms.at(-1) ?? 0 },
			byOutcome,
			requests: this.attemptCount,
			byStatus,
			forged: this.forged,
			recentEvents: [...this.events.values()]
				.slice(-200)
				.map(({ wire, ...entry }) => (void wire, entry)),
			recentAttempts: this.attempts.slice(-50),
		};
	}
}
