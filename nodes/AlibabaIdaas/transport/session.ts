import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IHttpRequestOptions,
	INode,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { catalogOp } from '../catalog';
import { bytesOf, parsedBody } from './body';
import type { IdaasContext } from './context';
import { CREDENTIAL_TYPE } from './context';
import type { TokenRequestFailure } from './errors';
import {
	isThrottled,
	isTokenRejected,
	parseErrorResponse,
	retryAfterMs,
	toNodeApiError,
} from './errors';
import type { Limiter, Verdict } from './pacing';
import { clock } from './pacing';
import type { HttpRequest } from './request';

/**
 * How a request reaches IDaaS once the client has chosen it: the exchange through n8n's HTTP
 * helpers in its turn under the client's bound (pacing.ts), and, for requests with one of the
 * credential's tokens, the token session in front of it that renews the token when IDaaS refuses
 * it. A successful answer passes both untouched; only a failure is read for its IDaaS code.
 */

/*
 * The exchange: where the node, the polling trigger and the list searches call n8n's HTTP helpers
 * (the credential's own GenerateToken and the Event Trigger's key fetch aside). One exchange with
 * IDaaS, in its turn under the client's bound (pacing.ts), reduced to what the retry loop decides
 * on: a response of any status, or a connection lost before one arrived. Any other failure becomes
 * a NodeApiError that keeps the message and drops the request (which holds the token).
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

/** Not sent: when its turn came, the caller no longer wanted it (the token session below: a renewal began). */
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
function httpOptions(request: HttpRequest): IHttpRequestOptions {
	const form = request.form && { 'content-type': 'application/x-www-form-urlencoded' };
	return {
		method: request.method,
		url: request.url,
		qs: request.qs,
		body: request.form ? new URLSearchParams(request.form).toString() : request.body,
		// n8n-core passes `encoding` to axios as its responseType; `json` only adds the Accept header,
		// which is set here anyway.
		...(request.raw ? { json: false, encoding: 'arraybuffer' as const } : { json: true }),
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
			request,
			async () => await this.ctx.helpers.httpRequest(httpOptions(request)),
		)) as Exchanged;
	}

	/**
	 * With the application's token: n8n's httpRequestWithAuthentication given our copy of the
	 * credential (TokenSession below), so n8n runs the credential's preAuthentication when its token is
	 * blank. `unwanted` is asked once the turn has come, before sending.
	 */
	async authenticated(
		request: HttpRequest,
		credential: ICredentialsDecrypted & { data: ICredentialDataDecryptedObject },
		unwanted: () => boolean = () => false,
	): Promise<Exchanged | NotSent> {
		return await this.inTurn(
			request,
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
		request: HttpRequest,
		run: () => Promise<unknown>,
		unwanted: () => boolean = () => false,
	): Promise<Exchanged | NotSent> {
		const turn = await this.limiter.acquire();
		let answer: Exchanged | NotSent = { stale: true };
		try {
			if (!unwanted()) answer = await exchange(this.node, run, request.raw === true);
			return answer;
		} finally {
			this.limiter.release(turn, verdictOf(answer));
		}
	}
}

/**
 * Runs one request; turns transport failures into ConnectionLost or a clean NodeApiError. A raw
 * request's failure is parsed as n8n would have parsed it (body.ts), so that everything that reads
 * failures (throttling, token renewal, the retry loop's errors) reads them as for any request.
 */
async function exchange(
	node: INode,
	run: () => Promise<unknown>,
	raw: boolean,
): Promise<Exchanged> {
	let response: unknown;
	let failure: unknown;
	try {
		response = await run();
	} catch (error) {
		failure = error ?? new Error('Request failed');
	}
	if (failure !== undefined) return transportFailure(node, failure);
	const full = response as Partial<RawResponse> | undefined;
	const statusCode = Number(full?.statusCode ?? 200);
	const failed = statusCode < 200 || statusCode >= 300;
	return {
		statusCode,
		headers: (full?.headers as Record<string, unknown>) ?? {},
		body: raw ? (failed ? parsedBody(bytesOf(full?.body)) : bytesOf(full?.body)) : full?.body,
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

/*
 * The token session: requests with the application's access token, renewed when IDaaS refuses it.
 * IDaaS answers an expired or revoked token with `400 invalid_token`, which n8n does not treat as
 * expired (it only renews on 401). So we hand n8n our copy of the credential with the token blanked; n8n then runs
 * the credential's preAuthentication, stores the new token in the database and writes it into our
 * copy. Renewal is single-flight: concurrent items cause one GenerateToken, not many.
 *
 * Across executions (n8n queue mode: several workers, one database) each execution has its own
 * copy, so before renewing we read the stored credential again (n8n reads it from the database
 * each time): when another execution has stored a newer token, we take that one instead of
 * asking for yet another.
 *
 * The PAM token (pamToken.ts) goes the same way in a second session: its copy of the credential is
 * marked `tokenUse: pam`, so the credential's preAuthentication renews the PAM token and its
 * authenticate sends it. n8n calls preAuthentication only when the `accessToken` field is blank, so
 * that copy's `accessToken` is blank exactly when the PAM token must be renewed.
 */

/** How many times one request may find a renewal under way (and wait for it) before it gives up. */
const MAX_TOKEN_ROUNDS = 5;

const TOKEN_SAFETY_MARGIN_S = 60;

/**
 * A token refused after this long in use may have expired for every execution at once; those
 * that meet it wait a random moment (up to RENEWAL_JITTER_MS) before reading the stored
 * credential again, so that one of them renews and the others find its token. A token refused
 * sooner was just fetched or read, and nobody else is likely to have renewed it yet.
 */
const JITTER_AFTER_MS = 3000;
const RENEWAL_JITTER_MS = 1500;

export function isFreshAt(expiresAtText: unknown, now = Date.now()): boolean {
	const expiresAt = Number(expiresAtText);
	return !(
		Number.isFinite(expiresAt) &&
		expiresAt > 0 &&
		now / 1000 > expiresAt - TOKEN_SAFETY_MARGIN_S
	);
}

/**
 * Marks the copy of the credential a request for the PAM token goes out with (never stored by this
 * package; n8n may store the whole copy, which is harmless: every copy sets it explicitly).
 */
export const TOKEN_USE_FIELD = 'tokenUse';

/** Which of the credential's tokens a session sends: what its copy holds, and where the stored token is. */
export interface TokenUse {
	/** This session's copy of the credential, its `accessToken` blank when the token must be renewed first. */
	copy(data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject;
	/** The token the copy sends now ('' when none). */
	current(copy: ICredentialDataDecryptedObject): string;
	/** The stored credential's token when usable (fresh, issued for these settings), with the fields to take over. */
	stored(
		stored: ICredentialDataDecryptedObject,
	): { token: string; fields: ICredentialDataDecryptedObject } | undefined;
	/** Blanks the copy's token so that n8n runs preAuthentication. */
	blank(copy: ICredentialDataDecryptedObject): void;
	/** After a renewal: keeps `accessToken` non-blank while the renewed token is there. */
	renewed(copy: ICredentialDataDecryptedObject): void;
}

/** The application's Developer-API token, in `accessToken` and `expiresAt`. */
const DEVELOPER_API_TOKEN: TokenUse = {
	copy(data) {
		const copy: ICredentialDataDecryptedObject = { ...data, [TOKEN_USE_FIELD]: '' };
		// Known to be stale: renew up front instead of spending a request on a refusal.
		if (!isFreshAt(copy.expiresAt)) copy.accessToken = '';
		return copy;
	},
	current: (copy) => String(copy.accessToken ?? ''),
	stored(stored) {
		const token = typeof stored.accessToken === 'string' ? stored.accessToken : '';
		return token !== '' && isFreshAt(stored.expiresAt)
			? { token, fields: { accessToken: token, expiresAt: stored.expiresAt } }
			: undefined;
	},
	blank(copy) {
		copy.accessToken = '';
	},
	renewed() {},
};

export class TokenSession implements Sender {
	private renewal: Promise<void> | undefined;

	private tokenVersion = 0;

	/** When this session started using its current token (pacing.ts clock). */
	private tokenSince = clock.now();

	private readonly credential: ICredentialsDecrypted & { data: ICredentialDataDecryptedObject };

	/**
	 * @param data the decrypted credential, copied so that blanking the token never touches n8n's own
	 * @param exchanges the client's exchanges, under its bound on requests in flight
	 */
	constructor(
		private readonly ctx: IdaasContext,
		node: INode,
		data: ICredentialDataDecryptedObject,
		private readonly exchanges: Exchanges,
		private readonly use: TokenUse = DEVELOPER_API_TOKEN,
	) {
		const copy = use.copy(data);
		const nodeCredential = node.credentials?.[CREDENTIAL_TYPE];
		this.credential = {
			id: nodeCredential?.id ?? '',
			name: nodeCredential?.name ?? '',
			type: CREDENTIAL_TYPE,
			data: copy,
		};
	}

	/** One HTTP exchange with this session's token, with at most one token renewal. */
	async send(request: HttpRequest): Promise<Exchanged> {
		// A request that found a renewal under way when its turn came (`stale`) comes back here to
		// wait for the new token. Renewals that keep following one another end it after a few rounds.
		for (let round = 1; round <= MAX_TOKEN_ROUNDS; round++) {
			if (this.renewal) await this.renewal;
			let response: Exchanged | NotSent;
			// No token yet (first use, or known stale): one request fetches it, the others wait.
			if (this.credential.data.accessToken === '') response = await this.withNewToken(request);
			else {
				const version = this.tokenVersion;
				response = await this.authenticated(request);
				if ('stale' in response) continue;
				// An answer below 400 is never a refused token: only a failure is read for its code.
				if (
					'lost' in response ||
					response.statusCode < 400 ||
					!isTokenRejected(parseErrorResponse(response.statusCode, response.body))
				)
					return response;
				// Someone renewed the token since we sent: try again with the new one.
				if (this.tokenVersion !== version) continue;
				response = await this.withNewToken(request);
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
	private async withNewToken(request: HttpRequest): Promise<Exchanged | NotSent> {
		if (this.renewal) {
			await this.renewal;
			return await this.authenticated(request);
		}
		let renewed: Exchanged | NotSent = { stale: true };
		this.renewal = (async () => {
			const refused = this.use.current(this.credential.data);
			try {
				// Another execution's token: the caller goes round again and sends with it.
				if (await this.adoptStoredToken(refused)) return;
				this.use.blank(this.credential.data);
				renewed = (await this.authenticated(request, true)) as Exchanged;
				this.use.renewed(this.credential.data);
			} finally {
				this.tokenVersion++;
				this.tokenSince = clock.now();
			}
		})();
		try {
			await this.renewal;
		} finally {
			this.renewal = undefined;
		}
		return renewed;
	}

	/**
	 * Takes the stored credential's token if another execution renewed it meanwhile: non-empty,
	 * not the one refused, not near its stored expiry (and, for the PAM token, issued for the same
	 * settings). Returns whether it did.
	 */
	private async adoptStoredToken(refused: string): Promise<boolean> {
		if (refused !== '' && clock.now() - this.tokenSince > JITTER_AFTER_MS)
			await clock.wait(Math.random() * RENEWAL_JITTER_MS);
		const stored = this.use.stored(
			(await this.ctx.getCredentials(CREDENTIAL_TYPE)) as ICredentialDataDecryptedObject,
		);
		if (!stored || stored.token === refused) return false;
		Object.assign(this.credential.data, stored.fields);
		return true;
	}

	/**
	 * One request with the application's token, in its turn under the client's bound. A request
	 * that was queued for a slot while a renewal began is not sent (it would find the token
	 * blanked, and n8n would fetch another one for it): it answers `stale`, and waits for the
	 * renewal instead. Only the renewer itself sends with the blanked token.
	 */
	private async authenticated(request: HttpRequest, renewer = false): Promise<Exchanged | NotSent> {
		const renewing = () =>
			!renewer && (this.renewal !== undefined || this.credential.data.accessToken === '');
		return await this.exchanges.authenticated(request, this.credential, renewing);
	}
}
