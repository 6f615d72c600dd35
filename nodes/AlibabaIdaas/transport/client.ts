import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationSpec } from '../catalog';
import { bytesOf } from './body';
import type { IdaasConnection, IdaasContext } from './context';
import { CREDENTIAL_TYPE } from './context';
import type { IdaasErrorInfo } from './errors';
import {
	isNotFound,
	isServerFault,
	isThrottled,
	parseErrorResponse,
	retryAfterMs,
	toNodeApiError,
} from './errors';
import { QueryFallback } from './formFallback';
import type { ConcurrencySetting } from './pacing';
import { Limiter, clock } from './pacing';
import type { PageView, PageWalk, WalkedPage } from './paging';
import { walkPageViews, walkPages } from './paging';
import { pamTokenUse } from './pamToken';
import type { HttpRequest, BuiltRequest } from './request';
import type { RetryPolicy } from './retryPolicy';
import { DEFAULT_RETRY, retryWait } from './retryPolicy';
import type { Sender } from './session';
import { Exchanges, TokenSession } from './session';

/**
 * The one way this package talks to IDaaS: where the Developer API lives (from the credential),
 * and sending a request the request layer built (request/build.ts) until it has an answer worth
 * returning. It knows nothing of the node's fields.
 */

/*
 * Where the Developer API lives. It is served on regional Alibaba Cloud endpoints (not on the
 * instance's own domain); the SDK always uses HTTPS (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-endpoint).
 */

export const REGION_ENDPOINTS: ReadonlyArray<{ name: string; value: string }> = [
	{ name: 'China (Hangzhou)', value: 'eiam-developerapi.cn-hangzhou.aliyuncs.com' },
	{ name: 'China (Hong Kong)', value: 'eiam-developerapi.cn-hongkong.aliyuncs.com' },
	{ name: 'South Korea (Seoul)', value: 'eiam-developerapi.ap-northeast-2.aliyuncs.com' },
	{ name: 'Singapore', value: 'eiam-developerapi.ap-southeast-1.aliyuncs.com' },
	{ name: 'Indonesia (Jakarta)', value: 'eiam-developerapi.ap-southeast-5.aliyuncs.com' },
	{ name: 'Germany (Frankfurt)', value: 'eiam-developerapi.eu-central-1.aliyuncs.com' },
	{ name: 'China (Hangzhou) - VPC', value: 'eiam-developerapi-cn.vpc-proxy.aliyuncs.com' },
	{ name: 'China (Hong Kong) - VPC', value: 'eiam-developerapi-hk.vpc-proxy.aliyuncs.com' },
	{ name: 'South Korea (Seoul) - VPC', value: 'eiam-developerapi-sel.vpc-proxy.aliyuncs.com' },
	{ name: 'Singapore - VPC', value: 'eiam-developerapi-sg.vpc-proxy.aliyuncs.com' },
	{ name: 'Indonesia (Jakarta) - VPC', value: 'eiam-developerapi-jk.vpc-proxy.aliyuncs.com' },
	{ name: 'Germany (Frankfurt) - VPC', value: 'eiam-developerapi-eu.vpc-proxy.aliyuncs.com' },
];

export const CUSTOM_ENDPOINT = 'custom';

/** Thrown for a credential that cannot be used; the message names the field and never a secret. */
export class CredentialConfigError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'CredentialConfigError';
	}
}

// Documented ID shapes are `idaas_` / `app_` plus lowercase letters and digits (examples of the API metadata);
// the exact alphabet is unconfirmed, so we allow what can never break out of a path segment.
const INSTANCE_ID = /^idaas_[A-Za-z0-9_-]{1,64}$/;
const APPLICATION_ID = /^app_[A-Za-z0-9_-]{1,64}$/;

function isLoopback(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '');
	return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The endpoint URL to send requests to. Custom endpoints must use https, except on loopback
 * addresses so the local emulator works; a bare host name gets https:// (as Alibaba's own PAM
 * client accepts `eiam-developerapi.<region>.aliyuncs.com`).
 */
export function resolveBaseUrl(region: unknown, customEndpoint: unknown): string {
	if (region !== CUSTOM_ENDPOINT) {
		const known = REGION_ENDPOINTS.find((endpoint) => endpoint.value === region);
		if (!known) {
			throw new CredentialConfigError(
				'region',
				`Unknown IDaaS region endpoint "${String(region)}"`,
			);
		}
		return `https://${known.value}`;
	}
	const raw = typeof customEndpoint === 'string' ? customEndpoint.trim() : '';
	if (!raw) {
		throw new CredentialConfigError(
			'customEndpoint',
			'The custom endpoint is empty: enter the Developer API URL',
		);
	}
	const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
	if (!URL.canParse(candidate)) {
		throw new CredentialConfigError(
			'customEndpoint',
			`The custom endpoint "${raw}" is not a valid URL`,
		);
	}
	const url = new URL(candidate);
	if (url.username || url.password || url.search || url.hash) {
		throw new CredentialConfigError(
			'customEndpoint',
			'The custom endpoint must be a plain URL without user info, query or fragment',
		);
	}
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
		throw new CredentialConfigError(
			'customEndpoint',
			'The custom endpoint must use https:// (plain http is only allowed for 127.0.0.1 or localhost)',
		);
	}
	return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

export function resolveConnection(credentials: Record<string, unknown>): IdaasConnection {
	const instanceId = String(credentials.instanceId ?? '').trim();
	const applicationId = String(credentials.applicationId ?? '').trim();
	if (!INSTANCE_ID.test(instanceId)) {
		throw new CredentialConfigError(
			'instanceId',
			'The instance ID must look like idaas_xxxxxxxx (letters, digits, _ and -); find it in the IDaaS console',
		);
	}
	if (!APPLICATION_ID.test(applicationId)) {
		throw new CredentialConfigError(
			'applicationId',
			'The application ID must look like app_xxxxxxxx (letters, digits, _ and -); find it on the application page',
		);
	}
	return {
		baseUrl: resolveBaseUrl(credentials.region, credentials.customEndpoint),
		instanceId,
		applicationId,
	};
}

export interface CallOptions {
	itemIndex?: number;
	/**
	 * For a non-idempotent write: asked only once its answer was lost (5xx, dropped connection),
	 * for a look-up of the object it would have made. Without one (no option, or it gives none)
	 * such a failure is not retried.
	 */
	recover?: () => Recovery | undefined;
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
 * One transport per execution (or poll, or list search; request/client.ts adds request preparation
 * on top): it reads the credential once and sends requests down one path, each file once: the
 * retry loop here, then the token session and the exchange through n8n's helpers (session.ts;
 * `httpRequestWithAuthentication`, so proxies, n8n's token handling and SSRF rules apply), in its
 * turn under the client's bound (pacing.ts).
 */
export class Transport {
	/** The node, read once: n8n's getNode() hands out a deep copy each time. */
	readonly node: INode;
	readonly connection: IdaasConnection;
	/** Every request this transport sends, under its bound on requests in flight (slowed by 429s: pacing.ts). */
	private readonly exchanges: Exchanges;
	private readonly session: TokenSession;
	private readonly retry: RetryPolicy;
	/** The credential as read, for the PAM token session made on first use. */
	private readonly data: ICredentialDataDecryptedObject;
	private readonly ctx: IdaasContext;

	constructor(parts: TransportParts) {
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
	static async connect<T extends Transport>(
		this: new (parts: TransportParts) => T,
		ctx: IdaasContext,
		retry: Partial<RetryPolicy> = {},
		concurrency: ConcurrencySetting = Infinity,
	): Promise<T> {
		const data = (await ctx.getCredentials(CREDENTIAL_TYPE)) as ICredentialDataDecryptedObject;
		const node = ctx.getNode();
		const connection = connectionOf(node, data);
		const exchanges = new Exchanges(ctx, node, new Limiter(concurrency));
		return new this({
			node,
			connection,
			exchanges,
			session: new TokenSession(ctx, node, data, exchanges),
			retry: { ...DEFAULT_RETRY, ...retry },
			data,
			ctx,
		});
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
		const body = await this.answer(request, options, query, false);
		return isObject(body) ? body : {};
	}

	/**
	 * Sends a built request of an idempotent operation and returns the response body as bytes,
	 * unparsed (body.ts); retries, token renewal, the bound and failures go as for send().
	 */
	async sendRaw(
		request: BuiltRequest,
		options: CallOptions = {},
		query: Record<string, string | number> = {},
	): Promise<Buffer> {
		if (!request.op.idempotent)
			throw new Error(`Catalog error: ${request.op.apiName} is not idempotent, read it parsed`);
		return bytesOf(await this.answer(request, options, query, true));
	}

	private async answer(
		request: BuiltRequest,
		options: CallOptions,
		query: Record<string, string | number>,
		raw: boolean,
	): Promise<unknown> {
		const { op } = request;
		const http: HttpRequest = { ...request.http, qs: { ...request.http.qs, ...query } };
		if (raw) http.raw = true;
		return await untilAnswered(this.senderOf(request), http, {
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
		return walkPages(
			this.walkOf(request, options),
			async (query) => await this.send(request, options, query),
		);
	}

	/**
	 * As pages(), with each page's body read from its bytes by `read` (given the responseKey)
	 * instead of parsed by n8n: for a walk that needs only some fields of most records.
	 */
	rawPages<P extends PageView>(
		request: BuiltRequest,
		read: (bytes: Buffer, responseKey: string) => P,
		options: ListOptions = {},
	): AsyncGenerator<WalkedPage<P>> {
		const walk = this.walkOf(request, options);
		return walkPageViews(walk, async (query) =>
			read(await this.sendRaw(request, options, query), walk.responseKey),
		);
	}

	private walkOf(request: BuiltRequest, options: ListOptions): PageWalk {
		const { op } = request;
		if (!op.pagination || !op.responseKey)
			throw new Error(`Catalog error: ${op.apiName} is not a list`);
		return {
			pagination: op.pagination,
			responseKey: op.responseKey,
			limit: options.limit,
			readAhead: options.readAhead,
		};
	}

	/** All records of a list operation, up to `limit`. */
	async list(request: BuiltRequest, options: ListOptions = {}): Promise<IDataObject[]> {
		const all: IDataObject[] = [];
		for await (const page of this.pages(request, options)) all.push(...page);
		return all;
	}
}

/*
 * Sending one request until it has an answer worth returning: backoff on throttling by the retry
 * policy (retryPolicy.ts); retries after 5xx or a lost connection only for idempotent operations,
 * and for creates only after checking the object was not created. Whatever fails in the end
 * becomes a NodeApiError with the IDaaS code, message and request ID.
 */

/** Looks up what a write whose answer was lost made: the response it would have given, or undefined if it was not applied (it is then sent again). */
export type Recovery = () => Promise<IDataObject | undefined>;

export interface Attempts {
	node: INode;
	op: OperationSpec;
	policy: RetryPolicy;
	itemIndex?: number;
	/** See CallOptions.recover. */
	recover?: () => Recovery | undefined;
	/** The client's healthy answers so far (pacing.ts): progress between two throttled tries. */
	healthyAnswers?: () => number;
}

function isObject(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Sends `request` until it succeeds or may not be retried; returns the response body ({} when empty). */
export async function withRetries(
	sender: Sender,
	request: HttpRequest,
	tries: Attempts,
): Promise<IDataObject> {
	const body = await untilAnswered(sender, request, tries);
	return isObject(body) ? body : {};
}

/** withRetries' loop: the successful answer's body as it came, or what a recovery found. */
async function untilAnswered(
	sender: Sender,
	request: HttpRequest,
	tries: Attempts,
): Promise<unknown> {
	const { node, op, policy, itemIndex, recover, healthyAnswers = () => 0 } = tries;
	const fail = (info: IdaasErrorInfo) => toNodeApiError(node, info, op, itemIndex);
	// A write whose response was lost may have happened: only a recovery may tell, before a resend.
	// It is asked for when an answer is first lost, so a request that is answered costs nothing.
	let recovery: Recovery | undefined | null = null;
	const recoveryOf = () => (recovery === null ? (recovery = recover?.()) : recovery);
	const retryable = () => op.idempotent || recoveryOf() !== undefined;
	const recovered = async () => (op.idempotent ? undefined : await recoveryOf()?.());
	let waited = 0;
	let tryNumber = 0;
	for (;;) {
		const progressBefore = healthyAnswers();
		const response = await sender.send(request);
		tryNumber++;
		if ('lost' in response) {
			const lost: IdaasErrorInfo = { status: 0, code: 'ConnectionLost', message: response.lost };
			if (!retryable() || tryNumber >= policy.maxAttempts) throw fail(lost);
			const found = await recovered();
			if (found) return found;
			waited += await backoff(policy, tryNumber, undefined, waited, () => fail(lost));
			continue;
		}
		if (response.statusCode >= 200 && response.statusCode < 300) return response.body;
		const info = parseErrorResponse(response.statusCode, response.body, response.headers);
		// Throttled with a wait to keep, while the tenant kept answering this client's other requests: the
		// gateway is pacing a bulk run at its rate, so the try is not counted (the wait budget still
		// bounds it). A 429 without a wait, or one that meets no progress, counts: a permanent one ends
		// after maxAttempts.
		const wait = retryAfterMs(response.headers);
		if (isThrottled(info) && wait !== undefined && wait > 0 && healthyAnswers() > progressBefore)
			tryNumber--;
		const serverFault = isServerFault(info) && retryable();
		if ((isThrottled(info) || serverFault) && tryNumber < policy.maxAttempts) {
			// A throttled request was not processed, so even a create may be sent again.
			if (serverFault) {
				const found = await recovered();
				if (found) return found;
			}
			waited += await backoff(policy, Math.max(1, tryNumber), wait, waited, () => fail(info));
			continue;
		}
		throw fail(info);
	}
}

/** Waits before the next try and returns how long; throws when the time budget is spent. */
async function backoff(
	policy: RetryPolicy,
	tryNumber: number,
	retryAfter: number | undefined,
	waitedSoFar: number,
	fail: () => Error,
): Promise<number> {
	const delay = retryWait(policy, tryNumber, retryAfter, waitedSoFar);
	if (delay === undefined) throw fail();
	await clock.wait(delay);
	return delay;
}
