import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { EventRejected } from './jose';

/**
 * The answer IDaaS reads: HTTP 200 with the request's events sorted into the four lists of
 * Alibaba's receiver SDK (https://github.com/aliyunidaas/java-push-sdk, SuccessResponseObject):
 * success stops further pushes of an event, as do skipped and failed; retried asks for it again.
 * This trigger never fails or retries an event it accepted: the workflow runs after the answer.
 */

export interface Outcome {
	eventId: string;
	eventCode: string;
	eventMessage: string;
}

export interface Answer extends IDataObject {
	successEvents: Outcome[];
	skippedEvents: Outcome[];
	failedEvents: Outcome[];
	retriedEvents: Outcome[];
}

export function emptyAnswer(): Answer {
	return { successEvents: [], skippedEvents: [], failedEvents: [], retriedEvents: [] };
}

export const SUCCESS = (eventId: string, eventMessage = 'SUCCESS'): Outcome => ({ eventId, eventCode: 'SUCCESS', eventMessage });
export const SKIPPED = (eventId: string, eventMessage: string): Outcome => ({ eventId, eventCode: 'auto_skipped', eventMessage });

/**
 * A refused request: 401 for a token that does not verify, 400 for a malformed one, 500 for
 * the receiver's own problem (keys unreachable, key misconfigured), which IDaaS retries. The
 * body is the SDK's error shape; nothing starts.
 */
export function refuse(ctx: IWebhookFunctions, rejected: EventRejected): IWebhookResponseData {
	const res = ctx.getResponseObject();
	res.status(rejected.status).json({
		error: rejected.status === 500 ? 'internal_error' : 'bad_request',
		errorDescription: rejected.message,
	});
	return { noWebhookResponse: true };
}
