import type { INode } from 'n8n-workflow';
import * as workflow from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { catalogOp } from '../../nodes/AlibabaIdaas/catalog';
import type { HttpRequest } from '../../nodes/AlibabaIdaas/transport/request';
import type { Exchanged, Sender } from '../../nodes/AlibabaIdaas/transport/session';
import { withRetries } from '../../nodes/AlibabaIdaas/transport/client';
import type { RetryPolicy } from '../../nodes/AlibabaIdaas/transport/retryPolicy';
import { DEFAULT_RETRY } from '../../nodes/AlibabaIdaas/transport/retryPolicy';

/**
 * The retry loop on its own: a sender that answers from a script, and n8n's sleep replaced by a
 * recorder, so every wait is counted instead of slept.
 */

const node: INode = {
	id: 'n',
	name: 'IDaaS',
	type: 'alibabaIdaas',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const request: HttpRequest = { method: 'GET', url: 'https://example.test/v2/x', qs: {} };
const read = catalogOp('GetUser');
const create = catalogOp('CreateUser');
const policy: RetryPolicy = {
	maxAttempts: 4,
	baseDelayMs: 100,
	maxDelayMs: 1000,
	maxTotalWaitMs: 5000,
};

const ok = (body: unknown = { userId: 'user_1' }): Exchanged => ({
	statusCode: 200,
	headers: {},
	body,
});
const status = (
	statusCode: number,
	body: unknown = {},
	headers: Record<string, unknown> = {},
): Exchanged => ({
	statusCode,
	headers,
	body,
});
const lost: Exchanged = { lost: 'socket hang up' };
const throttled = (headers: Record<string, unknown> = {}) =>
	status(429, { code: 'Throttling.Api', message: 'slow down' }, headers);

/** Answers in order; the last answer repeats. */
function scripted(...answers: Exchanged[]): Sender & { sent: number } {
	const sender = {
		sent: 0,
		async send() {
			const answer = answers[Math.min(sender.sent, answers.length - 1)];
			sender.sent++;
			return answer;
		},
	};
	return sender;
}

let waits: number[];
beforeEach(() => {
	waits = [];
	jest.spyOn(workflow, 'sleep').mockImplementation(async (ms: number) => {
		waits.push(ms);
	});
	jest.spyOn(Math, 'random').mockReturnValue(0);
});
afterEach(() => jest.restoreAllMocks());

async function failure(promise: Promise<unknown>): Promise<NodeApiError> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(NodeApiError);
		return error as NodeApiError;
	}
	throw new Error('expected a NodeApiError');
}

describe('withRetries: answers', () => {
	test('returns the body of any 2xx answer, {} when it is not an object', async () => {
		expect(await withRetries(scripted(ok()), request, { node, op: read, policy })).toEqual({
			userId: 'user_1',
		});
		expect(
			await withRetries(scripted(status(204, '')), request, { node, op: read, policy }),
		).toEqual({});
		expect(
			await withRetries(scripted(status(299, { a: 1 })), request, { node, op: read, policy }),
		).toEqual({ a: 1 });
		for (const body of [null, undefined, [1, 2], 'text', 7]) {
			expect(
				await withRetries(scripted(status(200, body)), request, { node, op: read, policy }),
			).toEqual({});
		}
		expect(waits).toEqual([]);
	});

	test('an answer outside 2xx that is neither throttling nor a server fault fails at once with the IDaaS code, message and request ID', async () => {
		for (const code of [199, 300, 400, 404]) {
			const sender = scripted(
				status(code, { code: 'Some.Error', message: `refused ${code}`, requestId: 'REQ-1' }),
			);
			const error = await failure(
				withRetries(sender, request, { node, op: read, policy, itemIndex: 3 }),
			);
			expect(sender.sent).toBe(1);
			expect(error.message).toBe(`GetUser failed: refused ${code} [Some.Error]`);
			expect(error.errorResponse).toMatchObject({
				code: 'Some.Error',
				httpCode: String(code),
				requestId: 'REQ-1',
			});
			expect(error.context.itemIndex).toBe(3);
		}
		expect(waits).toEqual([]);
	});
});

describe('withRetries: lost connections', () => {
	test('an idempotent request is sent again after a lost connection, with exponential backoff', async () => {
		const sender = scripted(lost, lost, lost, ok());
		expect(await withRetries(sender, request, { node, op: read, policy })).toEqual({
			userId: 'user_1',
		});
		expect(sender.sent).toBe(4);
		// Math.random() = 0: half of base * 2^(try - 1).
		expect(waits).toEqual([50, 100, 200]);
	});

	test('an idempotent request gives up after maxAttempts tries with ConnectionLost', async () => {
		const sender = scripted(lost);
		const error = await failure(withRetries(sender, request, { node, op: read, policy }));
		expect(sender.sent).toBe(policy.maxAttempts);
		expect(waits).toHaveLength(policy.maxAttempts - 1);
		expect(error.errorResponse).toMatchObject({
			code: 'ConnectionLost',
			message: 'socket hang up',
			httpCode: '0',
		});
	});

	test('a create without a way to recover is never sent twice', async () => {
		const sender = scripted(lost, ok());
		const error = await failure(withRetries(sender, request, { node, op: create, policy }));
		expect(sender.sent).toBe(1);
		expect(error.errorResponse).toMatchObject({ code: 'ConnectionLost' });
		expect(waits).toEqual([]);
	});

	test('a create whose lost answer is found by the recovery returns what was found, without sending again', async () => {
		const sender = scripted(lost, ok());
		const recover = jest.fn(async () => ({ userId: 'found' }));
		expect(
			await withRetries(sender, request, { node, op: create, policy, recover: () => recover }),
		).toEqual({
			userId: 'found',
		});
		expect(sender.sent).toBe(1);
		expect(recover).toHaveBeenCalledTimes(1);
		expect(waits).toEqual([]);
	});

	test('a create the recovery did not find is sent again after a wait', async () => {
		const sender = scripted(lost, ok({ userId: 'new' }));
		const recover = jest.fn(async () => undefined);
		expect(
			await withRetries(sender, request, { node, op: create, policy, recover: () => recover }),
		).toEqual({
			userId: 'new',
		});
		expect(sender.sent).toBe(2);
		expect(recover).toHaveBeenCalledTimes(1);
		expect(waits).toEqual([50]);
	});

	test('an idempotent request never asks the recovery: sending again is safe', async () => {
		const recover = jest.fn(async () => ({ userId: 'found' }));
		const sender = scripted(lost, status(503), ok());
		expect(
			await withRetries(sender, request, { node, op: read, policy, recover: () => recover }),
		).toEqual({
			userId: 'user_1',
		});
		expect(recover).not.toHaveBeenCalled();
		expect(sender.sent).toBe(3);
	});
});

describe('withRetries: server faults', () => {
	test('an idempotent request is retried after 5xx, up to maxAttempts, then fails with the last answer', async () => {
		const sender = scripted(
			status(500, { code: 'InternalError', message: 'boom', requestId: 'R5' }),
		);
		const error = await failure(withRetries(sender, request, { node, op: read, policy }));
		expect(sender.sent).toBe(4);
		expect(waits).toEqual([50, 100, 200]);
		expect(error.errorResponse).toMatchObject({
			code: 'InternalError',
			httpCode: '500',
			requestId: 'R5',
		});
	});

	test('a 5xx on a create without recovery fails at once', async () => {
		const sender = scripted(status(502), ok());
		const error = await failure(withRetries(sender, request, { node, op: create, policy }));
		expect(sender.sent).toBe(1);
		expect(error.errorResponse).toMatchObject({ httpCode: '502' });
	});

	test('a 5xx on a create asks the recovery first and returns what it found', async () => {
		const recover = jest.fn(async () => ({ userId: 'found' }));
		const sender = scripted(status(500), ok());
		expect(
			await withRetries(sender, request, { node, op: create, policy, recover: () => recover }),
		).toEqual({
			userId: 'found',
		});
		expect(sender.sent).toBe(1);
	});

	test('a 5xx on a create the recovery did not find is sent again', async () => {
		const recover = jest.fn(async () => undefined);
		const sender = scripted(status(500), ok({ userId: 'new' }));
		expect(
			await withRetries(sender, request, { node, op: create, policy, recover: () => recover }),
		).toEqual({
			userId: 'new',
		});
		expect(sender.sent).toBe(2);
		expect(recover).toHaveBeenCalledTimes(1);
	});

	test('a 499 is not a server fault: no retry', async () => {
		const sender = scripted(status(499), ok());
		await failure(withRetries(sender, request, { node, op: read, policy }));
		expect(sender.sent).toBe(1);
	});
});

describe('withRetries: throttling', () => {
	test('a throttled create is sent again (it was not processed), without asking the recovery', async () => {
		const recover = jest.fn(async () => ({ userId: 'found' }));
		const sender = scripted(throttled(), ok({ userId: 'new' }));
		expect(
			await withRetries(sender, request, { node, op: create, policy, recover: () => recover }),
		).toEqual({
			userId: 'new',
		});
		expect(recover).not.toHaveBeenCalled();
		expect(sender.sent).toBe(2);
	});

	test('a Throttling code under another status is throttling too', async () => {
		const sender = scripted(status(400, { code: 'Throttling.User', message: 'later' }), ok());
		expect(await withRetries(sender, request, { node, op: create, policy })).toEqual({
			userId: 'user_1',
		});
		expect(sender.sent).toBe(2);
	});

	test('waits what Retry-After asks, capped by maxDelayMs', async () => {
		const sender = scripted(
			throttled({ 'retry-after': 'soon' }),
			throttled({ 'x-acs-retry-after': '700' }),
			throttled({ 'retry-after': '9' }),
			ok(),
		);
		await withRetries(sender, request, { node, op: read, policy });
		// 'soon' is neither delay-seconds nor a date: exponential backoff (try 1) instead.
		expect(waits).toEqual([50, 700, 1000]);
	});

	test('jitter spreads each wait between half and one and a half of the exponential step, capped', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0.999);
		const sender = scripted(throttled(), throttled(), throttled(), ok());
		await withRetries(sender, request, { node, op: read, policy: { ...policy, maxDelayMs: 300 } });
		expect(waits).toEqual([149.9, 299.8, 300]);
	});

	test('a permanent 429 ends after maxAttempts tries', async () => {
		const sender = scripted(throttled({ 'retry-after': '1' }));
		const error = await failure(withRetries(sender, request, { node, op: read, policy }));
		expect(sender.sent).toBe(4);
		expect(waits).toEqual([1000, 1000, 1000]);
		expect(error.errorResponse).toMatchObject({ code: 'Throttling.Api', httpCode: '429' });
	});

	test('tries throttled while the client kept getting healthy answers are not counted; the wait budget still ends them', async () => {
		let healthy = 0;
		const answers = [...Array(5).fill(throttled({ 'retry-after': '1' })), ok()] as Exchanged[];
		const sender: Sender & { sent: number } = {
			sent: 0,
			async send() {
				healthy++; // other requests of the run got answers meanwhile
				return answers[sender.sent++];
			},
		};
		const healthyAnswers = () => healthy;
		expect(await withRetries(sender, request, { node, op: read, policy, healthyAnswers })).toEqual({
			userId: 'user_1',
		});
		// Five throttled tries with maxAttempts 4: none counted; 5 s waited, the whole budget.
		expect(sender.sent).toBe(6);
		expect(waits).toEqual([1000, 1000, 1000, 1000, 1000]);

		// Same, with no progress: counted, so maxAttempts ends it.
		const stalled = scripted(...answers);
		await failure(
			withRetries(stalled, request, { node, op: read, policy, healthyAnswers: () => 0 }),
		);
		expect(stalled.sent).toBe(4);

		// Progress, but a 429 without a wait to keep: counted.
		healthy = 0;
		const noWait = {
			sent: 0,
			async send() {
				healthy++;
				noWait.sent++;
				return throttled();
			},
		};
		await failure(withRetries(noWait, request, { node, op: read, policy, healthyAnswers }));
		expect(noWait.sent).toBe(4);

		// Progress, but Retry-After: 0 (no wait): counted.
		healthy = 0;
		const zero = {
			sent: 0,
			async send() {
				healthy++;
				zero.sent++;
				return throttled({ 'retry-after': '0' });
			},
		};
		await failure(withRetries(zero, request, { node, op: read, policy, healthyAnswers }));
		expect(zero.sent).toBe(4);
	});

	test('a progress on a server fault does not make its try free', async () => {
		let healthy = 0;
		const sender = {
			sent: 0,
			async send() {
				healthy++;
				sender.sent++;
				return status(503, {}, { 'retry-after': '1' });
			},
		};
		await failure(
			withRetries(sender, request, { node, op: read, policy, healthyAnswers: () => healthy }),
		);
		expect(sender.sent).toBe(4);
	});
});

describe('withRetries: the wait budget', () => {
	test('gives up with the last failure when the next wait would pass maxTotalWaitMs; a wait that meets it exactly is kept', async () => {
		const budget = { ...policy, maxAttempts: 10, maxTotalWaitMs: 2000 };
		const exact = scripted(
			throttled({ 'retry-after': '1' }),
			throttled({ 'retry-after': '1' }),
			ok(),
		);
		expect(await withRetries(exact, request, { node, op: read, policy: budget })).toEqual({
			userId: 'user_1',
		});
		expect(waits).toEqual([1000, 1000]);

		waits = [];
		const over = scripted(throttled({ 'retry-after': '1' }));
		const error = await failure(withRetries(over, request, { node, op: read, policy: budget }));
		expect(over.sent).toBe(3);
		expect(waits).toEqual([1000, 1000]);
		expect(error.errorResponse).toMatchObject({ code: 'Throttling.Api' });

		waits = [];
		const lostOver = scripted(lost);
		const lostError = await failure(
			withRetries(lostOver, request, {
				node,
				op: read,
				policy: { ...budget, maxTotalWaitMs: 160 },
			}),
		);
		expect(waits).toEqual([50, 100]);
		expect(lostError.errorResponse).toMatchObject({ code: 'ConnectionLost' });
	});

	test('the default policy: six tries, 250 ms first step, 10 s longest wait, one minute in all', () => {
		expect(DEFAULT_RETRY).toEqual({
			maxAttempts: 6,
			baseDelayMs: 250,
			maxDelayMs: 10_000,
			maxTotalWaitMs: 60_000,
		});
	});
});
