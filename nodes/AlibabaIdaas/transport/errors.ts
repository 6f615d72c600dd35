import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { OperationSpec } from '../catalog';

/** What an IDaaS error response says, whichever spelling the server used. */
export interface IdaasErrorInfo {
	status: number;
	code: string;
	message: string;
	requestId?: string;
}

function pick(body: Record<string, unknown>, ...keys: string[]): string | undefined {
	for (const key of keys) {
		const value = body[key];
		if (typeof value === 'string' && value !== '') return value;
	}
	return undefined;
}

/**
 * Reads an error body. The sources disagree on field names: the SDK runtime
 * (@alicloud/openapi-client src/client.ts) reads code/Code, message/Message, requestId/RequestId;
 * the OAuth endpoints answer error/error_description/request_id (github.com/cloud-idaas client
 * SDKs). We accept all of them.
 */
export function parseErrorResponse(
	status: number,
	body: unknown,
	headers: Record<string, unknown> = {},
): IdaasErrorInfo {
	const object = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
	const text = typeof body === 'string' ? body.slice(0, 200) : undefined;
	const headerId = headers['x-acs-request-id'];
	return {
		status,
		code: pick(object, 'code', 'Code', 'error') ?? `HTTP_${status}`,
		message:
			pick(object, 'message', 'Message', 'error_description', 'errorMessage') ??
			text ??
			`The IDaaS API answered HTTP ${status}`,
		requestId:
			pick(object, 'requestId', 'RequestId', 'request_id', 'requestid') ??
			(typeof headerId === 'string' ? headerId : undefined),
	};
}

/**
 * What the credential's preAuthentication throws when GenerateToken fails: n8n wraps it in a
 * NodeApiError whose errorResponse is this object, and session.ts maps it with toNodeApiError.
 */
export interface TokenRequestFailure {
	message: string;
	idaasTokenError: IdaasErrorInfo;
	/** The token operation that failed (GenerateToken, or GenerateTokenByAuthorizationServer for the PAM token). */
	idaasTokenOperation?: string;
}

/**
 * An OAuth endpoint saying it found no value for a required parameter (400 invalid_request "Missing
 * parameter: …", the wording of IDaaS's token endpoints): what a server that reads the query string
 * only would answer a form body. The message names the parameter, never its value.
 */
export function isMissingParameter(info: IdaasErrorInfo): boolean {
	return (
		info.status === 400 &&
		info.code === 'invalid_request' &&
		/missing (required )?parameter/i.test(info.message)
	);
}

/** The API answers an expired or revoked token with 400 invalid_token, not 401 (zh API metadata). */
export function isTokenRejected(info: IdaasErrorInfo): boolean {
	return info.code === 'invalid_token' || info.status === 401;
}

export function isThrottled(info: IdaasErrorInfo): boolean {
	return info.status === 429 || /^Throttling/i.test(info.code);
}

export function isServerFault(info: IdaasErrorInfo): boolean {
	return info.status >= 500;
}

/** Whether a NodeApiError from the transport says the looked-up object does not exist. */
export function isNotFound(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const code = (error.errorResponse as IDataObject | undefined)?.code;
	// Look-ups answer 400 ResourceNotFound.UserId (documented), gets 404 ResourceNotFound.User.
	return typeof code === 'string' && code.startsWith('ResourceNotFound');
}

/** What to do about the common failures, in the words of the console. */
export function hintFor(info: IdaasErrorInfo, op?: OperationSpec): string | undefined {
	switch (info.code) {
		case 'permission_denied':
			return `The application lacks a Developer API permission${
				op?.scope ? ` (${op.scope})` : ''
			}. In the IDaaS console open the application, go to API access (IDaaS API), and grant it.`;
		case 'OrganizationUnitIdNotInScopes':
			return "The object is outside the application's synchronization (provisioning) scope. Add its organizational unit to the scope on the application's provisioning page, or pick an object inside it.";
		case 'application_api_disabled':
			return 'The Developer API is not enabled for this application. Enable API access on the application in the IDaaS console.';
		case 'application_disabled':
			return 'The application is disabled. Enable it in the IDaaS console.';
		case 'application_not_found':
		case 'instance_not_found':
			return 'Check the instance ID, application ID and region (endpoint) in the credential.';
		case 'invalid_token':
			// Tokens given in the node (GetUserInfo, PAM) are not the credential's and are never renewed.
			if (op?.auth === 'userBearer' || op?.auth === 'pamBearer') {
				return `The ${op.auth === 'userBearer' ? 'User Access Token' : 'Access Token'} given in the node is invalid, expired or revoked. Get a fresh one.`;
			}
			return "The access token was refused even after renewing it. Check the credential, and that the application's client secret has not been reset.";
		case 'invalid_client':
		case 'invalid_grant':
			return 'The client ID or client secret was refused, or client credentials are not enabled for the application.';
	}
	if (info.status === 429 || /^Throttling/i.test(info.code)) {
		return "IDaaS is throttling requests. The node already waited and retried; lower the node's concurrency or run it less often.";
	}
	if (info.code.startsWith('ResourceNotFound')) {
		return 'The object does not exist, or was deleted. Check the ID you passed.';
	}
	return undefined;
}

/** A NodeApiError carrying the IDaaS code, message and request ID, and nothing from the request. */
export function toNodeApiError(
	node: INode,
	info: IdaasErrorInfo,
	op?: OperationSpec,
	itemIndex?: number,
): NodeApiError {
	const hint = hintFor(info, op);
	const details = [
		`Code: ${info.code}`,
		info.requestId ? `Request ID: ${info.requestId}` : undefined,
		hint,
	]
		.filter(Boolean)
		.join('. ');
	const errorResponse: JsonObject = {
		code: info.code,
		message: info.message,
		httpCode: String(info.status),
		...(info.requestId ? { requestId: info.requestId } : {}),
	};
	const message = `${op ? `${op.apiName} failed: ` : ''}${info.message} [${info.code}]`;
	const error = new NodeApiError(node, errorResponse, {
		message,
		description: details,
		httpCode: String(info.status),
		itemIndex,
	});
	// NodeApiError swaps any message containing "ENOTFOUND" for a DNS-failure text, and
	// "ResourceNotFound" contains it: keep the API's own message.
	error.message = message;
	return error;
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name];
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' || typeof first === 'number' ? String(first).trim() : undefined;
}

/**
 * How long a 429 asks us to wait, in ms, if it says. `x-acs-retry-after` first: Alibaba's OpenAPI
 * runtime reads it as whole milliseconds and ignores values of 0 or less (getThrottlingTimeLeft
 * in https://github.com/aliyun/darabonba-openapi/blob/master/ts/src/utils.ts). Then `Retry-After`
 * (RFC 9110 10.2.3): delay-seconds, or an HTTP date.
 */
export function retryAfterMs(
	headers: Record<string, unknown>,
	now = Date.now(),
): number | undefined {
	const acs = header(headers, 'x-acs-retry-after');
	if (acs && /^\d+$/.test(acs) && Number(acs) > 0) return Number(acs);
	const standard = header(headers, 'retry-after');
	if (!standard) return undefined;
	if (/^\d+$/.test(standard)) return Number(standard) * 1000;
	const date = Date.parse(standard);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
