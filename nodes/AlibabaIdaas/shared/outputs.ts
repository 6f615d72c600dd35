import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { OperationSpec } from '../catalog/types';
import { placementOf } from './properties';
import type { Subject } from './simplify';
import { simplify } from './simplify';
import { normalizeValues } from './validation';

/**
 * What the node emits for each kind of response. Inputs are echoed only through the catalog's
 * normalization and never when the catalog marks them sensitive, so passwords, codes and tokens
 * given to the node do not come back out.
 */

export const TOKEN_FIELDS = ['access_token', 'refresh_token', 'id_token'] as const;

export const REDACTED = '[redacted]';

/** The non-secret inputs of a successful call, as they were sent. */
export function publicValues(op: OperationSpec, values: Record<string, unknown>): IDataObject {
	const normalized = normalizeValues(op.params, values);
	const out: IDataObject = {};
	for (const param of op.params) {
		if (!(param.name in normalized) || param.sensitive || placementOf(op, param) === 'skip') continue;
		out[param.name] = normalized[param.name] as IDataObject[keyof IDataObject];
	}
	return out;
}

/** Items for an operation whose success response carries nothing (delete, enable, membership…). */
export function actionResult(op: OperationSpec, values: Record<string, unknown>): IDataObject {
	return { success: true, operation: op.operation, ...publicValues(op, values) };
}

/** Items for an operation that answers one field (a new ID, a looked-up ID, parent IDs). */
export function keyedResult(op: OperationSpec, values: Record<string, unknown>, body: IDataObject): IDataObject {
	const key = op.responseKey as string;
	return { ...publicValues(op, values), [key]: body[key] };
}

export function recordResult(subject: Subject | undefined, record: IDataObject, simplified: boolean): IDataObject {
	return subject && simplified ? simplify(subject, record) : record;
}

/** Replaces issued token values unless the user asked for them. */
export function redactTokens(body: IDataObject, include: boolean): IDataObject {
	if (include) return body;
	const out: IDataObject = { ...body };
	for (const field of TOKEN_FIELDS) if (field in out) out[field] = REDACTED;
	return out;
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
