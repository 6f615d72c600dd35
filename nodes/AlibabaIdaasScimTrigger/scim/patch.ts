import type { IDataObject } from 'n8n-workflow';

import { badRequest, ScimError } from './errors';
import { type AttrPath, findKey, isObject, matches, parsePath, splitName } from './filter';

/**
 * PATCH as RFC 7644 §3.5.2 defines it (https://www.rfc-editor.org/rfc/rfc7644#section-3.5.2):
 * `add`, `replace` and `remove`, with a path (`active`, `name.givenName`,
 * `emails[type eq "work"].value`, `members[value eq "…"]`) or without one (the value is an
 * object of attributes). What the big clients send is accepted as they send it: Entra's
 * capitalised ops ("Replace") and booleans as text ("False"), Okta's `members[value eq …]`
 * removals, and a remove of `members` with the members to remove as its value.
 */

export interface PatchOperation {
	op: 'add' | 'replace' | 'remove';
	path?: AttrPath;
	pathText?: string;
	value?: unknown;
}

const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const MULTI_VALUED = new Set([
	'emails',
	'phonenumbers',
	'ims',
	'photos',
	'addresses',
	'groups',
	'entitlements',
	'roles',
	'x509certificates',
	'members',
]);
const READ_ONLY = new Set(['id', 'meta', 'schemas']);
const BOOLEANS = new Set(['active', 'primary']);

/** The request body as operations, or a 400 saying what is wrong with it. */
export function readPatch(body: unknown): PatchOperation[] {
	if (!isObject(body)) throw badRequest('The PATCH body is not a JSON object', 'invalidSyntax');
	const schemas = body.schemas;
	if (
		Array.isArray(schemas) &&
		schemas.length > 0 &&
		!schemas.some((s) => String(s).toLowerCase() === PATCH_SCHEMA.toLowerCase())
	) {
		throw badRequest(`The PATCH body's schemas must contain ${PATCH_SCHEMA}`, 'invalidSyntax');
	}
	const operations = body.Operations ?? body.operations;
	if (!Array.isArray(operations) || operations.length === 0)
		throw badRequest('The PATCH body has no Operations', 'invalidSyntax');
	return operations.map((raw, index) => {
		if (!isObject(raw))
			throw badRequest(`Operation ${index + 1} is not an object`, 'invalidSyntax');
		const op = String(raw.op ?? '').toLowerCase();
		if (op !== 'add' && op !== 'replace' && op !== 'remove')
			throw badRequest(
				`Operation ${index + 1} has an unknown op "${String(raw.op ?? '')}"`,
				'invalidSyntax',
			);
		const pathText =
			typeof raw.path === 'string' && raw.path.trim() !== '' ? raw.path.trim() : undefined;
		const operation: PatchOperation = { op, value: raw.value };
		if (pathText) {
			operation.path = parsePath(pathText);
			operation.pathText = pathText;
		}
		if (op === 'remove' && !pathText)
			throw new ScimError(400, `Operation ${index + 1} removes without a path`, 'noTarget');
		if (op !== 'remove' && raw.value === undefined)
			throw badRequest(`Operation ${index + 1} has no value`, 'invalidValue');
		return operation;
	});
}

/** The resource after the operations, as a new object; `resource` is left as it was. */
export function applyPatch(resource: IDataObject, operations: PatchOperation[]): IDataObject {
	const result = JSON.parse(JSON.stringify(resource)) as IDataObject;
	for (const operation of operations) {
		if (operation.path) applyAtPath(result, operation);
		else applyWithoutPath(result, operation);
	}
	return result;
}

/** Without a path, the value names attributes (RFC 7644 §3.5.2.1 and §3.5.2.3); Entra also writes sub-attribute paths there as keys. */
function applyWithoutPath(resource: IDataObject, operation: PatchOperation): void {
	if (!isObject(operation.value))
		throw badRequest(
			`An ${operation.op} without a path needs an object as its value`,
			'invalidValue',
		);
	for (const [name, value] of Object.entries(operation.value)) {
		if (READ_ONLY.has(name.toLowerCase())) continue;
		// An extension's attributes come nested under its URN. A URN ending in a schema name
		// (`…:2.0:User`, capitalised) is the schema; one ending in an attribute (`…:User:department`) is a path.
		if (/^urn:.*:[A-Z][A-Za-z]*$/i.test(name) && /:[A-Z][^:]*$/.test(name) && isObject(value)) {
			for (const [inner, innerValue] of Object.entries(value))
				applyAtPath(resource, {
					op: operation.op,
					path: { schema: name, attr: inner },
					value: innerValue,
				});
			continue;
		}
		applyAtPath(resource, { op: operation.op, path: splitName(name), value });
	}
}

function containerFor(
	resource: IDataObject,
	path: AttrPath,
	create: boolean,
): IDataObject | undefined {
	if (!path.schema) return resource;
	const key = findKey(resource, path.schema) ?? path.schema;
	if (!isObject(resource[key])) {
		if (!create) return undefined;
		resource[key] = {};
		if (Array.isArray(resource.schemas) && !(resource.schemas as string[]).includes(path.schema))
			resource.schemas = [...(resource.schemas as string[]), path.schema];
	}
	return resource[key] as IDataObject;
}

function normalize(name: string, value: unknown): unknown {
	if (
		BOOLEANS.has(name.toLowerCase()) &&
		typeof value === 'string' &&
		/^(true|false)$/i.test(value)
	)
		return value.toLowerCase() === 'true';
	return value;
}

function isMultiValued(container: IDataObject, key: string): boolean {
	return MULTI_VALUED.has(key.toLowerCase()) || Array.isArray(container[key]);
}

/** Multi-valued values are compared by `value` where they have one (members, emails), else whole. */
function sameValue(a: unknown, b: unknown): boolean {
	if (isObject(a) && isObject(b) && a.value !== undefined)
		return (
			a.value === b.value && (a.type === undefined || b.type === undefined || a.type === b.type)
		);
	return JSON.stringify(a) === JSON.stringify(b);
}

function applyAtPath(resource: IDataObject, operation: PatchOperation): void {
	const path = operation.path!;
	if (!path.schema && READ_ONLY.has(path.attr.toLowerCase())) {
		if (path.attr.toLowerCase() === 'id')
			throw new ScimError(400, 'The id attribute cannot be changed', 'mutability');
		return;
	}
	const container = containerFor(resource, path, operation.op !== 'remove');
	if (!container) return;
	const key = findKey(container, path.attr) ?? path.attr;
	if (path.valueFilter) return applyFiltered(container, key, path, operation);
	if (path.sub) return applySub(container, key, path.sub, operation);
	const value = normalize(key, operation.value);
	if (operation.op === 'remove') {
		if (value !== undefined && Array.isArray(container[key])) {
			// `{op: remove, path: members, value: [{value: id}]}`: remove those elements (Entra).
			const remove = Array.isArray(value) ? value : [value];
			container[key] = (container[key] as unknown[]).filter(
				(v) => !remove.some((r) => sameValue(v, r)),
			);
		} else {
			delete container[key];
		}
		return;
	}
	if (isMultiValued(container, key)) {
		const values = Array.isArray(value) ? value : [value];
		if (operation.op === 'replace') {
			container[key] = values;
			return;
		}
		const current = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
		container[key] = [...current, ...values.filter((v) => !current.some((c) => sameValue(c, v)))];
		return;
	}
	if (operation.op === 'add' && isObject(value) && isObject(container[key])) {
		container[key] = { ...(container[key] as IDataObject), ...value };
		return;
	}
	container[key] = value as IDataObject;
}

function applySub(
	container: IDataObject,
	key: string,
	sub: string,
	operation: PatchOperation,
): void {
	if (Array.isArray(container[key])) {
		// `emails.value` on a multi-valued attribute: every element (RFC 7644 §3.5.2.1 and §3.5.2.3).
		for (const element of container[key] as unknown[])
			if (isObject(element)) setSub(element, sub, operation);
		return;
	}
	if (!isObject(container[key])) {
		if (operation.op === 'remove') return;
		container[key] = {};
	}
	setSub(container[key] as IDataObject, sub, operation);
}

function setSub(element: IDataObject, sub: string, operation: PatchOperation): void {
	const subKey = findKey(element, sub) ?? sub;
	if (operation.op === 'remove') delete element[subKey];
	else element[subKey] = normalize(subKey, operation.value) as IDataObject;
}

/** `emails[type eq "work"].value`, `members[value eq "…"]`: the elements the filter selects. */
function applyFiltered(
	container: IDataObject,
	key: string,
	path: AttrPath,
	operation: PatchOperation,
): void {
	const filter = path.valueFilter!;
	const elements = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
	const selected = elements.filter((e) => isObject(e) && matches(e, filter));
	if (operation.op === 'remove') {
		if (path.sub)
			for (const element of selected)
				delete (element as IDataObject)[findKey(element as IDataObject, path.sub) ?? path.sub];
		else container[key] = elements.filter((e) => !selected.includes(e));
		return;
	}
	if (selected.length === 0) {
		// Entra replaces `emails[type eq "work"].value` on a user who has no work e-mail yet: the
		// element the filter describes is created (`type eq "…"` equalities only), else noTarget.
		const seed = seedFrom(filter);
		if (!seed) throw new ScimError(400, `No ${key} value matches the path's filter`, 'noTarget');
		const element: IDataObject = { ...seed };
		if (path.sub) element[path.sub] = normalize(path.sub, operation.value) as IDataObject;
		else if (isObject(operation.value)) Object.assign(element, operation.value);
		container[key] = [...elements, element];
		return;
	}
	for (const element of selected as IDataObject[]) {
		if (path.sub)
			element[findKey(element, path.sub) ?? path.sub] = normalize(
				path.sub,
				operation.value,
			) as IDataObject;
		else if (isObject(operation.value)) {
			if (operation.op === 'replace') for (const k of Object.keys(element)) delete element[k];
			Object.assign(element, operation.value);
		}
	}
}

/** The attributes an `a eq "x" and b eq "y"` filter pins down, or undefined for any other filter. */
function seedFrom(filter: AttrPath['valueFilter']): IDataObject | undefined {
	if (!filter) return undefined;
	if (
		filter.kind === 'compare' &&
		filter.op === 'eq' &&
		!filter.path.sub &&
		!filter.path.valueFilter
	)
		return { [filter.path.attr]: filter.value };
	if (filter.kind === 'and') {
		const left = seedFrom(filter.left);
		const right = seedFrom(filter.right);
		return left && right ? { ...left, ...right } : undefined;
	}
	return undefined;
}
