import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { IdKind, OperationSpec, PamTokenSource, ParamSpec, TextFormat } from '../catalog';
import { ID_NOUN, ID_PREFIX, labelOf, withArticle } from '../catalog';
import { CredentialConfigError } from '../transport/client';
import type { IdaasConnection } from '../transport/context';
import type { BuiltRequest, HttpRequest } from '../transport/request';

/**
 * A request from values keyed by their wire names: each value checked against the catalog and
 * normalized to what goes on the wire, then placed in the path, query or body, so that bad input
 * gets an error naming the field instead of a round trip and a terse API code.
 */

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

/**
 * A field as errors name it: the editor label and the parameter key, "User (userId)". An AI agent
 * fills the field under a key of its own (the `$fromAI` key), so its error names both.
 */
export class Field {
	private text?: string;

	constructor(
		/** The label, or how to make it: made only when an error needs it, as most values pass. */
		private readonly labelText: string | (() => string),
		readonly key: string,
	) {}

	get label(): string {
		this.text ??= typeof this.labelText === 'string' ? this.labelText : this.labelText();
		return this.text;
	}

	toString(): string {
		return `${this.label} (${this.key})`;
	}
}

export class ParameterError extends Error {
	constructor(
		readonly field: Field | string,
		message: string,
	) {
		super(message);
		this.name = 'ParameterError';
	}

	/** The editor label of the field, for "Check the … field". */
	get label(): string {
		return typeof this.field === 'string' ? this.field : this.field.label;
	}
}

/**
 * Runs request preparation (credential and parameter checks), turning its errors into errors the
 * n8n editor shows well: the message, and which field to fix.
 */
export function checked<T>(node: INode, run: () => T, itemIndex?: number): T {
	let result: T | undefined;
	let failure: unknown;
	try {
		result = run();
	} catch (error) {
		failure = error;
	}
	if (failure instanceof CredentialConfigError) {
		throw new NodeOperationError(node, `Credential: ${failure.message}`, {
			description: `Fix the "${failure.field}" field of the Alibaba Cloud IDaaS credential.`,
		});
	}
	if (failure instanceof ParameterError) {
		// The hint is part of the message: an AI agent's model is handed the message, and n8n 2.8
		// leaves the description out of it.
		const hint = `Check the "${failure.label}" field.`;
		throw new NodeOperationError(node, `${failure.message}. ${hint}`, {
			itemIndex,
			description: hint,
		});
	}
	if (failure !== undefined) throw new NodeOperationError(node, failure as Error, { itemIndex });
	return result as T;
}

const FORMATS: Record<TextFormat, { pattern: RegExp; hint: string }> = {
	// Prefix of letters, digits, . _ - (zh API metadata); we also accept + as most directories do.
	email: {
		pattern: /^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/,
		hint: 'a valid email address such as jane@example.com',
	},
	phoneNumber: { pattern: /^\d{6,15}$/, hint: '6 to 15 digits, without the country code' },
	phoneRegion: {
		pattern: /^\d{1,4}$/,
		hint: 'a country code of 1 to 4 digits without + or 00, e.g. 86',
	},
	username: { pattern: /^[A-Za-z0-9_.@-]+$/, hint: 'letters, digits and _ . @ - only' },
};

/** Whether a value counts as "not given" (n8n leaves empty strings for untouched fields). */
export function isBlank(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		(typeof value === 'string' && value.trim() === '') ||
		(Array.isArray(value) && value.length === 0)
	);
}

function describe(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** What a value in a URL path may be: one segment of an ID's alphabet, so it can never add a segment. */
const PATH_VALUE = /^[A-Za-z0-9_-]{1,128}$/;

function checkId(value: string, kind: IdKind, field: Field | string): string {
	const id = value.trim();
	const prefix = ID_PREFIX[kind];
	if (!id.startsWith(prefix)) {
		const other = (Object.keys(ID_PREFIX) as IdKind[]).find((k) => id.startsWith(ID_PREFIX[k]));
		const got = other ? `${withArticle(ID_NOUN[other])} ID` : `"${describe(id)}"`;
		throw new ParameterError(
			field,
			`${field} must be a ${ID_NOUN[kind]} ID starting with ${prefix}, got ${got}`,
		);
	}
	// IDs go into URL paths: nothing but the documented alphabet may pass.
	if (!PATH_VALUE.test(id)) {
		throw new ParameterError(
			field,
			`${field} "${describe(id)}" is not a valid ${ID_NOUN[kind]} ID`,
		);
	}
	return id;
}

function toStringValue(param: ParamSpec, field: Field | string, value: unknown): string {
	// Spreadsheets and expressions hand over phone numbers and IDs as numbers; the text checks
	// below apply to them all the same.
	const raw = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
	if (typeof raw !== 'string') {
		throw new ParameterError(field, `${field} must be text, got ${typeof value}`);
	}
	const text = param.sensitive ? raw : raw.trim();
	if (param.maxLength !== undefined && [...text].length > param.maxLength) {
		throw new ParameterError(field, `${field} is too long: at most ${param.maxLength} characters`);
	}
	if (param.idKind) return checkId(text, param.idKind, field);
	if (param.reservedPrefix && text.toLowerCase().startsWith(param.reservedPrefix.toLowerCase())) {
		throw new ParameterError(
			field,
			`${field} "${describe(text)}" is not allowed: values starting with ${param.reservedPrefix} are reserved by IDaaS`,
		);
	}
	// Path values without a known ID kind (an authorization server ID) keep to the same alphabet.
	if (param.in === 'path' && !PATH_VALUE.test(text)) {
		throw new ParameterError(
			field,
			`${field} "${describe(text)}" is not a valid ID: use letters, digits, _ and - only`,
		);
	}
	if (param.format && !FORMATS[param.format].pattern.test(text)) {
		const shown = param.sensitive ? '' : ` "${describe(text)}"`;
		throw new ParameterError(
			field,
			`${field}${shown} is not valid: use ${FORMATS[param.format].hint}`,
		);
	}
	if (param.enum && !param.enum.includes(text)) {
		throw new ParameterError(
			field,
			`${field} must be one of ${param.enum.join(', ')}; got "${describe(text)}"`,
		);
	}
	return text;
}

/** Decimal digits only: Number() would also read "0x384", "1e3" and "0b1" as whole numbers. */
const INTEGER_TEXT = /^-?\d+$/;

function toInteger(param: ParamSpec, field: Field | string, value: unknown): number {
	const number =
		typeof value === 'string' && INTEGER_TEXT.test(value.trim()) ? Number(value.trim()) : value;
	// Beyond 2^53 a number is no longer exact (1e21 prints as "1e+21" in a URL).
	if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
		throw new ParameterError(field, `${field} must be a whole number, got "${describe(value)}"`);
	}
	if (
		(param.min !== undefined && number < param.min) ||
		(param.max !== undefined && number > param.max)
	) {
		throw new ParameterError(
			field,
			`${field} must be between ${param.min ?? '-∞'} and ${param.max ?? '∞'}, got ${number}`,
		);
	}
	return number;
}

function toBoolean(field: Field | string, value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new ParameterError(field, `${field} must be true or false, got "${describe(value)}"`);
}

function toStringList(param: ParamSpec, field: Field | string, value: unknown): string[] {
	// A comma-separated string is what users type or map from a spreadsheet cell.
	const items = typeof value === 'string' ? value.split(',') : value;
	if (!Array.isArray(items)) {
		throw new ParameterError(field, `${field} must be a list, got ${typeof value}`);
	}
	const list = items
		.filter((item) => !isBlank(item))
		.map((item) =>
			toStringValue({ ...param, valueType: 'string', maxLength: undefined }, field, item),
		);
	if (list.length === 0 && param.required) {
		throw new ParameterError(field, `${field} is empty: give at least one`);
	}
	if (list.length > 100) {
		// The API documents no batch limit; 100 keeps one request reasonable (UNCONFIRMED).
		throw new ParameterError(field, `${field} has ${list.length} entries; at most 100 per request`);
	}
	return [...new Set(list)];
}

function toObject(
	param: ParamSpec,
	field: Field | string,
	value: unknown,
): Record<string, unknown> {
	const object = typeof value === 'string' ? parseJson(field, value) : value;
	if (object === null || typeof object !== 'object' || Array.isArray(object)) {
		throw new ParameterError(field, `${field} must be an object`);
	}
	if (param.mapValues) return toMap(param, field, object as Record<string, unknown>);
	// A fixed collection inside another arrives in the editor's shape, { values: {…} }.
	const inner = (object as Record<string, unknown>).values;
	const fields = param.fields ?? [];
	const unwrapped =
		Object.keys(object).length === 1 &&
		inner &&
		typeof inner === 'object' &&
		!fields.some((f) => f.name === 'values')
			? inner
			: object;
	return normalizeObject(fields, field, unwrapped as Record<string, unknown>);
}

/** A free map (a JWT's custom claims, extra URL parameters): any names; the values the catalog allows. */
function toMap(
	param: ParamSpec,
	field: Field | string,
	map: Record<string, unknown>,
): Record<string, unknown> {
	if (param.mapValues === 'string') {
		const bad = Object.entries(map).find(([, v]) => typeof v !== 'string');
		if (bad) throw new ParameterError(field, `${field}: the value of "${bad[0]}" must be text`);
	}
	return map;
}

function toObjectList(
	param: ParamSpec,
	field: Field | string,
	value: unknown,
): Array<Record<string, unknown>> {
	const list = typeof value === 'string' ? parseJson(field, value) : value;
	if (!Array.isArray(list)) {
		throw new ParameterError(field, `${field} must be a list of objects`);
	}
	return list.map((entry, index) => {
		if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
			throw new ParameterError(field, `${field} entry ${index + 1} must be an object`);
		}
		const entryField =
			typeof field === 'string'
				? `${field} entry ${index + 1}`
				: new Field(`${field.label} entry ${index + 1}`, `${field.key}[${index}]`);
		return normalizeObject(param.fields ?? [], entryField, entry as Record<string, unknown>);
	});
}

const NOT_JSON = Symbol('not JSON');

function parseJson(field: Field | string, text: string): unknown {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		parsed = NOT_JSON;
	}
	if (parsed === NOT_JSON) throw new ParameterError(field, `${field} is not valid JSON`);
	return parsed;
}

function normalizeObject(
	fields: readonly ParamSpec[],
	label: Field | string,
	object: Record<string, unknown>,
): Record<string, unknown> {
	const known = new Set(fields.map((f) => f.name));
	const unknown = Object.keys(object).filter((key) => !known.has(key));
	if (fields.length > 0 && unknown.length > 0) {
		throw new ParameterError(label, `${label} has unknown field(s): ${unknown.join(', ')}`);
	}
	return normalizeValues(fields, object, label);
}

/** Turns one value into what goes on the wire, or throws a ParameterError. */
export function normalizeValue(
	param: ParamSpec,
	value: unknown,
	field: Field | string = new Field(() => labelOf(param), param.name),
): unknown {
	switch (param.valueType) {
		case 'string':
			return toStringValue(param, field, value);
		case 'integer':
			return toInteger(param, field, value);
		case 'boolean':
			return toBoolean(field, value);
		case 'stringList':
			return toStringList(param, field, value);
		case 'object':
			return toObject(param, field, value);
		case 'objectList':
			return toObjectList(param, field, value);
	}
}

/** Whether a `requiredWith` condition holds: "email" (email is given) or "grant_type=password". */
export function requiredWithMet(condition: string, values: Record<string, unknown>): boolean {
	const [name, expected] = condition.split('=');
	const other = values[name];
	return expected === undefined ? !isBlank(other) : other === expected;
}

/**
 * Validates and normalizes every value of an operation. Blank optional values are dropped, so
 * "only the fields you give change" holds for PATCH operations.
 */
export function normalizeValues(
	params: readonly ParamSpec[],
	values: Record<string, unknown>,
	prefix?: Field | string,
): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	for (const param of params) {
		// Nested fields: "Credential Content: API Key (credentialContent.apiKey)".
		const field =
			prefix === undefined
				? new Field(() => labelOf(param), param.name)
				: typeof prefix === 'string'
					? new Field(() => `${prefix}: ${labelOf(param)}`, param.name)
					: new Field(() => `${prefix.label}: ${labelOf(param)}`, `${prefix.key}.${param.name}`);
		const value = values[param.name];
		const needed =
			param.required ||
			(param.requiredWith !== undefined && requiredWithMet(param.requiredWith, values));
		if (isBlank(value)) {
			if (needed) {
				const why = param.requiredWith
					? ` when ${param.requiredWith.replace('=', ' is ')} is set`
					: '';
				throw new ParameterError(field, `${field} is required${why}`);
			}
			continue;
		}
		result[param.name] = normalizeValue(param, value, field);
	}
	return result;
}
