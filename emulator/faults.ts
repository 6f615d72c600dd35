/**
 * Fault injection, per test (programmatic) or over HTTP (control.ts, for end-to-end tests that
 * drive n8n in another process). Rules match every API request, or only one catalog action;
 * they apply to `/v2/...` requests only, never to `/__emulator/` control calls.
 */

import { TokenBucket } from './throttle';

export type FaultKind = 'latency' | 'throttle' | 'error' | 'drop';

export interface FaultRule {
	id: number;
	kind: FaultKind;
	/** Only requests for this catalog action (e.g. 'ListUsers'); all when absent. */
	action?: string;
	/** How many matching requests it still affects; unlimited when absent. */
	times?: number;
	/** latency: delay in ms. */
	ms?: number;
	/** throttle: allow this many requests per second (a token bucket, burst = one second's worth) and refuse the rest (instead of `times`). */
	perSecond?: number;
	/** throttle: the Retry-After header, seconds (default 1; x-acs-retry-after says the same in ms). */
	retryAfterSeconds?: number;
	/** error: HTTP status (default 500) and code (default InternalError / ServiceUnavailable for 503). */
	status?: number;
	code?: string;
	/** error: the message (default Internal Server Error). */
	message?: string;
	/** drop: run the request first, then drop the connection instead of answering ("response lost"). */
	afterWrite?: boolean;
}

export type FaultInput = Omit<FaultRule, 'id'>;

export interface RequestEvent {
	action: string;
	method: string;
	path: string;
	query: URLSearchParams;
}

export type RequestHook = (event: RequestEvent) => void | Promise<void>;

/** A request the server has answered: its status, or undefined when the connection was dropped instead. */
export interface ResponseEvent extends RequestEvent {
	status: number | undefined;
}

export type ResponseHook = (event: ResponseEvent) => void | Promise<void>;

/** What the server must do with one request before (or instead of) handling it. */
export interface Verdict {
	delayMs: number;
	throttle?: FaultRule;
	error?: FaultRule;
	drop?: FaultRule;
}

export class Faults {
	rules: FaultRule[] = [];
	private hooks: RequestHook[] = [];
	private responseHooks: ResponseHook[] = [];
	private nextId = 1;
	/** The token buckets of `perSecond` throttle rules, by rule ID. */
	private buckets = new Map<number, TokenBucket>();

	constructor(private readonly expire: () => number = () => 0) {}

	add(input: FaultInput): FaultRule {
		const rule = { ...input, id: this.nextId++ };
		this.rules.push(rule);
		return rule;
	}

	latency(ms: number, options: { action?: string; times?: number } = {}): FaultRule {
		return this.add({ kind: 'latency', ms, ...options });
	}

	/** 429 Throttling with Retry-After: for the next `times` requests, or above `perSecond`. */
	throttle(
		options: {
			action?: string;
			times?: number;
			perSecond?: number;
			retryAfterSeconds?: number;
		} = {},
	): FaultRule {
		return this.add({ kind: 'throttle', ...options });
	}

	serverError(
		options: { action?: string; times?: number; status?: number; code?: string } = {},
	): FaultRule {
		return this.add({ kind: 'error', ...options });
	}

	/** Destroys the socket: before handling, or with `afterWrite` after the change was applied. */
	dropConnection(
		options: { action?: string; times?: number; afterWrite?: boolean } = {},
	): FaultRule {
		return this.add({ kind: 'drop', ...options });
	}

	/** Every token issued so far answers invalid_token from now on; returns how many there were. */
	expireTokens(): number {
		return this.expire();
	}

	remove(id: number): void {
		this.rules = this.rules.filter((rule) => rule.id !== id);
		this.buckets.delete(id);
	}

	/** Removes all rules and hooks. */
	clear(): void {
		this.rules = [];
		this.hooks = [];
		this.responseHooks = [];
		this.buckets.clear();
	}

	/** Runs before each API request is handled (after faults allowed it); returns an unsubscribe. */
	onRequest(hook: RequestHook): () => void {
		this.hooks.push(hook);
		return () => {
			this.hooks = this.hooks.filter((h) => h !== hook);
		};
	}

	async runHooks(event: RequestEvent): Promise<void> {
		for (const hook of [...this.hooks]) await hook(event);
	}

	/**
	 * Runs after each API request was answered (whatever the status, faults included) or dropped,
	 * e.g. to hold another request until this one's answer is out; returns an unsubscribe.
	 */
	onResponse(hook: ResponseHook): () => void {
		this.responseHooks.push(hook);
		return () => {
			this.responseHooks = this.responseHooks.filter((h) => h !== hook);
		};
	}

	async runResponseHooks(event: ResponseEvent): Promise<void> {
		for (const hook of [...this.responseHooks]) await hook(event);
	}

	/** Consumes the matching rules for one request. */
	judge(action: string): Verdict {
		const verdict: Verdict = { delayMs: 0 };
		const matching = this.rules.filter((rule) => !rule.action || rule.action === action);
		// Throttling is decided first: a throttled request is refused before anything else could
		// happen to it, so it must not use up an error or drop rule meant for a later request.
		for (const rule of matching) {
			if (rule.kind === 'throttle' && !verdict.throttle && this.overLimit(rule))
				verdict.throttle = rule;
		}
		for (const rule of matching) {
			if (rule.kind === 'latency') {
				if (this.consume(rule)) verdict.delayMs += rule.ms ?? 0;
			} else if (
				rule.kind !== 'throttle' &&
				!verdict[rule.kind] &&
				!verdict.throttle &&
				this.consume(rule)
			) {
				verdict[rule.kind] = rule;
			}
		}
		this.rules = this.rules.filter((rule) => rule.times === undefined || rule.times > 0);
		return verdict;
	}

	private overLimit(rule: FaultRule): boolean {
		if (rule.perSecond === undefined) return this.consume(rule);
		let bucket = this.buckets.get(rule.id);
		if (!bucket)
			this.buckets.set(rule.id, (bucket = new TokenBucket({ perSecond: rule.perSecond })));
		if (bucket.wait() > 0) return true;
		bucket.take();
		return false;
	}

	private consume(rule: FaultRule): boolean {
		if (rule.times === undefined) return true;
		if (rule.times <= 0) return false;
		rule.times--;
		return true;
	}
}
