import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { EventRejected } from './jose';

/**
 * The answer IDaaS reads: HTTP 200 with the request's events sorted into the four lists of
 * Alibaba's receiver SDK (https://github.com/aliyunidaas/java-push-sdk, SuccessResponseObject):
 * success stops further pushes of an event, as do skipped and failed; retried asks for it again.
 * This trigger never fails or retries an event it accepted: the workflow runs after the answer.
 *
 * The trigger writes every answer itself (as n8n's own signature-checking triggers do) rather
 * than leave the 200 to n8n's onReceived handling, for two reasons: n8n calls its static-data
 * save before it creates the execution only on this path, so the execution starts from static
 * data that already holds the new event IDs (on n8n 2.x a task runner hands the execution's copy
 * back as changed and n8n saves it at the end: a stale copy would erase them); and the status,
 * headers and body are exactly these on every n8n version.
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

export function accept(ctx: IWebhookFunctions, answer: Answer): void {
	ctx.getResponseObject().status(200).json(answer);
}

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
