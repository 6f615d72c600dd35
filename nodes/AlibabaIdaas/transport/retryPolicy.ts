/**
 * The one retry policy of the package: the node's requests (retry.ts) and the credential's token
 * requests wait and give up by it. Backoff on a throttled or failing server, bounded in tries and
 * in total time; Retry-After when the server gives one, else exponential with "equal jitter"
 * (half of each step fixed, half random, so that many clients do not come back at once:
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */

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

/**
 * How long to wait before try `tryNumber + 1`, or undefined when the policy gives up: the tries
 * are spent, or the wait would take the request past its time budget.
 * @param retryAfter what the server asked for, in ms (errors.ts retryAfterMs), if it did
 * @param waitedSoFar what this request has waited already
 */
export function retryWait(
	policy: RetryPolicy,
	tryNumber: number,
	retryAfter: number | undefined,
	waitedSoFar: number,
): number | undefined {
	if (tryNumber >= policy.maxAttempts) return undefined;
	const exponential = policy.baseDelayMs * 2 ** (tryNumber - 1);
	const delay = Math.min(
		policy.maxDelayMs,
		retryAfter ?? exponential / 2 + Math.random() * exponential,
	);
	return waitedSoFar + delay > policy.maxTotalWaitMs ? undefined : delay;
}
