import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import { recordSecret } from '../setup/leakGuard';

/**
 * A small stand-in for the IDaaS Developer API, only what the trigger calls (token, provisioning
 * scope, ListOrganizationalUnits, ListUsers with the OU filter, GetUser), written while the
 * shared emulator (emulator/) was still being built. It follows idaas-api.md: pageNumber paging
 * with totalCount, ListUsers' organizationalUnitId filter = users whose primary OU it is, 404
 * ResourceNotFound.User, 400 invalid_token. Tests reach into `users`/`ous` directly and can run
 * code before any request (`onRequest`) to change the directory between pages of one poll.
 */

export interface FakeUser {
	userId: string;
	username: string;
	displayName: string;
	email: string;
	emailVerified: boolean;
	phoneRegion?: string;
	phoneNumber?: string;
	phoneNumberVerified: boolean;
	passwordSet: boolean;
	status: 'enabled' | 'disabled';
	userExternalId: string;
	userSourceType: string;
	userSourceId: string;
	description?: string;
	createTime: number;
	updateTime: number;
	primaryOrganizationalUnitId: string;
}

export interface RequestInfo {
	method: string;
	path: string;
	query: URLSearchParams;
}

export const INSTANCE = 'idaas_trigger';
export const APPLICATION = 'app_trigger';
export const ROOT_OU = 'ou_root';

const ID_CHARS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A Map that counts its changes, so the server can cache per-OU listings. */
class VersionedMap<K, V> extends Map<K, V> {
	version = 0;
	set(key: K, value: V): this {
		this.version++;
		return super.set(key, value);
	}
	delete(key: K): boolean {
		this.version++;
		return super.delete(key);
	}
	clear(): void {
		this.version++;
		super.clear();
	}
}

export class FakeDirectory {
	readonly users = new VersionedMap<string, FakeUser>();
	private listing?: { version: number; byOu: Map<string, FakeUser[]>; all: FakeUser[] };
	/** OU id → parent id (undefined for the root). */
	readonly ous = new Map<string, string | undefined>([[ROOT_OU, undefined]]);
	readonly tokens = new Set<string>();
	/** Runs before each API request (not token requests); may change the directory. */
	onRequest?: (request: RequestInfo) => void | Promise<void>;
	/** Return a status/code to fail this request instead of answering it. */
	fail?: (request: RequestInfo) => { status: number; code: string } | undefined;
	stats = { requests: 0, tokens: 0 };
	clock = 1_700_000_000_000;
	private counter = 0;
	private server?: Server;
	url = '';
	readonly clientSecret = `secret-${Math.random().toString(36).slice(2)}-trigger`;

	constructor(private readonly idSeed = 1) {
		recordSecret(this.clientSecret);
	}

	async start(): Promise<this> {
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((error: Error) => this.send(res, 500, { code: 'Internal', message: error.message }));
		});
		this.server.keepAliveTimeout = 1000;
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	async stop(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
	}

	credential() {
		return {
			region: 'custom',
			customEndpoint: this.url,
			instanceId: INSTANCE,
			applicationId: APPLICATION,
			clientId: APPLICATION,
			clientSecret: this.clientSecret,
		};
	}

	tick(): number {
		this.clock += 1 + (this.counter % 7);
		return this.clock;
	}

	newId(prefix: string): string {
		// 20 pseudo-random characters, then the counter: the real shape, and unique.
		const count = ++this.counter;
		let n = (count * 2654435761 + this.idSeed * 40503) >>> 0;
		let id = '';
		for (let i = 0; i < 20; i++) {
			n = (Math.imul(n ^ (n >>> 13), 0x5bd1e995) + i) >>> 0;
			id += ID_CHARS[n % 36];
		}
		return `${prefix}${id}${count.toString(36).padStart(6, '0')}`;
	}

	addOu(parent = ROOT_OU): string {
		const id = this.newId('ou_');
		this.ous.set(id, parent);
		return id;
	}

	addUser(ou = ROOT_OU, extra: Partial<FakeUser> = {}): FakeUser {
		const userId = this.newId('user_');
		const now = this.tick();
		const user: FakeUser = {
			userId,
			username: `u${this.counter}`,
			displayName: `User ${this.counter}`,
			email: `u${this.counter}@example.com`,
			emailVerified: true,
			phoneNumberVerified: false,
			passwordSet: true,
			status: 'enabled',
			userExternalId: userId,
			userSourceType: 'build_in',
			userSourceId: INSTANCE,
			createTime: now,
			updateTime: now,
			primaryOrganizationalUnitId: ou,
			...extra,
		};
		this.users.set(userId, user);
		return user;
	}

	/** Changes fields the way PatchUser/Enable/Disable/SetPrimaryOU do: updateTime moves. */
	update(userId: string, change: Partial<FakeUser>): void {
		const user = this.users.get(userId);
		if (!user) throw new Error(`no user ${userId}`);
		Object.assign(user, change, { updateTime: this.tick() });
		this.users.version++;
	}

	expireAllTokens(): void {
		this.tokens.clear();
	}

	private send(res: ServerResponse, status: number, body: unknown): void {
		const text = JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
		res.end(text);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://x');
		const prefix = `/v2/${INSTANCE}/${APPLICATION}`;
		const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
		for await (const _chunk of req) {
			// drain the body
		}
		if (path === '/oauth2/token' && req.method === 'POST') {
			const token = `AT${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
			recordSecret(token);
			this.tokens.add(token);
			this.stats.tokens++;
			this.send(res, 200, { token_type: 'Bearer', access_token: token, expires_in: 3600 });
			return;
		}
		const request: RequestInfo = { method: req.method ?? 'GET', path, query: url.searchParams };
		this.stats.requests++;
		const auth = String(req.headers.authorization ?? '');
		if (!auth.startsWith('Bearer ') || !this.tokens.has(auth.slice(7))) {
			this.send(res, 400, { code: 'invalid_token', message: 'Access token is not valid' });
			return;
		}
		await this.onRequest?.(request);
		const failure = this.fail?.(request);
		if (failure) {
			if (failure.status === 429) res.setHeader('retry-after', '0');
			this.send(res, failure.status, { code: failure.code, message: 'Injected failure', requestId: 'req-fault' });
			return;
		}
		const page = <T>(all: T[]) => {
			const pageNumber = Math.max(1, Number(url.searchParams.get('pageNumber') ?? 1));
			const pageSize = Math.min(100, Math.max(1, Number(url.searchParams.get('pageSize') ?? 20)));
			return { totalCount: all.length, data: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize) };
		};
		if (path === '/provisioningScope') {
			this.send(res, 200, { organizationalUnitIds: [ROOT_OU], groupIds: [] });
		} else if (path === '/organizationalUnits') {
			const parent = url.searchParams.get('parentId');
			const children = [...this.ous].filter(([, p]) => p === parent).map(([id]) => ({
				organizationalUnitId: id,
				organizationalUnitName: id,
				parentId: parent,
			}));
			this.send(res, 200, page(children));
		} else if (path === '/users') {
			const ou = url.searchParams.get('organizationalUnitId');
			if (this.listing?.version !== this.users.version) {
				const byOu = new Map<string, FakeUser[]>();
				const all = [...this.users.values()];
				for (const u of all) {
					const list = byOu.get(u.primaryOrganizationalUnitId);
					if (list) list.push(u);
					else byOu.set(u.primaryOrganizationalUnitId, [u]);
				}
				this.listing = { version: this.users.version, byOu, all };
			}
			const list = ou ? (this.listing.byOu.get(ou) ?? []) : this.listing.all;
			const body = page(list);
			this.send(res, 200, { ...body, data: body.data.map(summary) });
		} else if (path.startsWith('/users/')) {
			const user = this.users.get(decodeURIComponent(path.slice('/users/'.length)));
			if (!user) {
				this.send(res, 404, { code: 'ResourceNotFound.User', message: 'The specified User resource not found.' });
			} else {
				this.send(res, 200, { ...user, organizationalUnits: [{ organizationalUnitId: user.primaryOrganizationalUnitId, primary: true }] });
			}
		} else {
			this.send(res, 404, { code: 'NotFound', message: `No route ${path}` });
		}
	}
}

/** ListUsers shows no OU. */
export function summary(user: FakeUser): Record<string, unknown> {
	const { primaryOrganizationalUnitId: _ou, ...rest } = user;
	return { instanceId: INSTANCE, ...rest };
}
