import type { IDataObject } from 'n8n-workflow';

import { badRequest, conflict, notFound, ScimError } from './errors';
import { type Filter, getAttr, isObject, matches, parseFilter } from './filter';
import type { Directory, Kind } from './idMap';
import { applyPatch, readPatch } from './patch';
import {
	changedAttributes,
	isActive,
	LIST_SCHEMA,
	memberIds,
	validated,
	withMeta,
	withoutPassword,
} from './resources';

/**
 * The `/Users` and `/Groups` endpoints (RFC 7644 §3.2-§3.6), answered from the directory alone:
 * one synchronous call per request, so no other request's change can come between reading the
 * directory and writing it (see idMap.ts). What changed comes back as a list of changes, from
 * which items.ts builds the workflow's items.
 */

export type Collection = 'Users' | 'Groups';

export interface ScimRequest {
	method: string;
	collection: Collection;
	/** Set for `/Users/:id` and `/Groups/:id`. */
	id?: string;
	query: IDataObject;
	body?: unknown;
	/** ISO time of the request, for meta. */
	now: string;
	/** The SCIM base URL, for meta.location; empty when unknown. */
	baseUrl: string;
	newId: () => string;
}

export interface ScimAnswer {
	status: number;
	body?: IDataObject;
	location?: string;
}

export type ChangeEvent =
	| 'user.created'
	| 'user.updated'
	| 'user.deactivated'
	| 'user.reactivated'
	| 'user.deleted'
	| 'group.created'
	| 'group.renamed'
	| 'group.membersAdded'
	| 'group.membersRemoved'
	| 'group.deleted';

export interface Change {
	event: ChangeEvent;
	kind: Kind;
	/** The resource after the change (before it, for a deletion). */
	resource: IDataObject;
	previous?: IDataObject;
	/** user.updated: the attributes whose values changed. */
	changed?: string[];
	/** group.membersAdded / group.membersRemoved: the member IDs. */
	members?: string[];
	/** user.created and user.updated: the password the client sent, never stored. */
	password?: string;
}

export interface Handled {
	answer: ScimAnswer;
	changes: Change[];
}

const KIND: Record<Collection, Kind> = { Users: 'User', Groups: 'Group' };
/** The attribute that must be unique within each kind (userName: RFC 7643 §4.1.1; displayName: groups are found by it). */
const UNIQUE: Record<Kind, string> = { User: 'userName', Group: 'displayName' };
export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;

export function handle(directory: Directory, request: ScimRequest): Handled {
	const kind = KIND[request.collection];
	const method = request.method.toUpperCase();
	if (request.id === undefined) {
		if (method === 'GET') return { answer: list(directory, kind, request.query), changes: [] };
		if (method === 'POST') return create(directory, kind, request);
	} else {
		const existing = directory.of(kind).get(request.id);
		if (!existing) throw notFound(kind, request.id);
		if (method === 'GET')
			return { answer: { status: 200, body: projected(existing, request.query) }, changes: [] };
		if (method === 'PUT' || method === 'PATCH') return update(directory, kind, existing, request);
		if (method === 'DELETE') return remove(directory, kind, existing);
	}
	throw new ScimError(405, `${method} is not supported here`);
}

function list(directory: Directory, kind: Kind, query: IDataObject): ScimAnswer {
	const filterText = typeof query.filter === 'string' ? query.filter.trim() : '';
	const filter: Filter | undefined = filterText ? parseFilter(filterText) : undefined;
	const all = [...directory.of(kind).values()].filter((r) => !filter || matches(r, filter));
	// RFC 7644 §3.4.2.4: startIndex is 1-based, values below 1 mean 1; count below 0 means 0.
	const startIndex = Math.max(1, integer(query.startIndex, 'startIndex') ?? 1);
	const count = Math.min(MAX_COUNT, Math.max(0, integer(query.count, 'count') ?? DEFAULT_COUNT));
	const page = all.slice(startIndex - 1, startIndex - 1 + count);
	return {
		status: 200,
		body: {
			schemas: [LIST_SCHEMA],
			totalResults: all.length,
			startIndex,
			itemsPerPage: page.length,
			Resources: page.map((r) => projected(r, query)),
		},
	};
}

function integer(value: unknown, name: string): number | undefined {
	if (value === undefined || value === '') return undefined;
	const n = Number(value);
	if (!Number.isInteger(n)) throw badRequest(`${name} must be an integer`, 'invalidValue');
	return n;
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5), on top-level attributes; id and schemas always stay. */
function projected(resource: IDataObject, query: IDataObject): IDataObject {
	const names = (value: unknown) =>
		typeof value === 'string' && value.trim()
			? value.split(',').map((n) =>
					n
						.trim()
						.replace(/^urn:.*:/i, '')
						.split('.')[0]
						.toLowerCase(),
				)
			: undefined;
	const only = names(query.attributes);
	const excluded = names(query.excludedAttributes);
	if (!only && !excluded) return resource;
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(resource)) {
		const lower = key.toLowerCase();
		const always = lower === 'id' || lower === 'schemas';
		if (!always && only && !only.includes(lower)) continue;
		if (!always && excluded?.includes(lower)) continue;
		out[key] = value;
	}
	return out;
}

function body(request: ScimRequest): IDataObject {
	if (!isObject(request.body))
		throw badRequest('The request body is not a JSON object', 'invalidSyntax');
	return request.body;
}

function assertUnique(
	directory: Directory,
	kind: Kind,
	resource: IDataObject,
	selfId?: string,
): void {
	const attr = UNIQUE[kind];
	const value = String(getAttr(resource, attr)).toLowerCase();
	for (const other of directory.of(kind).values()) {
		if (other.id !== selfId && String(getAttr(other, attr)).toLowerCase() === value) {
			throw conflict(`A ${kind} with ${attr} "${String(getAttr(resource, attr))}" already exists`);
		}
	}
}

function create(directory: Directory, kind: Kind, request: ScimRequest): Handled {
	const { attributes, password } = withoutPassword(body(request));
	const checked = validated(kind, attributes);
	assertUnique(directory, kind, checked);
	let id = request.newId();
	while (directory.of(kind).has(id)) id = request.newId();
	const resource = withMeta(kind, id, checked, request.now, request.now, request.baseUrl);
	directory.of(kind).set(id, resource);
	const changes: Change[] = [];
	if (kind === 'User') changes.push({ event: 'user.created', kind, resource, password });
	else {
		changes.push({ event: 'group.created', kind, resource });
		const members = memberIds(resource);
		if (members.length > 0) changes.push({ event: 'group.membersAdded', kind, resource, members });
	}
	return {
		answer: {
			status: 201,
			body: resource,
			location: (resource.meta as IDataObject).location as string | undefined,
		},
		changes,
	};
}

function update(
	directory: Directory,
	kind: Kind,
	existing: IDataObject,
	request: ScimRequest,
): Handled {
	const id = existing.id as string;
	const meta = existing.meta as IDataObject;
	let next: IDataObject;
	let password: string | undefined;
	if (request.method.toUpperCase() === 'PUT') {
		// PUT replaces every attribute the client may set (RFC 7644 §3.5.1).
		const stripped = withoutPassword(body(request));
		next = stripped.attributes;
		password = stripped.password;
	} else {
		const { attributes } = withoutPassword(existing);
		next = applyPatch(attributes, readPatch(request.body));
		const patched = withoutPassword(next);
		next = patched.attributes;
		password = patched.password;
	}
	const checked = validated(kind, next);
	assertUnique(directory, kind, checked, id);
	const candidate = withMeta(kind, id, checked, String(meta.created), request.now, request.baseUrl);
	const changes =
		kind === 'User'
			? userChanges(existing, candidate, password)
			: groupChanges(existing, candidate);
	// A request that changes nothing keeps the resource as it was, lastModified included.
	const resource = changes.length > 0 || password !== undefined ? candidate : existing;
	directory.of(kind).set(id, resource);
	return { answer: { status: 200, body: resource }, changes };
}

function userChanges(
	before: IDataObject,
	after: IDataObject,
	password: string | undefined,
): Change[] {
	const changes: Change[] = [];
	const changed = changedAttributes(before, after).filter(
		(name) => name.toLowerCase() !== 'active',
	);
	if (isActive(before) && !isActive(after))
		changes.push({ event: 'user.deactivated', kind: 'User', resource: after, previous: before });
	if (!isActive(before) && isActive(after))
		changes.push({ event: 'user.reactivated', kind: 'User', resource: after, previous: before });
	if (changed.length > 0 || password !== undefined) {
		changes.push({
			event: 'user.updated',
			kind: 'User',
			resource: after,
			previous: before,
			changed: password !== undefined ? [...changed, 'password'] : changed,
			password,
		});
	}
	return changes;
}

function groupChanges(before: IDataObject, after: IDataObject): Change[] {
	const changes: Change[] = [];
	if (String(getAttr(before, 'displayName')) !== String(getAttr(after, 'displayName'))) {
		changes.push({ event: 'group.renamed', kind: 'Group', resource: after, previous: before });
	}
	const was = new Set(memberIds(before));
	const is = new Set(memberIds(after));
	const added = [...is].filter((m) => !was.has(m));
	const removed = [...was].filter((m) => !is.has(m));
	if (added.length > 0)
		changes.push({
			event: 'group.membersAdded',
			kind: 'Group',
			resource: after,
			previous: before,
			members: added,
		});
	if (removed.length > 0)
		changes.push({
			event: 'group.membersRemoved',
			kind: 'Group',
			resource: after,
			previous: before,
			members: removed,
		});
	return changes;
}

function remove(directory: Directory, kind: Kind, existing: IDataObject): Handled {
	const id = existing.id as string;
	directory.of(kind).delete(id);
	if (kind === 'User') {
		// A deleted user leaves the groups it was in (RFC 7644 §3.6: a deleted resource is no longer
		// returned, and a group's members are references to resources).
		for (const [groupId, group] of directory.groups) {
			const members = getAttr(group, 'members');
			if (Array.isArray(members) && members.some((m) => isObject(m) && m.value === id)) {
				directory.groups.set(groupId, {
					...group,
					members: members.filter((m) => !(isObject(m) && m.value === id)),
				});
			}
		}
	}
	return {
		answer: { status: 204 },
		changes: [
			{ event: kind === 'User' ? 'user.deleted' : 'group.deleted', kind, resource: existing },
		],
	};
}
