import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { SecretOutput } from '../catalog';
import type { PreparedRequest } from '../request/build';
import type { ItemRequest } from '../request/read';
import { simplify } from './simplify';

/**
 * What the node emits, shaped once from the request as it was sent and the response. Inputs are
 * echoed as they were sent (normalized) and never when the catalog marks them sensitive, so
 * passwords, codes and tokens given to the node do not come back out.
 */

export const REDACTED = '[redacted]';

/** The non-secret inputs of a successful call, as they were sent. */
export function publicValues({ op, values }: PreparedRequest): IDataObject {
	const out: IDataObject = {};
	for (const param of op.params) {
		if (!(param.name in values) || param.sensitive || param.fromCredential) continue;
		out[param.name] = values[param.name] as IDataObject[keyof IDataObject];
	}
	return out;
}

/** Text that may be JSON holding more than a plain value: never shown, even in a shown field. */
const JSON_TEXT = /^\s*[[{]/;

/** `value` with every value not at a shown path replaced; objects and lists keep their shape. */
function allowOnly(value: unknown, path: string, shown: ReadonlySet<string>): unknown {
	if (Array.isArray(value)) return value.map((entry) => allowOnly(entry, path, shown));
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, inner]) => [
				key,
				allowOnly(inner, path ? `${path}.${key}` : key, shown),
			]),
		);
	}
	if (value === null || value === undefined) return value;
	if (shown.has(path) && !(typeof value === 'string' && JSON_TEXT.test(value))) return value;
	return REDACTED;
}

/**
 * The answer of an operation that returns secrets, by allowlist: only the fields known to be
 * safe come out as they are, everything else reads [redacted] where it was, so the item shows
 * where a value was withheld. The request ID helps support and is never secret.
 */
export function withholdSecrets(body: IDataObject, secrets: SecretOutput): IDataObject {
	return allowOnly(body, '', new Set(['requestId', ...secrets.shown])) as IDataObject;
}

/** A user, OU or group record: simplified when asked and the operation returns one of those. */
export function recordItem(request: ItemRequest, record: IDataObject): IDataObject {
	return request.op.subject && request.simplify ? simplify(request.op.subject, record) : record;
}

/** The output item of a successful non-list operation. */
export function responseItem(request: ItemRequest, body: IDataObject): IDataObject {
	const { op } = request;
	// Nothing useful in the answer (delete, enable, membership…): say what was done.
	if (op.response === 'none')
		return { success: true, operation: op.operation, ...publicValues(request) };
	// One field answers (a new ID, a looked-up ID, parent IDs).
	if (op.responseKey) return { ...publicValues(request), [op.responseKey]: body[op.responseKey] };
	const secrets = op.hooks?.secrets;
	if (secrets) return request.includeSecrets ? body : withholdSecrets(body, secrets);
	return recordItem(request, body);
}

/** The error item Continue On Fail emits: message, and the IDaaS code and request ID if any. */
export function errorJson(error: unknown): IDataObject {
	const json: IDataObject = { error: (error as Error)?.message ?? String(error) };
	if (error instanceof NodeApiError) {
		const response = (error.errorResponse ?? {}) as IDataObject;
		if (typeof response.code === 'string') json.code = response.code;
		if (typeof response.requestId === 'string') json.requestId = response.requestId;
	}
	return json;
}
