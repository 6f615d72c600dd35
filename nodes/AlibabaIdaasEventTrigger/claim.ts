import { createHash } from 'crypto';
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { EventRejected } from './jose';
import { claimNew } from './ledger';

/**
 * Exactly once across several n8n webhook processors (queue mode, `n8n webhook` behind a load
 * balancer, https://docs.n8n.io/hosting/scaling/queue-mode/#webhook-processors).
 *
 * Each processor loads the workflow, and its static data, from the database for every request,
 * and n8n writes the whole static data back after the webhook answered, unconditionally
 * (packages/cli/src/webhooks/live-webhooks.ts, executeWebhook; packages/cli/src/workflows/
 * workflow-static-data.service.ts, saveStaticDataById). Two processors that get the same event
 * at once both read a record without it, and the later save erases the earlier one's IDs: the
 * static data cannot decide who starts an event. The webhook context offers nothing shared
 * besides it (no data tables, no deduplication helpers: packages/core/src/execution-engine/
 * node-execution-context/webhook-context.ts gives request and binary helpers only).
 *
 * So the decision is made in one place: with a Claim URL set, every processor asks one n8n
 * instance (this trigger's production URL on the main instance) which of the request's event
 * IDs are new. That instance decides in its in-memory ledger, one synchronous step per request
 * in one Node.js process, and is the only writer of the ledger's static data. The question
 * carries the delivery's own signed token, which the deciding instance verifies as it verifies
 * any delivery: nobody without a token signed by IDaaS can claim an event ID.
 */

export interface ClaimRequest {
	/** The delivery's token, verified again by the instance that decides. */
	event: string;
	/** The event IDs asked for: a subset of the token's. */
	claim: string[];
}

export interface ClaimAnswer {
	fresh: string[];
}

/** Whether a request body is a claim from another processor rather than a delivery from IDaaS. */
export function isClaimRequest(body: unknown): body is ClaimRequest {
	return typeof body === 'object' && body !== null && Array.isArray((body as IDataObject).claim);
}

/** The Claim URL option: empty for a single n8n, otherwise an http(s) URL without user info. */
export function claimUrlOf(options: IDataObject): string | undefined {
	const raw = typeof options.claimUrl === 'string' ? options.claimUrl.trim() : '';
	if (!raw) return undefined;
	const url = URL.canParse(raw) ? new URL(raw) : undefined;
	if (!url || !['http:', 'https:'].includes(url.protocol) || url.username || url.password) {
		throw new EventRejected(
			`The option Claim URL must be an http:// or https:// URL, not ${JSON.stringify(raw).slice(0, 60)}`,
			500,
		);
	}
	return url.toString();
}

/**
 * Answers already given, per delivery token: a processor whose question timed out asks again with
 * the same token and gets the same answer, instead of "duplicate" for events it was granted but
 * never heard about (which would lose them). Bounded, oldest forgotten first.
 */
const answered = new Map<string, string[]>();
const MAX_ANSWERS = 10_000;

/** The deciding instance: the claimed IDs that belong to the verified token and were not seen before. */
export function answerClaim(
	scope: string,
	staticData: IDataObject,
	request: ClaimRequest,
	tokenEventIds: readonly string[],
	limit: number,
): ClaimAnswer {
	const key = `${scope}:${createHash('sha256').update(request.event).digest('base64url')}`;
	const earlier = answered.get(key);
	if (earlier) return { fresh: earlier };
	const inToken = new Set(tokenEventIds);
	const asked = request.claim.filter(
		(id): id is string => typeof id === 'string' && inToken.has(id),
	);
	const fresh = [...claimNew(scope, staticData, asked, limit)];
	answered.set(key, fresh);
	if (answered.size > MAX_ANSWERS) answered.delete(answered.keys().next().value as string);
	return { fresh };
}

/** Tests: forget the answers given (as a restarted n8n would). */
export function clearClaimAnswers(): void {
	answered.clear();
}

/**
 * How long a processor waits for the decision: far longer than the 10 s IDaaS waits for its
 * answer, on purpose. A decision the processor stopped waiting for may have granted the event,
 * and IDaaS's retry would then be answered duplicate: the event lost. Waiting instead, the
 * processor starts the event late; IDaaS, having given up on that answer, retries, and the retry
 * is answered duplicate. A second question with the same token gets the same answer (answerClaim).
 */
const ATTEMPTS = 2;
const ATTEMPT_TIMEOUT_MS = 30_000;

/**
 * A processor: asks the deciding instance which of `eventIds` are new, a second time with the
 * same token if the first question got no answer. Any failure after that (unreachable, timeout,
 * an answer of the wrong shape) refuses the delivery with 500, which IDaaS retries: nothing
 * starts that was not decided.
 */
export async function claimRemotely(
	this: IWebhookFunctions,
	url: string,
	token: string,
	eventIds: readonly string[],
): Promise<Set<string>> {
	if (eventIds.length === 0) return new Set();
	let answer: unknown;
	let failure: unknown;
	for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
		try {
			answer = await this.helpers.httpRequest({
				method: 'POST',
				url,
				body: { event: token, claim: eventIds },
				json: true,
				timeout: ATTEMPT_TIMEOUT_MS,
			});
			failure = undefined;
			break;
		} catch (error) {
			failure = error;
		}
	}
	if (failure !== undefined)
		throw new EventRejected(
			`The Claim URL did not answer: ${String((failure as Error)?.message ?? failure)}`.slice(
				0,
				300,
			),
			500,
		);
	const fresh = (answer as Partial<ClaimAnswer> | undefined)?.fresh;
	if (!Array.isArray(fresh))
		throw new EventRejected('The Claim URL answered without a list of fresh event IDs', 500);
	const asked = new Set(eventIds);
	return new Set(fresh.filter((id): id is string => typeof id === 'string' && asked.has(id)));
}
