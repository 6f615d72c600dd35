import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions, INode } from 'n8n-workflow';

import type { OperationSpec } from '../catalog';
import type { HttpRequest, PreparedRequest } from '../request/build';
import { prepareRequest } from '../request/build';
import { checked } from '../request/validation';
import type { IdaasContext } from './context';
import { CREDENTIAL_TYPE } from './context';
import type { IdaasConnection } from './endpoint';
import type { ConcurrencySetting } from './limiter';
import { Limiter } from './limiter';
import { resolveConnection } from './endpoint';
import { isNotFound } from './errors';
import { exchange } from './exchange';
import { walkPages } from './paging';
import type { RetryPolicy } from './retry';
import { DEFAULT_RETRY, verdictOf, withRetries } from './retry';
import { TokenSession } from './tokenRenewal';

export interface CallOptions {
	itemIndex?: number;
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

/** n8n's options for one request: the full response whatever its status, so we map errors ourselves. */
export function httpOptions(request: HttpRequest): IHttpRequestOptions {
	const form = request.form && { 'content-type': 'application/x-www-form-urlencoded' };
	return {
		method: request.method,
		url: request.url,
		qs: request.qs,
		body: request.form ? new URLSearchParams(request.form).toString() : request.body,
		json: true,
		headers: { accept: 'application/json', ...form, ...request.headers },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
}

/**
 * The one way this package talks to IDaaS. One client per execution (or poll, or list search):
 * it reads the credential once and sends every request through n8n's helpers
 * (`httpRequestWithAuthentication` for the application's token, so proxies, n8n's token handling
 * and SSRF rules apply), renewing the token (tokenRenewal.ts), retrying (retry.ts) and mapping
 * every failure to a NodeApiError with no part of the request (errors.ts).
 */
export class IdaasClient {
	private constructor(
		private readonly ctx: IdaasContext,
		/** The node, read once: n8n's getNode() hands out a deep copy each time. */
		readonly node: INode,
		readonly connection: IdaasConnection,
		private readonly session: TokenSession,
		private readonly retry: RetryPolicy,
		/** Bounds the HTTP requests this client has in flight at once, and slows them all on 429 (limiter.ts). */
		private readonly limiter: Limiter,
	) {}

	/**
	 * @param concurrency the most requests this client sends at once, across items and pages, or
	 * 'auto'; unbounded when absent (the trigger and list searches bound their own walks)
	 */
	static async create(ctx: IdaasContext, retry: Partial<RetryPolicy> = {}, concurrency: ConcurrencySetting = Infinity): Promise<IdaasClient> {
		const data = (await ctx.getCredentials(CREDENTIAL_TYPE)) as ICredentialDataDecryptedObject;
		const node = ctx.getNode();
		const connection = checked(node, () => resolveConnection(data));
		const limiter = new Limiter(concurrency, verdictOf);
		return new IdaasClient(ctx, node, connection, new TokenSession(ctx, node, data, limiter), { ...DEFAULT_RETRY, ...retry }, limiter);
	}

	/** Checks values against the catalog and builds the request; bad input throws a NodeOperationError naming the field. */
	prepare(op: OperationSpec, values: Record<string, unknown>, itemIndex?: number): PreparedRequest {
		return checked(this.node, () => prepareRequest(op, values, this.connection), itemIndex);
	}

	/** Sends a prepared request; returns the response body ({} when empty). */
	async send(request: PreparedRequest, options: CallOptions = {}, query: Record<string, string | number> = {}): Promise<IDataObject> {
		const { op } = request;
		const http: HttpRequest = { ...request.http, qs: { ...request.http.qs, ...query } };
		// Fresh options for every try, as before the split: n8n's helpers change the object they are
		// given (abortSignal, an empty body removed).
		const attempt =
			op.auth === 'bearer'
				? async () => await this.session.send(httpOptions(http))
				: async () => await this.limiter.run(async () => await exchange(this.node, () => this.ctx.helpers.httpRequest(httpOptions(http))));
		return await withRetries(attempt, {
			node: this.node,
			op,
			policy: this.retry,
			itemIndex: options.itemIndex,
			recover: options.recover,
			healthyAnswers: () => this.limiter.healthyAnswers,
		});
	}

	/** Prepares and sends one operation. */
	async call(op: OperationSpec, values: Record<string, unknown>, options: CallOptions = {}): Promise<IDataObject> {
		return await this.send(this.prepare(op, values, options.itemIndex), options);
	}

	/** Sends an ID look-up; undefined when no object matches. */
	async findId(request: PreparedRequest, options: CallOptions = {}): Promise<string | undefined> {
		let body: IDataObject = {};
		let failure: unknown;
		try {
			body = await this.send(request, options);
		} catch (error) {
			failure = error;
		}
		if (failure !== undefined) {
			if (isNotFound(failure)) return undefined;
			throw failure;
		}
		const id = body[request.op.responseKey ?? ''];
		return typeof id === 'string' && id !== '' ? id : undefined;
	}

	/** Each page's records of a list operation, in page order, up to `limit` (paging.ts). */
	pages(request: PreparedRequest, options: ListOptions = {}): AsyncGenerator<IDataObject[]> {
		const { op } = request;
		if (!op.pagination || !op.responseKey) throw new Error(`Catalog error: ${op.apiName} is not a list`);
		const walk = { pagination: op.pagination, responseKey: op.responseKey, limit: options.limit, readAhead: options.readAhead };
		return walkPages(walk, async (query) => await this.send(request, options, query));
	}

	/** All records of a list operation, up to `limit`. */
	async list(request: PreparedRequest, options: ListOptions = {}): Promise<IDataObject[]> {
		const all: IDataObject[] = [];
		for await (const page of this.pages(request, options)) all.push(...page);
		return all;
	}
}
