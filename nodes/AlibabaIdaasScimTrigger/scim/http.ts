import type { IDataObject } from 'n8n-workflow';

import { badRequest } from './errors';

/**
 * Reading SCIM requests and writing SCIM answers on n8n's request and response objects.
 *
 * Bodies: SCIM clients send `application/scim+json` (RFC 7644 §3.1), which n8n does not parse: for
 * a node of version 1 it reads the raw body and parses only JSON, form, XML and text
 * (packages/cli/src/webhooks/webhook-helpers.ts parseRequestBody → middlewares/body-parser.ts
 * parseBody), leaving `req.rawBody`. The trigger parses the raw body itself, whatever JSON type
 * it is labelled with.
 */

interface RawRequest {
	body?: unknown;
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

interface Response {
	status(code: number): unknown;
	setHeader(name: string, value: string): unknown;
	end(body?: string): unknown;
}

async function rawText(request: RawRequest): Promise<string | undefined> {
	if (request.rawBody === undefined && typeof request.readRawBody === 'function')
		await request.readRawBody();
	const raw = request.rawBody;
	if (raw && raw.length > 0) return raw.toString('utf8');
	return undefined;
}

/** The JSON body, from the raw bytes when n8n left them unparsed. */
export async function readBody(request: RawRequest): Promise<unknown> {
	const text = await rawText(request);
	if (text !== undefined) {
		try {
			return JSON.parse(text) as unknown;
		} catch {
			throw badRequest('The request body is not valid JSON', 'invalidSyntax');
		}
	}
	if (
		request.body !== null &&
		typeof request.body === 'object' &&
		Object.keys(request.body).length > 0
	)
		return request.body;
	throw badRequest('The request has no body', 'invalidSyntax');
}

/** A token request's form fields (n8n parses `application/x-www-form-urlencoded`; read raw otherwise). */
export async function readForm(request: RawRequest): Promise<IDataObject> {
	if (
		request.body !== null &&
		typeof request.body === 'object' &&
		Object.keys(request.body).length > 0
	)
		return request.body as IDataObject;
	const text = await rawText(request);
	if (text === undefined) return {};
	const form: IDataObject = {};
	for (const [key, value] of new URLSearchParams(text)) form[key] = value;
	return form;
}

export function send(
	response: Response,
	status: number,
	body: IDataObject | undefined,
	headers: Record<string, string> = {},
	type = 'application/json',
): void {
	response.status(status);
	for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
	if (body === undefined || status === 204) {
		response.end();
		return;
	}
	response.setHeader('Content-Type', `${type}; charset=utf-8`);
	response.end(JSON.stringify(body));
}

/** A SCIM answer: `application/scim+json` (RFC 7644 §8.1). */
export function sendScim(
	response: Response,
	status: number,
	body: IDataObject | undefined,
	headers: Record<string, string> = {},
): void {
	send(response, status, body, headers, 'application/scim+json');
}
