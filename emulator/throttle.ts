import { findOperation } from '../nodes/AlibabaIdaas/catalog';
import { ApiError, invalid } from './errors';

/**
 * Gateway-style rate limiting. Alibaba documents no rate for the Developer API, but every Alibaba
 * gateway throttles; the emulator lets tests and benchmarks set one: for the whole instance, and
 * optionally per catalog action. A request must find a token in every bucket that applies, or it
 * is refused with 429 Throttling before anything else happens to it.
 */

export interface RateSpec {
	/** Sustained rate, requests per second. */
	perSecond: number;
	/** How many requests may arrive at once after a quiet spell; default one second's worth. */
	burst?: number;
}

export interface RateLimitConfig extends Partial<RateSpec> {
	/** Per catalog action (`CreateUser: 10` or `{ perSecond, burst }`), on top of the instance rate. */
	perAction?: Record<string, number | RateSpec>;
}

/** A classic token bucket: `capacity` tokens, refilled continuously at `rate` per second. */
export class TokenBucket {
	readonly rate: number;
	readonly capacity: number;
	private tokens: number;
	private last: number;

	constructor(spec: RateSpec, now = Date.now()) {
		if (typeof spec.perSecond !== 'number' || !(spec.perSecond > 0))
			throw invalid('perSecond', 'A rate limit needs a number above 0.');
		if (spec.burst !== undefined && (typeof spec.burst !== 'number' || !(spec.burst >= 1)))
			throw invalid('burst', 'A burst needs a number of at least 1.');
		this.rate = spec.perSecond;
		this.capacity = Math.max(1, spec.burst ?? Math.ceil(spec.perSecond));
		this.tokens = this.capacity;
		this.last = now;
	}

	/** 0 when a token is there now, else the milliseconds until one will be (always ≥ 1). */
	wait(now = Date.now()): number {
		this.refill(now);
		return this.tokens >= 1 ? 0 : Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000));
	}

	take(now = Date.now()): void {
		this.refill(now);
		this.tokens -= 1;
	}

	private refill(now: number): void {
		if (now <= this.last) return;
		this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
		this.last = now;
	}
}

/**
 * The 429 both a rate limit and a throttle fault answer. `Retry-After` is RFC 9110 seconds;
 * `x-acs-retry-after` is what Alibaba's OpenAPI runtime reads, in **milliseconds**: it parses the
 * header as an integer, ignores values ≤ 0, and its retry policy sleeps that many ms (capped at
 * 120,000), see getThrottlingTimeLeft in
 * https://github.com/aliyun/darabonba-openapi/blob/master/ts/src/utils.ts and getBackoffDelay in
 * https://github.com/aliyun/tea-typescript/blob/master/src/retry.ts.
 */
export function throttling(retryAfterMs: number): ApiError {
	return new ApiError(429, 'Throttling', 'Request was denied due to request throttling.', {
		'retry-after': String(Math.ceil(retryAfterMs / 1000)),
		'x-acs-retry-after': String(Math.max(0, Math.round(retryAfterMs))),
	});
}

function spec(value: number | RateSpec): RateSpec {
	return typeof value === 'number' ? { perSecond: value } : value;
}

/** The instance's rate limit; off until configured. */
export class RateLimiter {
	private config: RateLimitConfig = {};
	private instance?: TokenBucket;
	private actions = new Map<string, TokenBucket>();

	/** Replaces the limit (buckets start full); `{}` or `undefined` turns it off. */
	set(config: RateLimitConfig = {}): void {
		// A misspelt field must not silently leave the emulator unlimited.
		const unknown = Object.keys(config).find(
			(key) => !['perSecond', 'burst', 'perAction'].includes(key),
		);
		if (unknown) throw invalid(unknown, 'A rate limit has perSecond, burst and perAction.');
		if (config.burst !== undefined && config.perSecond === undefined)
			throw invalid('perSecond', 'A burst needs a rate.');
		const instance =
			config.perSecond !== undefined
				? new TokenBucket({ perSecond: config.perSecond, burst: config.burst })
				: undefined;
		const actions = new Map(
			Object.entries(config.perAction ?? {}).map(([action, value]) => {
				if (!findOperation(action)) throw invalid('perAction', `There is no operation ${action}.`);
				return [action, new TokenBucket(spec(value))];
			}),
		);
		this.config = structuredClone(config);
		this.instance = instance;
		this.actions = actions;
	}

	get(): RateLimitConfig {
		return structuredClone(this.config);
	}

	/** Takes a token for the request, or throws 429 Throttling saying how long until one is free. */
	admit(action: string, now = Date.now()): void {
		const buckets = [this.instance, this.actions.get(action)].filter(
			(bucket): bucket is TokenBucket => Boolean(bucket),
		);
		// A request refused by one bucket must not use up a token of another.
		const wait = Math.max(0, ...buckets.map((bucket) => bucket.wait(now)));
		if (wait > 0) throw throttling(wait);
		for (const bucket of buckets) bucket.take(now);
	}
}
