import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { OperationSpec } from '../catalog/types';
import { Limiter, ReadAhead } from './concurrency';
import type { BuiltRequest } from './request';
import { buildRequest } from './request';
import type { IdaasConnection } from './endpoint';
import { CredentialConfigError, resolveConnection } from './endpoint';
import type { IdaasErrorInfo } from './errors';
import {
	isServerFault,
	isThrottled,
	isTokenRejected,
	parseErrorResponse,
	toNodeApiError,
} from './errors';
import { ParameterError } from './validation';

export const CREDENTIAL_TYPE = 'alibabaIdaasApi';

export type IdaasContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface RetryPolicy {
	/** Tries per request, the first included. */
	maxAttempts: number;
	/** First backoff step; doubled per try, with jitter. */
	baseDelayMs: number;
	/** Longest single wait, Retry-After included. */
	maxDelayMs: number;
	/** Total time one request may spend waiting before it gives up. */
	maxTotalWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
	maxAttempts: 6,
	baseDelayMs: 250,
	maxDelayMs: 10_000,
	maxTotalWaitMs: 60_000,
};

export interface CallOptions {
	itemIndex?: number;
	/** For userBearer / pamBearer operations: the token to send. */
	bearerToken?: string;
	/**
	 * For a non-idempotent write whose response was lost (5xx, dropped connection): looks the
	 * object up and returns the response the write would have given, or undefined if it was not
	 * applied, in which case the write is sent again. Without it such failures are not retried.
	 */
	recover?: () => Promise<IDataObject | undefined>;
}

export interface ListOptions extends CallOptions {
	/** Records wanted at most; all when absent. */
	limit?: number;
	/** pageNumber lists: how many pages may be requested at once (default 1). */
	readAhead?: number;
}

interface RawResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** Not sent: a token renewal began while the request waited for its turn (see `authenticated`). */
interface Stale {
	stale: true;
}

/** How many times one request may find a renewal under way (and wait for it) before it gives up. */
const MAX_TOKEN_ROUNDS = 5;

/** A failure with no HTTP answer (connection reset, timeout): the write may or may not have happened. */
interface ConnectionLost {
	lost: string;
}

const TOKEN_SAFETY_MARGIN_S = 60;

/**
 * The one way this package talks to IDaaS. One client per execution (or poll, or list search):
 * it reads the credential once, sends every request through n8n's
 * `httpRequestWithAuthentication` (so proxies, n8n's token handling and SSRF rules apply), and
 * adds what n8n lacks for this API:
 *
 * - token renewal on `400 invalid_token`, which n8n does not treat as an expired token (it only
 *   renews on 401). We hand n8n our copy of the credential with the token blanked; n8n then runs
 *   the credential's preAuthentication, stores the new token in the database and writes it into
 *   our copy. Renewal is single-flight, so concurrent items cause one GenerateToken, not many;
 * - backoff on throttling (Retry-After, else exponential with jitter), bounded in tries and time;
 * - retries after 5xx or a lost connection only for idempotent operations, and for creates only
 *   after checking the object was not created;
 * - mapping every failure to a NodeApiError with the IDaaS code, message and request ID, and no
 *   part of the request (which holds the token).
 */
export class IdaasClient {
	private renewal: Promise<void> | undefined;

	private tokenVersion = 0;

	private constructor(
		private readonly ctx: IdaasContext,
		readonly connection: IdaasConnection,
		private readonly credential: ICredentialsDecrypted & { data: ICredentialDataDecryptedObject },
		private readonly retry: RetryPolicy,
		/** Bounds the HTTP requests this client has in flight at once (retries wait outside it). */
		private readonly limiter: Limiter | undefined,
	) {}

	/**
	 * @param maxInFlight the most requests this client sends at once, across items and pages;
	 * unbounded when absent (the trigger and list searches bound their own walks).
	 */
	static async create(ctx: IdaasContext, retry: Partial<RetryPolicy> = {}, maxInFlight?: number): Promise<IdaasClient> {
		const data = (await ctx.getCredentials(CREDENTIAL_TYPE)) as ICredentialDataDecryptedObject;
		const connection = asNodeError(ctx.getNode(), () => resolveConnection(data));
		const copy: ICredentialDataDecryptedObject = { ...data };
		const expiresAt = Number(copy.expiresAt);
		if (Number.isFinite(expiresAt) && expiresAt > 0 && Date.now() / 1000 > expiresAt - TOKEN_SAFETY_MARGIN_S) {
			// Known to be stale: renew up front instead of spending a request on a refusal.
			copy.accessToken = '';
		}
		const nodeCredential = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
		const credential = {
			id: nodeCredential?.id ?? '',
			name: nodeCredential?.name ?? '',
			type: CREDENTIAL_TYPE,
			data: copy,
		};
		const limiter = maxInFlight === undefined ? undefined : new Limiter(maxInFlight);
		return new IdaasClient(ctx, connection, credential, { ...DEFAULT_RETRY, ...retry }, limiter);
	}

	get node(): INode {
		return this.ctx.getNode();
	}

	/** Validates, builds and sends one operation; returns the response body ({} when empty). */
	async call(op: OperationSpec, values: Record<string, unknown>, options: CallOptions = {}): Promise<IDataObject> {
		const request = asNodeError(this.node, () => buildRequest(op, values, this.connection), options.itemIndex);
		return await this.send(op, request, options);
	}

	/**
	 * Walks every page of a list operation at the largest page size and yields each page's
	 * records, in page order. Records seen on an earlier page are skipped: pageNumber paging
	 * shifts when the directory changes during the walk.
	 *
	 * pageNumber lists say their totalCount on the first page, so the pages after it are known
	 * up front; with `readAhead` > 1 that many are requested at once (a 100,000-user directory is
	 * 1,000 pages, and one at a time across a network is 1,000 round trips). nextToken lists can
	 * only be walked one page after the other.
	 */
	async *pages(op: OperationSpec, values: Record<string, unknown>, options: ListOptions = {}): AsyncGenerator<IDataObject[]> {
		const pagination = op.pagination;
		if (!pagination || !op.responseKey) throw new Error(`Catalog error: ${op.action} is not a list`);
		const limit = options.limit ?? Infinity;
		const pageSize = Math.min(pagination.maxPageSize, Number.isFinite(limit) ? Math.max(1, limit) : Infinity);
		const responseKey = op.responseKey;
		const seen = new Set<string>();
		let returned = 0;
		/** The page's records, and those of them not seen on an earlier page, up to the limit. */
		const newRecords = (body: IDataObject): { records: IDataObject[]; page: IDataObject[] } => {
			const records = Array.isArray(body[responseKey]) ? (body[responseKey] as IDataObject[]) : [];
			const fresh = records.filter((record) => {
				const key = recordKey(record);
				if (key === undefined) return true;
				if (seen.has(key)) return false;
				seen.add(key);
				return true;
			});
			const page = fresh.slice(0, limit - returned);
			returned += page.length;
			return { records, page };
		};
		const fetchPage = async (page: { pageNumber?: number; nextToken?: string }) =>
			await this.call(op, { ...values, [pagination.sizeParam]: pageSize, ...page }, options);

		if (pagination.style === 'nextToken') {
			let nextToken: string | undefined;
			for (;;) {
				const body = await fetchPage(nextToken ? { nextToken } : {});
				const { records, page } = newRecords(body);
				if (page.length > 0) yield page;
				if (returned >= limit) return;
				nextToken = typeof body.nextToken === 'string' && body.nextToken !== '' ? body.nextToken : undefined;
				if (!nextToken || records.length === 0) return;
			}
		}

		const first = await fetchPage({ pageNumber: 1 });
		const total = totalCountOf(first);
		// The pages the first answer promises; past them (the directory grew) we go one at a time.
		const planned = total === undefined ? 1 : Math.ceil(Math.min(total, limit) / pageSize);
		const ahead = new ReadAhead((pageNumber) => fetchPage({ pageNumber }), Math.max(1, options.readAhead ?? 1));
		try {
			let body = first;
			for (let pageNumber = 1; ; pageNumber++) {
				if (pageNumber > 1) body = await ahead.take(pageNumber, planned);
				const { records, page } = newRecords(body);
				if (page.length > 0) yield page;
				if (returned >= limit) return;
				const pageTotal = totalCountOf(body);
				if (records.length < pageSize || (pageTotal !== undefined && pageNumber * pageSize >= pageTotal)) return;
			}
		} finally {
			// Pages requested ahead but not needed (limit reached, an error, the consumer stopped):
			// let them end, so nothing of this walk is still running when the caller goes on.
			await ahead.settle();
		}
	}

	/** All records of a list operation, up to `limit`. */
	async list(op: OperationSpec, values: Record<string, unknown>, options: ListOptions = {}): Promise<IDataObject[]> {
		const all: IDataObject[] = [];
		for await (const page of this.pages(op, values, options)) all.push(...page);
		return all;
	}

	private async send(op: OperationSpec, request: BuiltRequest, options: CallOptions): Promise<IDataObject> {
		let waited = 0;
		for (let attempt = 1; ; attempt++) {
			const response = await this.sendOnce(op, request, options);
			if ('lost' in response) {
				const retryable = op.idempotent || options.recover !== undefined;
				const lost: IdaasErrorInfo = { status: 0, code: 'ConnectionLost', message: response.lost };
				if (!retryable || attempt >= this.retry.maxAttempts) {
					throw toNodeApiError(this.node, lost, op, options.itemIndex);
				}
				const recovered = await this.recoverWrite(op, options);
				if (recovered) return recovered;
				waited += await this.backoff(attempt, undefined, waited, lost, op, options);
				continue;
			}
			if (response.statusCode >= 200 && response.statusCode < 300) {
				return isObject(response.body) ? response.body : {};
			}
			const info = parseErrorResponse(response.statusCode, response.body, response.headers);
			const serverFault = isServerFault(info) && (op.idempotent || options.recover !== undefined);
			if ((isThrottled(info) || serverFault) && attempt < this.retry.maxAttempts) {
				// A throttled request was not processed, so even a create may be sent again.
				if (serverFault) {
					const recovered = await this.recoverWrite(op, options);
					if (recovered) return recovered;
				}
				waited += await this.backoff(attempt, response.headers['retry-after'], waited, info, op, options);
				continue;
			}
			throw toNodeApiError(this.node, info, op, options.itemIndex);
		}
	}

	private async recoverWrite(op: OperationSpec, options: CallOptions): Promise<IDataObject | undefined> {
		if (op.idempotent || !options.recover) return undefined;
		return await options.recover();
	}

	/** Sleeps before the next try and returns how long; throws when the time budget is spent. */
	private async backoff(
		attempt: number,
		retryAfter: unknown,
		waitedSoFar: number,
		info: IdaasErrorInfo,
		op: OperationSpec,
		options: CallOptions,
	): Promise<number> {
		const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
		const exponential = this.retry.baseDelayMs * 2 ** (attempt - 1);
		const delay = Math.min(
			this.retry.maxDelayMs,
			Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : exponential / 2 + Math.random() * exponential,
		);
		if (waitedSoFar + delay > this.retry.maxTotalWaitMs) {
			throw toNodeApiError(this.node, info, op, options.itemIndex);
		}
		await sleep(delay);
		return delay;
	}

	/** One HTTP exchange, with at most one token renewal. */
	private async sendOnce(
		op: OperationSpec,
		request: BuiltRequest,
		options: CallOptions,
	): Promise<RawResponse | ConnectionLost> {
		const httpOptions: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			qs: request.qs,
			body: request.body,
			json: true,
			headers: { accept: 'application/json' },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		if (op.auth !== 'bearer') {
			if (op.auth !== 'none') {
				httpOptions.headers = { ...httpOptions.headers, Authorization: `Bearer ${options.bearerToken ?? ''}` };
			}
			return await this.limited(async () => await this.exchange(() => this.ctx.helpers.httpRequest(httpOptions)));
		}
		// A request that found a renewal under way when its turn came (`stale`) comes back here to
		// wait for the new token. Renewals that keep following one another end it after a few rounds.
		for (let round = 1; round <= MAX_TOKEN_ROUNDS; round++) {
			if (this.renewal) await this.renewal;
			let response: RawResponse | ConnectionLost | Stale;
			// No token yet (first use, or known stale): one request fetches it, the others wait.
			if (this.credential.data.accessToken === '') response = await this.withNewToken(httpOptions);
			else {
				const version = this.tokenVersion;
				response = await this.authenticated(httpOptions);
				if ('stale' in response) continue;
				if ('lost' in response || !isTokenRejected(parseErrorResponse(response.statusCode, response.body))) return response;
				// Someone renewed the token since we sent: try again with the new one.
				if (this.tokenVersion !== version) continue;
				response = await this.withNewToken(httpOptions);
			}
			if (!('stale' in response)) return response;
		}
		return { lost: 'the access token kept being renewed while this request waited' };
	}

	/**
	 * Sends the request with a blanked token, so n8n runs the credential's preAuthentication,
	 * stores the new token and writes it into our copy. Single-flight: while one request does
	 * this, concurrent ones wait for it and then use the new token.
	 */
	private async withNewToken(httpOptions: IHttpRequestOptions): Promise<RawResponse | ConnectionLost | Stale> {
		if (this.renewal) {
			await this.renewal;
			return await this.authenticated(httpOptions);
		}
		let renewed: RawResponse | ConnectionLost | undefined;
		this.renewal = (async () => {
			this.credential.data.accessToken = '';
			try {
				renewed = (await this.authenticated(httpOptions, true)) as RawResponse | ConnectionLost;
			} finally {
				this.tokenVersion++;
			}
		})();
		try {
			await this.renewal;
		} finally {
			this.renewal = undefined;
		}
		return renewed as RawResponse | ConnectionLost;
	}

	/**
	 * One request with the application's token, in its turn under the client's bound. A request
	 * that was queued for a slot while a renewal began is not sent (it would find the token
	 * blanked, and n8n would fetch another one for it): it answers `stale`, and waits for the
	 * renewal instead. Only the renewer itself sends with the blanked token.
	 */
	private async authenticated(httpOptions: IHttpRequestOptions, renewer = false): Promise<RawResponse | ConnectionLost | Stale> {
		return await this.limited(async () => {
			if (!renewer && (this.renewal !== undefined || this.credential.data.accessToken === '')) return { stale: true } as const;
			return await this.exchange(() =>
				this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_TYPE, httpOptions, {
					credentialsDecrypted: this.credential,
				}),
			);
		});
	}

	/** Runs `task` in its turn when the client has a bound on requests in flight. */
	private async limited<T>(task: () => Promise<T>): Promise<T> {
		return this.limiter ? await this.limiter.run(task) : await task();
	}

	/** Runs one request; turns transport failures into ConnectionLost or a clean NodeApiError. */
	private async exchange(run: () => Promise<unknown>): Promise<RawResponse | ConnectionLost> {
		let response: unknown;
		let failure: unknown;
		try {
			response = await run();
		} catch (error) {
			failure = error ?? new Error('Request failed');
		}
		if (failure !== undefined) return this.transportFailure(failure);
		const full = response as Partial<RawResponse> | undefined;
		return {
			statusCode: Number(full?.statusCode ?? 200),
			headers: (full?.headers as Record<string, unknown>) ?? {},
			body: full?.body,
		};
	}

	private transportFailure(error: unknown): ConnectionLost {
		const cause = (error as { cause?: unknown }).cause ?? error;
		// n8n's httpRequestWithAuthentication wraps a reset socket in a NodeApiError whose code is
		// only in httpCode ("ECONNRESET") and whose message is n8n's own text.
		const code = String(
			(cause as { code?: unknown }).code ??
				(error as { code?: unknown }).code ??
				(error as { httpCode?: unknown }).httpCode ??
				'',
		);
		const message = String((cause as Error).message ?? (error as Error).message ?? '');
		if (
			/^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ECONNABORTED|ERR_SOCKET_CONNECTION_TIMEOUT|UND_ERR_SOCKET)$/.test(code) ||
			/socket hang up|ECONNRESET|ETIMEDOUT|timeout|connection to the server was closed unexpectedly/i.test(message)
		) {
			return {
				lost:
					code === 'ECONNREFUSED'
						? 'Could not connect to the IDaaS endpoint (connection refused)'
						: 'The connection to IDaaS was lost before a response arrived',
			};
		}
		if (error instanceof NodeOperationError) throw error;
		// Failures of the credential's token request and anything else: keep the message (the
		// credential writes it without secrets), drop the request, which holds the token.
		const clean = message.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]');
		throw new NodeApiError(this.node, { message: clean }, { message: clean });
	}
}

/** Runs pure request preparation, turning its errors into errors the n8n editor shows well. */
function asNodeError<T>(node: INode, run: () => T, itemIndex?: number): T {
	let result: T | undefined;
	let failure: unknown;
	try {
		result = run();
	} catch (error) {
		failure = error;
	}
	if (failure instanceof CredentialConfigError) {
		throw new NodeOperationError(node, `Credential: ${failure.message}`, {
			description: `Fix the "${failure.field}" field of the Alibaba Cloud IDaaS credential.`,
		});
	}
	if (failure instanceof ParameterError) {
		throw new NodeOperationError(node, failure.message, {
			itemIndex,
			description: `Check the "${failure.field}" field.`,
		});
	}
	if (failure !== undefined) throw new NodeOperationError(node, failure as Error, { itemIndex });
	return result as T;
}

function isObject(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A list page's totalCount, when it states one. Only a number counts: Number(null) and
 * Number('') are 0, which would end a walk after a full first page.
 */
export function totalCountOf(body: IDataObject): number | undefined {
	const total = body.totalCount;
	if (typeof total === 'number') return Number.isFinite(total) ? total : undefined;
	if (typeof total === 'string' && /^\d+$/.test(total.trim())) return Number(total);
	return undefined;
}

/** The ID of a list record, to drop duplicates when pages shift. */
function recordKey(record: IDataObject): string | undefined {
	const id = record.userId ?? record.organizationalUnitId ?? record.groupId;
	return typeof id === 'string' ? `${id}` : undefined;
}
