import type { Auth, ScimPushConfig } from './config';

/**
 * One application's SCIM requests: the Authorization header for its grant type (a fixed bearer
 * token, or an access token from the target's token endpoint, fetched once, renewed before it
 * expires and after a 401), and retries of 5xx, 429 and network failures (RFC 7644 §3.12 lets a
 * client retry a 503 or 429; IDaaS's retry policy is not documented, so it is configurable).
 */

export interface ScimRequestLog {
	method: string;
	/** Under the base URL, with the query. */
	path: string;
	status: number | 'timeout' | 'error';
	attempt: number;
	body?: unknown;
}

export interface ScimAnswer {
	status: number;
	body: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const retryable = (status: ScimRequestLog['status']) =>
	typeof status !== 'number' || status >= 500 || status === 429;

export class ScimClient {
	private token?: { value: string; expiresAt: number };
	private fetching?: Promise<string>;
	/** Token endpoint requests made (tests count them). */
	tokenRequests = 0;

	constructor(
		private readonly config: ScimPushConfig,
		private readonly record: (entry: ScimRequestLog) => void,
		private readonly closed: () => boolean,
	) {}

	/** Sends until an answer that is not retryable or the retry cap; throws when none came. */
	async send(method: string, path: string, body?: unknown): Promise<ScimAnswer> {
		let renewed = false;
		for (let attempt = 1; ; attempt++) {
			if (this.closed()) throw new Error('The emulator is closing');
			let status: ScimRequestLog['status'];
			let answer: unknown;
			try {
				({ status, body: answer } = await this.once(
					method,
					path,
					body,
					await this.authorization(),
				));
			} catch (error) {
				status = (error as Error).name === 'TimeoutError' ? 'timeout' : 'error';
			}
			this.record({ method, path, status, attempt, ...(body !== undefined && { body }) });
			// An access token the target no longer accepts: one new token, then the same request again.
			if (status === 401 && this.config.auth.mode === 'client_credentials' && !renewed) {
				renewed = true;
				this.token = undefined;
				continue;
			}
			if (typeof status === 'number' && !retryable(status)) return { status, body: answer };
			if (attempt > this.config.maxRetries) {
				if (typeof status === 'number') return { status, body: answer };
				throw new Error(`${method} ${path}: no answer after ${attempt} attempts (${status})`);
			}
			await sleep(this.config.retryDelayMs);
		}
	}

	private async once(
		method: string,
		path: string,
		body: unknown,
		authorization: string,
	): Promise<ScimAnswer> {
		const response = await fetch(this.config.url + path, {
			method,
			headers: {
				authorization,
				accept: 'application/scim+json, application/json',
				...(body !== undefined && { 'content-type': `${this.config.contentType}; charset=utf-8` }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(this.config.timeoutMs),
		});
		return { status: response.status, body: parse(await response.text()) };
	}

	private async authorization(): Promise<string> {
		const auth = this.config.auth;
		if (auth.mode === 'bearer') return `Bearer ${auth.token}`;
		if (this.token && this.token.expiresAt > Date.now()) return `Bearer ${this.token.value}`;
		// Requests in flight at once share one token request.
		this.fetching ??= this.fetchToken(auth).finally(() => (this.fetching = undefined));
		return `Bearer ${await this.fetching}`;
	}

	/** RFC 6749 §4.4: grant_type=client_credentials, the client authenticated by Basic or in the form. */
	private async fetchToken(auth: Extract<Auth, { mode: 'client_credentials' }>): Promise<string> {
		const form = new URLSearchParams({ grant_type: 'client_credentials' });
		const headers: Record<string, string> = {
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'application/json',
		};
		if (auth.clientAuth === 'basic') {
			// RFC 6749 §2.3.1: both parts form-urlencoded before Base64.
			const part = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
			headers.authorization = `Basic ${Buffer.from(`${part(auth.clientId)}:${part(auth.clientSecret)}`).toString('base64')}`;
		} else {
			form.set('client_id', auth.clientId);
			form.set('client_secret', auth.clientSecret);
		}
		for (let attempt = 1; ; attempt++) {
			this.tokenRequests++;
			let status: number | 'error';
			let body: unknown;
			try {
				const response = await fetch(auth.tokenUrl, {
					method: 'POST',
					headers,
					body: form,
					signal: AbortSignal.timeout(this.config.timeoutMs),
				});
				status = response.status;
				body = parse(await response.text());
			} catch {
				status = 'error';
			}
			this.record({ method: 'POST', path: '(token endpoint)', status, attempt });
			const token = (body as { access_token?: unknown } | undefined)?.access_token;
			if (status === 200 && typeof token === 'string' && token !== '') {
				const lifetime = Number((body as { expires_in?: unknown }).expires_in);
				// Renewed a minute early (or at half its life when it is shorter than two minutes).
				const seconds = Number.isFinite(lifetime) && lifetime > 0 ? lifetime : 3600;
				this.token = {
					value: token,
					expiresAt: Date.now() + 1000 * Math.max(seconds / 2, seconds - 60),
				};
				return token;
			}
			if (!retryable(status) || attempt > this.config.maxRetries)
				throw new Error(`The token endpoint answered ${status}`);
			await sleep(this.config.retryDelayMs);
		}
	}
}

function parse(text: string): unknown {
	if (text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}
