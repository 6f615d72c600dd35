/** Request counters that tests and benchmarks assert on; `reset()` starts over. */
export class Stats {
	/** Requests per catalog action (unknown routes under `(unknown)`). */
	requests: Record<string, number> = {};
	/** Responses per HTTP status. */
	statuses: Record<string, number> = {};
	/** Responses per action and status, e.g. `byAction.ListUsers['429']`. */
	byAction: Record<string, Record<string, number>> = {};
	/** GenerateToken calls, and how many of them issued a token. */
	generateTokenCalls = 0;
	tokensIssued = 0;
	/** 429 Throttling answers, from the rate limit or a throttle fault. */
	throttled = 0;
	/** Connections the fault injector dropped. */
	dropped = 0;
	total = 0;
	/** API requests being handled right now, and the most at once since the last reset: what a client's concurrency bound is checked against. */
	inFlight = 0;
	maxInFlight = 0;

	begin(): void {
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
	}

	end(): void {
		this.inFlight--;
	}

	request(action: string): void {
		this.total++;
		this.requests[action] = (this.requests[action] ?? 0) + 1;
		if (action === 'GenerateToken') this.generateTokenCalls++;
	}

	response(action: string, status: number): void {
		this.statuses[status] = (this.statuses[status] ?? 0) + 1;
		const perAction = (this.byAction[action] ??= {});
		perAction[status] = (perAction[status] ?? 0) + 1;
		if (action === 'GenerateToken' && status === 200) this.tokensIssued++;
		if (status === 429) this.throttled++;
	}

	reset(): void {
		this.requests = {};
		this.statuses = {};
		this.byAction = {};
		this.generateTokenCalls = 0;
		this.tokensIssued = 0;
		this.throttled = 0;
		this.dropped = 0;
		this.total = 0;
		// Requests still being handled keep counting in inFlight.
		this.maxInFlight = this.inFlight;
	}

	toJSON() {
		const {
			requests,
			statuses,
			byAction,
			generateTokenCalls,
			tokensIssued,
			throttled,
			dropped,
			total,
			maxInFlight,
		} = this;
		return {
			total,
			requests,
			statuses,
			byAction,
			generateTokenCalls,
			tokensIssued,
			throttled,
			dropped,
			maxInFlight,
		};
	}
}
