import type { OperationSpec, PamTokenSource } from '../catalog';
import type { IdaasConnection } from '../transport/context';
import type { BuiltRequest, HttpRequest } from '../transport/request';
import { normalizeValues } from './validation';

/** One operation's request, checked once: the values as sent (what an output may echo) and the HTTP request. */
export interface PreparedRequest extends BuiltRequest {
	/** Normalized values by wire name; blank optional ones dropped. */
	values: Record<string, unknown>;
}

/**
 * Checks parameter values keyed by their wire names against the catalog and builds the request.
 * Throws ParameterError (naming the field) before anything is sent.
 */
export function prepareRequest(
	op: OperationSpec,
	values: Record<string, unknown>,
	connection: IdaasConnection,
	bearerToken?: string,
	tokenSource?: PamTokenSource,
): PreparedRequest {
	const normalized = normalizeValues(op.params, values);
	return {
		op,
		values: normalized,
		http: toHttpRequest(op, normalized, connection, bearerToken),
		tokenSource,
	};
}

/** The HTTP request alone, for callers that do not echo values. */
export function buildRequest(
	op: OperationSpec,
	values: Record<string, unknown>,
	connection: IdaasConnection,
): HttpRequest {
	return prepareRequest(op, values, connection).http;
}

/** Places values that normalizeValues already checked: path, query or body, as the catalog says. */
function toHttpRequest(
	op: OperationSpec,
	normalized: Record<string, unknown>,
	connection: IdaasConnection,
	bearerToken?: string,
): HttpRequest {
	const pathValues: Record<string, string> = {
		instanceId: connection.instanceId,
		applicationId: connection.applicationId,
	};
	const qs: HttpRequest['qs'] = {};
	let body: Record<string, unknown> | undefined;
	let form: Record<string, string> | undefined;
	for (const param of op.params) {
		if (!(param.name in normalized)) continue;
		const value = normalized[param.name];
		if (param.in === 'path') pathValues[param.name] = String(value);
		else if (op.sendAs) (form ??= {})[param.name] = String(value);
		else if (param.in === 'query') qs[param.name] = value as string | number | boolean;
		else (body ??= {})[param.name] = value;
	}
	const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
		const value = pathValues[name];
		if (value === undefined)
			throw new Error(`Catalog error: ${op.apiName} has no value for {${name}}`);
		return encodeURIComponent(value);
	});
	// Operations with body fields always send a JSON object, even an empty one (ReqBodyType json).
	const hasBodyParams = op.params.some((param) => param.in === 'body');
	const request: HttpRequest = {
		method: op.method,
		url: `${connection.baseUrl}${path}`,
		qs,
		body: body ?? (hasBodyParams ? {} : undefined),
	};
	if (op.sendAs) request.form = form ?? {};
	if (bearerToken !== undefined) request.headers = { Authorization: `Bearer ${bearerToken}` };
	return request;
}
