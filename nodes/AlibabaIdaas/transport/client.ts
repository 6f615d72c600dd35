import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { IdaasContext } from './context';
import { CREDENTIAL_TYPE } from './context';
import type { IdaasConnection } from './endpoint';
import type { ConcurrencySetting } from './limiter';
import { Limiter } from './limiter';
import { CredentialConfigError, resolveConnection } from './endpoint';
import { isNotFound } from './errors';
import { Exchanges } from './exchange';
import { QueryFallback } from './formFallback';
import { walkPages } from './paging';
import type { RetryPolicy } from './retryPolicy';
import { withRetries } from './retry';
import { DEFAULT_RETRY } from './retryPolicy';
import type { Sender } from './exchange';
import { TokenSession, pamTokenUse } from './tokenRenewal';
import type { BuiltRequest, HttpRequest } from './request';

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

/** What a transport is made of: read once per execution from the credential. */
export interface TransportParts {
	node: INode;
	connection: IdaasConnection;
	exchanges: Exchanges;
	session: TokenSession;
	retry: RetryPolicy;
	data: ICredentialDataDecryptedObject;
	ctx: IdaasContext;
}

/** The credential's endpoint and IDs, or a NodeOperationError naming the credential field to fix. */
function connectionOf(node: INode, data: ICredentialDataDecryptedObject): IdaasConnection {
	let connection: IdaasConnection | undefined;
	let failure: unknown;
	try {
		connection = resolveConnection(data);
	} catch (error) {
		failure = error;
	}
	if (failure instanceof CredentialConfigError) {
		throw new NodeOperationError(node, `Credential: ${failure.message}`, {
			description: `Fix the "${failure.field}" field of the Alibaba Cloud IDaaS credential.`,
		});
	}
	if (failure !== undefined) throw new NodeOperationError(node, failure as Error);
	return connection as IdaasConnection;
}

/**
 * The one way this package talks to IDaaS: it sends requests the request layer built
 * (request/build.ts) and knows nothing of the node's fields. One transport per execution (or poll,
 * or list search; request/client.ts adds request preparation on top):
 * it reads the credential once; a request goes down one path, each file once: the retry loop
 * (retry.ts), the token session for requests with the application's token (tokenRenewal.ts), and
 * the exchange through n8n's helpers, in its turn under the client's bound (exchange.ts;
 * `httpRequestWithAuthentication`, so proxies, n8n's token handling and SSRF rules apply). Every
 * failure becomes a NodeApiError with no part of the request (errors.ts).
 */
export class Transport {
	/** The node, read once: n8n's getNode() hands out a deep copy each time. */
	readonly node: INode;
	readonly connection: IdaasConnection;
	/** Every request this transport sends, under its bound on requests in flight (slowed by 429s: limiter.ts). */
	private readonly exchanges: Exchanges;
	private readonly session: TokenSession;
	private readonly retry: RetryPolicy;
	/** The credential as read, for the PAM token session made on first use. */
	private readonly data: ICredentialDataDecryptedObject;
	private readonly ctx: IdaasContext;

	protected constructor(parts: TransportParts) {
		({
			node: this.node,
			connection: this.connection,
			exchanges: this.exchanges,
			session: this.session,
			retry: this.retry,
			data: this.data,
			ctx: this.ctx,
		} = parts);
	}

	/** Requests with the PAM client's token (pamToken.ts), renewed like the application's. */
	private pamSession?: TokenSession;

	/**
	 * @param concurrency the most requests this client sends at once, across items and pages, or
	 * 'auto'; unbounded when absent (the trigger and list searches bound their own walks)
	 */
	protected static async connect(
		ctx: IdaasContext,
		retry: Partial<RetryPolicy> = {},
		concurrency: ConcurrencySetting = Infinity,
	): Promise<TransportParts> {
		const data = (await ctx.getCredentials(CREDENTIAL_TYPE)) as ICredentialDataDecryptedObject;
		const node = ctx.getNode();
		const connection = connectionOf(node, data);
		const exchanges = new Exchanges(ctx, node, new Limiter(concurrency));
		return {
			node,
			connection,
			exchanges,
			session: new TokenSession(ctx, node, data, exchanges),
			retry: { ...DEFAULT_RETRY, ...retry },
			data,
			ctx,
		};
	}

	/**
	 * Who sends a request: the token session of the token it carries (a PAM operation's Token choice, else
	 * the catalog's `auth`), or the exchanges alone for a token given in the node or no token.
	 */
	private senderOf(request: BuiltRequest): Sender {
		const sender = this.tokenSenderOf(request);
		return request.op.sendAs === 'formOrQuery'
			? new QueryFallback(sender, request.op, this.ctx.logger)
			: sender;
	}

	private tokenSenderOf(request: BuiltRequest): Sender {
		switch (request.tokenSource) {
			case 'pamClient':
				this.pamSession ??= new TokenSession(
					this.ctx,
					this.node,
					this.data,
					this.exchanges,
					pamTokenUse(this.connection, this.data),
				);
				return this.pamSession;
			case 'application':
				return this.session;
			case 'field':
				return this.exchanges;
			default:
				return request.op.auth === 'bearer' ? this.session : this.exchanges;
		}
	}

	/** Sends a built request; returns the response body ({} when empty). */
	async send(
		request: BuiltRequest,
		options: CallOptions = {},
		query: Record<string, string | number> = {},
	): Promise<IDataObject> {
		const { op } = request;
		const http: HttpRequest = { ...request.http, qs: { ...request.http.qs, ...query } };
		return await withRetries(this.senderOf(request), http, {
			node: this.node,
			op,
			policy: this.retry,
			itemIndex: options.itemIndex,
			recover: options.recover,
			healthyAnswers: () => this.exchanges.limiter.healthyAnswers,
		});
	}

	/** Sends an ID look-up; undefined when no object matches. */
	async findId(request: BuiltRequest, options: CallOptions = {}): Promise<string | undefined> {
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
	pages(request: BuiltRequest, options: ListOptions = {}): AsyncGenerator<IDataObject[]> {
		const { op } = request;
		if (!op.pagination || !op.responseKey)
			throw new Error(`Catalog error: ${op.apiName} is not a list`);
		const walk = {
			pagination: op.pagination,
			responseKey: op.responseKey,
			limit: options.limit,
			readAhead: options.readAhead,
		};
		return walkPages(walk, async (query) => await this.send(request, options, query));
	}

	/** All records of a list operation, up to `limit`. */
	async list(request: BuiltRequest, options: ListOptions = {}): Promise<IDataObject[]> {
		const all: IDataObject[] = [];
		for await (const page of this.pages(request, options)) all.push(...page);
		return all;
	}
}
