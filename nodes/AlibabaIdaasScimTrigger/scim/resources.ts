import type { IDataObject } from 'n8n-workflow';

import { badRequest } from './errors';
import { getAttr, isObject } from './filter';
import type { Kind } from './idMap';

/**
 * The User and Group resources as this service provider keeps and returns them (RFC 7643 §4,
 * https://www.rfc-editor.org/rfc/rfc7643#section-4): what the client sent, with the trigger's own
 * `id` and `meta`, and without what must not be kept (the password, which RFC 7643 §4.1.1 makes
 * write-only, and the client's `id` and `meta`, which are the service provider's).
 */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export const CORE_SCHEMA: Record<Kind, string> = { User: USER_SCHEMA, Group: GROUP_SCHEMA };

/** The password the client sent (a user's only write-only attribute), and the body without it. */
export function withoutPassword(body: IDataObject): { attributes: IDataObject; password?: string } {
	const attributes: IDataObject = {};
	let password: string | undefined;
	for (const [key, value] of Object.entries(body)) {
		if (key.toLowerCase() === 'password') password = typeof value === 'string' ? value : undefined;
		else if (!['id', 'meta'].includes(key.toLowerCase())) attributes[key] = value;
	}
	return { attributes, password };
}

/** Checks what every stored resource of its kind must have, and gives `schemas` when the client left it out. */
export function validated(kind: Kind, attributes: IDataObject): IDataObject {
	const required = kind === 'User' ? 'userName' : 'displayName';
	const value = getAttr(attributes, required);
	if (typeof value !== 'string' || value.trim() === '')
		throw badRequest(`A ${kind} needs a ${required}`, 'invalidValue');
	const active = getAttr(attributes, 'active');
	if (active !== undefined && typeof active !== 'boolean')
		throw badRequest('active must be true or false', 'invalidValue');
	if (kind === 'Group') {
		const members = getAttr(attributes, 'members');
		if (
			members !== undefined &&
			members !== null &&
			!(Array.isArray(members) && members.every((m) => isObject(m) && typeof m.value === 'string'))
		) {
			throw badRequest('members must be a list of objects with a value', 'invalidValue');
		}
	}
	const schemas =
		Array.isArray(attributes.schemas) && attributes.schemas.length > 0
			? attributes.schemas
			: [CORE_SCHEMA[kind]];
	return { ...attributes, schemas };
}

export function withMeta(
	kind: Kind,
	id: string,
	attributes: IDataObject,
	created: string,
	now: string,
	baseUrl: string,
): IDataObject {
	const meta: IDataObject = { resourceType: kind, created, lastModified: now };
	if (baseUrl) meta.location = `${baseUrl}/${kind}s/${encodeURIComponent(id)}`;
	return { ...attributes, id, meta };
}

/** A user is active unless it says it is not (RFC 7643 §4.1.1 leaves the default to the provider). */
export function isActive(user: IDataObject): boolean {
	return getAttr(user, 'active') !== false;
}

export function memberIds(group: IDataObject): string[] {
	const members = getAttr(group, 'members');
	return Array.isArray(members) ? members.filter(isObject).map((m) => String(m.value)) : [];
}

/** JSON with object keys sorted: the same value sent with its keys in another order compares equal. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value as IDataObject).sort(([a], [b]) =>
			a < b ? -1 : a > b ? 1 : 0,
		);
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'undefined';
}

/** Top-level attributes whose values differ, by their names in `after` (or `before` when removed). */
export function changedAttributes(before: IDataObject, after: IDataObject): string[] {
	const names = new Map<string, string>();
	for (const key of [...Object.keys(before), ...Object.keys(after)])
		if (!names.has(key.toLowerCase())) names.set(key.toLowerCase(), key);
	const changed: string[] = [];
	for (const [lower, name] of names) {
		if (['id', 'meta', 'schemas'].includes(lower)) continue;
		if (canonical(getAttr(before, name)) !== canonical(getAttr(after, name))) changed.push(name);
	}
	return changed;
}
