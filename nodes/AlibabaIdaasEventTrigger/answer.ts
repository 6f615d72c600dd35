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

export const SUCCESS = (eventId: string, eventMessage = 'SUCCESS'): Outcome => ({
	eventId,
	eventCode: 'SUCCESS',
	eventMessage,
});
export const SKIPPED = (eventId: string, eventMessage: string): Outcome => ({
	eventId,
	eventCode: 'auto_skipped',
	eventMessage,
});
export const FAILED = (eventId: string, eventMessage: string): Outcome => ({
	eventId,
	eventCode: 'failed',
	eventMessage,
});

export function accept(ctx: IWebhookFunctions, answer: Answer): void {
	ctx.getResponseObject().status(200).json(answer);
}

/** The bodies of refusals: the same few words whatever the check, so a caller learns nothing from them. */
export const REFUSED = { error: 'bad_request', errorDescription: 'The event was refused' } as const;
export const NOT_PROCESSED = {
	error: 'internal_error',
	errorDescription: 'The event could not be processed',
} as const;

/**
 * A refused request: 401 for a token that does not verify, 400 for a malformed one, 500 for
 * the receiver's own problem (keys unreachable, key or option misconfigured), which IDaaS
 * retries. The body is the SDK's error shape and says only refused or not processed: whoever
 * sent the request may not be IDaaS, and which check failed would help them forge the next one
 * (OWASP, https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html).
 * The reason goes to n8n's log for the admin. Nothing starts.
 */
export function refuse(ctx: IWebhookFunctions, rejected: EventRejected): IWebhookResponseData {
	ctx.logger.warn(
		`Alibaba Cloud IDaaS Event Trigger: refused a request (${rejected.status}): ${rejected.message}`,
		{
			node: ctx.getNode().name,
			workflowId: ctx.getWorkflow().id,
		},
	);
	ctx
		.getResponseObject()
		.status(rejected.status)
		.json(rejected.status === 500 ? NOT_PROCESSED : REFUSED);
	return { noWebhookResponse: true };
}
