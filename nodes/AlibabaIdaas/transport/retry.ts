import type { IDataObject, INode } from 'n8n-workflow';

import type { OperationSpec } from '../catalog';
import type { HttpRequest } from './request';
import { clock } from './clock';
import type { Sender } from './exchange';
import type { IdaasErrorInfo } from './errors';
import {
	isServerFault,
	isThrottled,
	parseErrorResponse,
	retryAfterMs,
	toNodeApiError,
} from './errors';
import type { RetryPolicy } from './retryPolicy';
import { retryWait } from './retryPolicy';

/**
 * Sending one request until it has an answer worth returning: backoff on throttling by the retry
 * policy (retryPolicy.ts); retries after 5xx or a lost
 * connection only for idempotent operations, and for creates only after checking the object was
 * not created. Whatever fails in the end becomes a NodeApiError with the IDaaS code, message and
 * request ID.
 */

export interface Attempts {
	node: INode;
	op: OperationSpec;
	policy: RetryPolicy;
	itemIndex?: number;
	/** See CallOptions.recover. */
	recover?: () => Promise<IDataObject | undefined>;
	/** The client's healthy answers so far (limiter.ts): progress between two throttled tries. */
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
	const { node, op, policy, itemIndex, recover, healthyAnswers = () => 0 } = tries;
	const fail = (info: IdaasErrorInfo) => toNodeApiError(node, info, op, itemIndex);
	// A write whose response was lost may have happened: only a recovery may tell, before a resend.
	const retryable = op.idempotent || recover !== undefined;
	const recovered = async () => (op.idempotent || !recover ? undefined : await recover());
	let waited = 0;
	let tryNumber = 0;
	for (;;) {
		const progressBefore = healthyAnswers();
		const response = await sender.send(request);
		tryNumber++;
		if ('lost' in response) {
			const lost: IdaasErrorInfo = { status: 0, code: 'ConnectionLost', message: response.lost };
			if (!retryable || tryNumber >= policy.maxAttempts) throw fail(lost);
			const found = await recovered();
			if (found) return found;
			waited += await backoff(policy, tryNumber, undefined, waited, () => fail(lost));
			continue;
		}
		if (response.statusCode >= 200 && response.statusCode < 300) {
			return isObject(response.body) ? response.body : {};
		}
		const info = parseErrorResponse(response.statusCode, response.body, response.headers);
		// Throttled with a wait to keep, while the tenant kept answering this client's other requests: the
		// gateway is pacing a bulk run at its rate, so the try is not counted (the wait budget still
		// bounds it). A 429 without a wait, or one that meets no progress, counts: a permanent one ends
		// after maxAttempts.
		const wait = retryAfterMs(response.headers);
		if (isThrottled(info) && wait !== undefined && wait > 0 && healthyAnswers() > progressBefore)
			tryNumber--;
		const serverFault = isServerFault(info) && retryable;
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
