import type { OperationSpec, ParamSpec, TextFormat } from '../nodes/AlibabaIdaas/catalog';
import { ID_PREFIX } from '../nodes/AlibabaIdaas/catalog';
import { invalid, missing } from './errors';

/** Value formats from the zh API metadata (CreateUser's field texts), the same rules the node checks before sending. */
const FORMATS: Record<TextFormat, RegExp> = {
	email: /^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/,
	phoneNumber: /^\d{6,15}$/,
	phoneRegion: /^\d{1,4}$/,
	username: /^[A-Za-z0-9_.@-]+$/,
};

export type Input = Record<string, unknown>;

/**
 * Parameters the catalog requires for the node's sake although the API marks them optional; the
 * emulator answers as the API is documented. UpdateUserPassword's `password` is optional in the
 * SDK and metadata, and the operation has no error table that would refuse a missing one.
 */
const OPTIONAL_IN_API = new Set(['UpdateUserPassword.password']);

function blank(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		value === '' ||
		(Array.isArray(value) && value.length === 0)
	);
}

/**
 * Checks one operation's parameters against the catalog and returns them by name, typed:
 * required → MissingParameter.<Param>; wrong type, enum, min/max, maxLength, ID prefix or
 * format → InvalidParameter.<Param> (the documented code styles, the zh API metadata's error tables).
 */
export function validateInput(
	op: OperationSpec,
	path: Record<string, string>,
	query: URLSearchParams,
	body: Input,
): Input {
	const input: Input = {};
	for (const param of op.params) {
		const raw =
			param.in === 'path'
				? path[param.name]
				: param.in === 'query'
					? (query.get(param.name) ?? undefined)
					: body[param.name];
		const required = param.required && !OPTIONAL_IN_API.has(`${op.apiName}.${param.name}`);
		const value = checkParam(param, raw, param.in === 'body' ? 'json' : 'text', required);
		if (value !== undefined) input[param.name] = value;
	}
	checkRequiredWith(op.params, input);
	return input;
}

/** Fields required only together with another ("phoneRegion is required if phoneNumber is set"). */
function checkRequiredWith(params: readonly ParamSpec[], input: Input): void {
	for (const param of params) {
		const other = param.requiredWith;
		if (!other || other.includes('=') || blank(input[other]) || !blank(input[param.name])) continue;
		// Documented quirk (zh API metadata): a missing emailVerified is reported as MissingParameter.Email.
		throw missing(param.name === 'emailVerified' ? 'email' : param.name);
	}
}

function checkParam(
	param: ParamSpec,
	raw: unknown,
	source: 'json' | 'text',
	required = param.required,
): unknown {
	if (blank(raw)) {
		if (required) throw missing(param.name);
		if (raw === undefined || raw === null) return undefined;
	}
	const value = coerce(param, raw, source);
	if (param.enum) {
		const items = Array.isArray(value) ? value : [value];
		if (items.some((item) => !param.enum!.includes(item as string))) throw invalid(param.name);
	}
	if (
		typeof value === 'number' &&
		((param.min !== undefined && value < param.min) ||
			(param.max !== undefined && value > param.max))
	) {
		throw invalid(param.name);
	}
	if (typeof value === 'string' && value !== '') {
		if (param.maxLength !== undefined && value.length > param.maxLength) throw invalid(param.name);
		if (param.format && !FORMATS[param.format].test(value)) throw invalid(param.name);
	}
	if (param.idKind) {
		const items = Array.isArray(value) ? value : [value];
		if (items.some((item) => item !== '' && !String(item).startsWith(ID_PREFIX[param.idKind!])))
			throw invalid(param.name);
	}
	return value;
}

function coerce(param: ParamSpec, raw: unknown, source: 'json' | 'text'): unknown {
	switch (param.valueType) {
		case 'string':
			if (typeof raw !== 'string') throw invalid(param.name);
			return raw;
		case 'integer': {
			const n =
				source === 'text' && typeof raw === 'string' && /^-?\d+$/.test(raw.trim())
					? Number(raw)
					: raw;
			if (typeof n !== 'number' || !Number.isInteger(n)) throw invalid(param.name);
			return n;
		}
		case 'boolean':
			if (typeof raw === 'boolean') return raw;
			if (source === 'text' && (raw === 'true' || raw === 'false')) return raw === 'true';
			throw invalid(param.name);
		case 'stringList':
			if (!Array.isArray(raw) || raw.some((item) => typeof item !== 'string'))
				throw invalid(param.name);
			return raw;
		case 'objectList':
			if (!Array.isArray(raw)) throw invalid(param.name);
			return raw.map((item) => checkObject(param, item));
		case 'object':
			return checkObject(param, raw);
	}
}

function checkObject(param: ParamSpec, raw: unknown): Input {
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(param.name);
	const object = raw as Input;
	const out: Input = { ...object };
	for (const field of param.fields ?? []) {
		const value = checkParam(field, object[field.name], 'json');
		if (value === undefined) delete out[field.name];
		else out[field.name] = value;
	}
	return out;
}
