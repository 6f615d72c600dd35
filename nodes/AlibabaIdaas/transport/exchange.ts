import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IHttpRequestOptions,
	INode,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { catalogOp } from '../catalog';
import type { HttpRequest } from './request';
import type { IdaasContext } from './context';
import { CREDENTIAL_TYPE } from './context';
import type { TokenRequestFailure } from './errors';
import { isThrottled, parseErrorResponse, retryAfterMs, toNodeApiError } from './errors';
import type { Limiter, Verdict } from './limiter';

/**
 * Where the node, the polling trigger and the list searches call n8n's HTTP helpers (the
 * credential's own GenerateToken and the Event Trigger's key fetch aside): one exchange with IDaaS, in its turn under
 * the client's bound (limiter.ts), reduced to what the retry loop decides on: a response of any
 * status, or a connection lost before one arrived. Any other failure becomes a NodeApiError that
 * keeps the message and drops the request (which holds the token).
 */

export interface RawResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** A failure with no HTTP answer (connection reset, timeout): the write may or may not have happened. */
export interface ConnectionLost {
	lost: string;
}

export type Exchanged = RawResponse | ConnectionLost;

/** Not sent: when its turn came, the caller no longer wanted it (tokenRenewal.ts: a renewal began). */
export interface NotSent {
	stale: true;
}

/** What sends one request: the exchanges themselves, or the token session in front of them. */
export interface Sender {
	send(request: HttpRequest): Promise<Exchanged>;
}

/**
 * n8n's options for one request: the full response whatever its status, so we map errors
 * ourselves. Built fresh for every try: n8n's helpers change the object they are given
 * (abortSignal, an empty body removed).
 */
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

/** What an exchange tells the client's limiter: throttled (and for how long), healthy, or neither. */
export function verdictOf(result: Exchanged | NotSent): Verdict {
	if (!('statusCode' in result)) return 'neutral';
	const { statusCode, headers, body } = result;
	if (statusCode < 400) return 'healthy';
	if (isThrottled(parseErrorResponse(statusCode, body, headers)))
		return { throttledMs: retryAfterMs(headers) ?? 0 };
	return statusCode < 500 ? 'healthy' : 'neutral';
}

/** One client's exchanges: every request it sends, under one bound. */
export class Exchanges implements Sender {
	constructor(
		private readonly ctx: IdaasContext,
		private readonly node: INode,
		readonly limiter: Limiter,
	) {}

	/** Without the application's token: the token endpoint, and operations that carry their own auth. */
	async send(request: HttpRequest): Promise<Exchanged> {
		return (await this.inTurn(
			async () => await this.ctx.helpers.httpRequest(httpOptions(request)),
		)) as Exchanged;
	}

	/**
	 * With the application's token: n8n's httpRequestWithAuthentication given our copy of the
	 * credential (tokenRenewal.ts), so n8n runs the credential's preAuthentication when its token is
	 * blank. `unwanted` is asked once the turn has come, before sending.
	 */
	async authenticated(
		request: HttpRequest,
		credential: ICredentialsDecrypted & { data: ICredentialDataDecryptedObject },
		unwanted: () => boolean = () => false,
	): Promise<Exchanged | NotSent> {
		return await this.inTurn(
			async () =>
				await this.ctx.helpers.httpRequestWithAuthentication.call(
					this.ctx,
					CREDENTIAL_TYPE,
					httpOptions(request),
					{
						credentialsDecrypted: credential,
					},
				),
			unwanted,
		);
	}

	private async inTurn(
		run: () => Promise<unknown>,
		unwanted: () => boolean = () => false,
	): Promise<Exchanged | NotSent> {
		const turn = await this.limiter.acquire();
		let answer: Exchanged | NotSent = { stale: true };
		try {
			if (!unwanted()) answer = await exchange(this.node, run);
			return answer;
		} finally {
			this.limiter.release(turn, verdictOf(answer));
		}
	}
}

/** Runs one request; turns transport failures into ConnectionLost or a clean NodeApiError. */
async function exchange(node: INode, run: () => Promise<unknown>): Promise<Exchanged> {
	let response: unknown;
	let failure: unknown;
	try {
		response = await run();
	} catch (error) {
		failure = error ?? new Error('Request failed');
	}
	if (failure !== undefined) return transportFailure(node, failure);
	const full = response as Partial<RawResponse> | undefined;
	return {
		statusCode: Number(full?.statusCode ?? 200),
		headers: (full?.headers as Record<string, unknown>) ?? {},
		body: full?.body,
	};
}

function transportFailure(node: INode, error: unknown): ConnectionLost {
	// The credential's GenerateToken (or PAM token request) failed in preAuthentication: its IDaaS code and request ID.
	const failure =
		error instanceof NodeApiError
			? (error.errorResponse as Partial<TokenRequestFailure> | undefined)
			: undefined;
	if (failure?.idaasTokenError)
		throw toNodeApiError(
			node,
			failure.idaasTokenError,
			catalogOp(failure.idaasTokenOperation ?? 'GenerateToken'),
		);
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
		/^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ECONNABORTED|ERR_SOCKET_CONNECTION_TIMEOUT|UND_ERR_SOCKET)$/.test(
			code,
		) ||
		/socket hang up|ECONNRESET|ETIMEDOUT|timeout|connection to the server was closed unexpectedly/i.test(
			message,
		)
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
	throw new NodeApiError(node, { message: clean }, { message: clean });
}
