import { randomBytes } from 'crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

/**
 * A small SCIM 2.0 service provider (RFC 7644) on 127.0.0.1 for the push client's tests: users and
 * groups in memory, `eq` filters on userName and displayName, PUT, PATCH (RFC 7644 §3.5.2, ops in
 * any case, with and without path, `members[value eq "…"]`), DELETE, 409 on a duplicate userName,
 * bearer tokens and a client-credentials token endpoint. Every change it applies is recorded as
 * one event, as a SCIM trigger turns changes into items: what the tests count.
 */

export interface TargetEvent {
	type:
		| 'user.created'
		| 'user.updated'
		| 'user.deactivated'
		| 'user.reactivated'
		| 'user.deleted'
		| 'group.created'
		| 'group.renamed'
		| 'group.memberAdded'
		| 'group.memberRemoved'
		| 'group.deleted';
	/** userName for users, displayName for groups (as created). */
	key: string;
	/** The member's userName, for member events; the changed attributes, for user.updated. */
	detail?: string;
}

interface User {
	id: string;
	resource: Record<string, any>;
}
interface Group {
	id: string;
	displayName: string;
	externalId?: string;
	members: Set<string>;
}

const USER_ATTRIBUTES = ['userName', 'displayName', 'externalId', 'emails', 'phoneNumbers'];

export class RecordingTarget {
	users = new Map<string, User>();
	groups = new Map<string, Group>();
	events: TargetEvent[] = [];
	/** Method and path of every request, with its status. */
	requests: Array<{
		method: string;
		path: string;
		status: number;
		contentType?: string;
		body?: any;
	}> = [];
	/** Answer the next N SCIM requests with 503. */
	failNext = 0;
	tokenRequests: Array<{ basic: boolean }> = [];
	readonly bearer = randomBytes(16).toString('hex');
	readonly clientId = 'scim-client';
	readonly clientSecret = randomBytes(16).toString('hex');
	private issued = new Set<string>();
	private server?: Server;
	url = '';

	async start(): Promise<this> {
		this.server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	close(): Promise<void> {
		this.server?.closeAllConnections();
		return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	/** Forgets every user, group, event and request; tokens issued stay valid unless `revoke`. */
	reset(revoke = false): void {
		this.users.clear();
		this.groups.clear();
		this.events = [];
		this.requests = [];
		this.tokenRequests = [];
		this.failNext = 0;
		if (revoke) this.revokeTokens();
	}

	/** Access tokens from the token endpoint stop working (as when they expire). */
	revokeTokens(): void {
		this.issued.clear();
	}

	userByName(userName: string): Record<string, any> | undefined {
		return [...this.users.values()].find((u) => u.resource.userName === userName)?.resource;
	}

	/** Group display name → its members' userNames, sorted. */
	membership(): Record<string, string[]> {
		const name = (id: string) => this.users.get(id)?.resource.userName ?? `?${id}`;
		return Object.fromEntries(
			[...this.groups.values()].map((g) => [g.displayName, [...g.members].map(name).sort()]),
		);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const text = Buffer.concat(chunks).toString('utf8');
		const url = new URL(req.url ?? '/', 'http://target.invalid');
		const send = (status: number, body?: unknown) => {
			const sent = url.pathname !== '/token' && text ? parseOr(text) : undefined;
			this.requests.push({
				method: req.method!,
				path: url.pathname + url.search,
				status,
				contentType: req.headers['content-type'],
				body: sent,
			});
			res
				.writeHead(status, body === undefined ? {} : { 'content-type': 'application/scim+json' })
				.end(body === undefined ? undefined : JSON.stringify(body));
		};
		if (url.pathname === '/token') return this.token(req, text, send);
		const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
		if (!token || (token !== this.bearer && !this.issued.has(token)))
			return send(401, scimError(401, 'Unauthorized'));
		if (this.failNext > 0) {
			this.failNext--;
			return send(503, scimError(503, 'Try again'));
		}
		const [, resource, id] = /^\/(Users|Groups)(?:\/([^/]+))?$/.exec(url.pathname) ?? [];
		if (!resource) return send(404, scimError(404, 'No such endpoint'));
		try {
			const body = text ? JSON.parse(text) : undefined;
			if (resource === 'Users') return this.usersRoute(req.method!, id, url, body, send);
			return this.groupsRoute(req.method!, id, url, body, send);
		} catch (error) {
			send(400, scimError(400, (error as Error).message, 'invalidValue'));
		}
	}

	private token(
		req: IncomingMessage,
		text: string,
		send: (status: number, body?: unknown) => void,
	): void {
		const form = new URLSearchParams(text);
		const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
		const [id, secret] = basic
			? Buffer.from(basic, 'base64')
					.toString('utf8')
					.split(':')
					.map((s) => decodeURIComponent(s.replace(/\+/g, ' ')))
			: [form.get('client_id'), form.get('client_secret')];
		this.tokenRequests.push({ basic: !!basic });
		if (
			form.get('grant_type') !== 'client_credentials' ||
			id !== this.clientId ||
			secret !== this.clientSecret
		)
			return send(401, { error: 'invalid_client' });
		const token = randomBytes(16).toString('hex');
		this.issued.add(token);
		send(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
	}

	private usersRoute(
		method: string,
		id: string | undefined,
		url: URL,
		body: any,
		send: (status: number, body?: unknown) => void,
	): void {
		if (!id && method === 'GET') {
			const m = /^userName eq "(.*)"$/.exec(url.searchParams.get('filter') ?? '');
			const found = [...this.users.values()]
				.filter((u) => !m || u.resource.userName === m[1])
				.map((u) => u.resource);
			return send(200, listResponse(found));
		}
		if (!id && method === 'POST') {
			if (this.userByName(body.userName))
				return send(409, scimError(409, 'userName taken', 'uniqueness'));
			const user = { id: randomBytes(6).toString('hex'), resource: {} as Record<string, any> };
			user.resource = { ...body, id: user.id, active: body.active ?? true };
			this.users.set(user.id, user);
			this.events.push({ type: 'user.created', key: body.userName });
			return send(201, user.resource);
		}
		const user = id ? this.users.get(id) : undefined;
		if (!user) return send(404, scimError(404, 'No such user'));
		if (method === 'GET') return send(200, user.resource);
		if (method === 'DELETE') {
			this.users.delete(user.id);
			for (const group of this.groups.values()) group.members.delete(user.id);
			this.events.push({ type: 'user.deleted', key: user.resource.userName });
			return send(204);
		}
		const before = user.resource;
		let after: Record<string, any>;
		if (method === 'PUT') after = { ...body, id: user.id, active: body.active ?? true };
		else if (method === 'PATCH') after = patchUser(before, body.Operations);
		else return send(405, scimError(405, 'Method not allowed'));
		const changed = USER_ATTRIBUTES.filter(
			(a) => JSON.stringify(before[a] ?? null) !== JSON.stringify(after[a] ?? null),
		);
		if (changed.length)
			this.events.push({ type: 'user.updated', key: after.userName, detail: changed.join(',') });
		if (before.active !== after.active)
			this.events.push({
				type: after.active ? 'user.reactivated' : 'user.deactivated',
				key: after.userName,
			});
		user.resource = after;
		send(200, after);
	}

	private groupsRoute(
		method: string,
		id: string | undefined,
		url: URL,
		body: any,
		send: (status: number, body?: unknown) => void,
	): void {
		const view = (g: Group) => ({
			id: g.id,
			displayName: g.displayName,
			externalId: g.externalId,
			members: [...g.members].map((value) => ({ value })),
		});
		if (!id && method === 'GET') {
			const m = /^displayName eq "(.*)"$/.exec(url.searchParams.get('filter') ?? '');
			return send(
				200,
				listResponse(
					[...this.groups.values()].filter((g) => !m || g.displayName === m[1]).map(view),
				),
			);
		}
		if (!id && method === 'POST') {
			if ([...this.groups.values()].some((g) => g.displayName === body.displayName))
				return send(409, scimError(409, 'displayName taken', 'uniqueness'));
			const group: Group = {
				id: randomBytes(6).toString('hex'),
				displayName: body.displayName,
				externalId: body.externalId,
				members: new Set(),
			};
			this.groups.set(group.id, group);
			this.events.push({ type: 'group.created', key: group.displayName });
			this.setMembers(
				group,
				(body.members ?? []).map((m: any) => m.value),
			);
			return send(201, view(group));
		}
		const group = id ? this.groups.get(id) : undefined;
		if (!group) return send(404, scimError(404, 'No such group'));
		if (method === 'GET') return send(200, view(group));
		if (method === 'DELETE') {
			this.groups.delete(group.id);
			this.events.push({ type: 'group.deleted', key: group.displayName });
			return send(204);
		}
		if (method === 'PUT') {
			this.rename(group, body.displayName);
			this.setMembers(
				group,
				(body.members ?? []).map((m: any) => m.value),
			);
			return send(200, view(group));
		}
		if (method !== 'PATCH') return send(405, scimError(405, 'Method not allowed'));
		const members = new Set(group.members);
		for (const operation of body.Operations as any[]) {
			const op = String(operation.op).toLowerCase();
			const path = operation.path as string | undefined;
			const values = (v: any) => (Array.isArray(v) ? v : [v]).map((m: any) => m.value);
			const filtered = path && /^members\[value eq "(.+)"\]$/.exec(path);
			if (!path) {
				if (operation.value?.displayName !== undefined)
					this.rename(group, operation.value.displayName);
				if (operation.value?.members)
					for (const v of values(operation.value.members)) members.add(v);
			} else if (path === 'displayName') this.rename(group, operation.value);
			else if (filtered && op === 'remove') members.delete(filtered[1]);
			else if (path === 'members' && op === 'add')
				for (const v of values(operation.value)) members.add(v);
			else if (path === 'members' && op === 'remove')
				for (const v of operation.value ? values(operation.value) : [...members]) members.delete(v);
			else if (path === 'members' && op === 'replace') {
				members.clear();
				for (const v of values(operation.value)) members.add(v);
			} else return send(400, scimError(400, `Unsupported PATCH path ${path}`, 'invalidPath'));
		}
		this.setMembers(group, [...members]);
		send(200, view(group));
	}

	private rename(group: Group, displayName: string): void {
		if (displayName === undefined || displayName === group.displayName) return;
		group.displayName = displayName;
		this.events.push({ type: 'group.renamed', key: displayName });
	}

	private setMembers(group: Group, ids: string[]): void {
		const wanted = new Set(ids.filter((id) => this.users.has(id)));
		const name = (id: string) => this.users.get(id)!.resource.userName;
		for (const id of wanted)
			if (!group.members.has(id))
				this.events.push({ type: 'group.memberAdded', key: group.displayName, detail: name(id) });
		for (const id of group.members)
			if (!wanted.has(id))
				this.events.push({ type: 'group.memberRemoved', key: group.displayName, detail: name(id) });
		group.members = wanted;
	}
}

function patchUser(before: Record<string, any>, operations: any[]): Record<string, any> {
	const after = structuredClone(before);
	for (const operation of operations) {
		const op = String(operation.op).toLowerCase();
		if (op !== 'replace' && op !== 'add') throw new Error(`unexpected user PATCH op ${op}`);
		if (!operation.path) Object.assign(after, operation.value);
		else if (operation.path === 'emails[type eq "work"].value')
			after.emails = [{ value: operation.value, type: 'work', primary: true }];
		else after[operation.path] = operation.value;
	}
	return after;
}

function parseOr(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function listResponse(resources: unknown[]) {
	return {
		schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
		totalResults: resources.length,
		startIndex: 1,
		itemsPerPage: resources.length,
		Resources: resources,
	};
}

function scimError(status: number, detail: string, scimType?: string) {
	return {
		schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
		status: String(status),
		detail,
		...(scimType && { scimType }),
	};
}
