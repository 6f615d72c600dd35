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

/** `body` with the field at `path` replaced, copying only the objects on the way. */
function withhold(body: IDataObject, [head, ...rest]: string[]): IDataObject {
	if (!(head in body)) return body;
	if (rest.length === 0) return { ...body, [head]: REDACTED };
	const inner = body[head];
	if (!inner || typeof inner !== 'object' || Array.isArray(inner)) return body;
	return { ...body, [head]: withhold(inner as IDataObject, rest) };
}

/** Replaces secret response fields: the item keeps the field, so it shows where a secret was withheld. */
export function withholdSecrets(body: IDataObject, secrets: SecretOutput): IDataObject {
	return secrets.fields.reduce((out, field) => withhold(out, field.split('.')), body);
}

/** A user, OU or group record: simplified when asked and the operation returns one of those. */
export function recordItem(request: ItemRequest, record: IDataObject): IDataObject {
	return request.op.subject && request.simplify ? simplify(request.op.subject, record) : record;
}

/** The output item of a successful non-list operation. */
export function responseItem(request: ItemRequest, body: IDataObject): IDataObject {
	const { op } = request;
	// Nothing useful in the answer (delete, enable, membership…): say what was done.
	if (op.response === 'none') return { success: true, operation: op.operation, ...publicValues(request) };
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
