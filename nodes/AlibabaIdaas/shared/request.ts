import type { HttpMethod, OperationSpec } from '../catalog/types';
import type { IdaasConnection } from './endpoint';
import { normalizeValues } from './validation';

/** A request ready for n8n's HTTP helper: validated, with every path segment escaped. */
export interface BuiltRequest {
	method: HttpMethod;
	/** Absolute URL without query string. */
	url: string;
	qs: Record<string, string | number | boolean>;
	body?: Record<string, unknown>;
}

/**
 * Builds the request for one operation from parameter values keyed by their wire names.
 * Throws ParameterError (naming the field) before anything is sent.
 */
export function buildRequest(
	op: OperationSpec,
	values: Record<string, unknown>,
	connection: IdaasConnection,
): BuiltRequest {
	const normalized = normalizeValues(op.params, values);
	const pathValues: Record<string, string> = {
		instanceId: connection.instanceId,
		applicationId: connection.applicationId,
	};
	const qs: BuiltRequest['qs'] = {};
	let body: Record<string, unknown> | undefined;
	for (const param of op.params) {
		if (!(param.name in normalized)) continue;
		const value = normalized[param.name];
		if (param.in === 'path') pathValues[param.name] = String(value);
		else if (param.in === 'query') qs[param.name] = value as string | number | boolean;
		else (body ??= {})[param.name] = value;
	}
	const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
		const value = pathValues[name];
		if (value === undefined) throw new Error(`Catalog error: ${op.action} has no value for {${name}}`);
		return encodeURIComponent(value);
	});
	// Operations with body fields always send a JSON object, even an empty one (ReqBodyType json).
	const hasBodyParams = op.params.some((param) => param.in === 'body');
	return {
		method: op.method,
		url: `${connection.baseUrl}${path}`,
		qs,
		body: body ?? (hasBodyParams ? {} : undefined),
	};
}
