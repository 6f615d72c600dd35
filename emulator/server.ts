import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { handleApi } from './api';
import type { ScopeSpelling } from './auth';
import { handleControl } from './control';
import { handleEventsControl } from './events/control';
import { EventHub, type PushInput } from './events/hub';
import { Faults } from './faults';
import { populate, type GenerateOptions } from './generate';
import { missingHandlers } from './handlers';
import { PageCap } from './pagination';
import { newRequestId } from './ids';
import { sendJson } from './http';
import { PAM_ALL_SCOPE } from './pam/auth';
import { applySeed, loadSeed } from './seed';
import { DEFAULT_TOKEN_LIFETIME_SECONDS, Store, type NewApplication } from './store';
import { Stats } from './stats';
import { RateLimiter, type RateLimitConfig } from './throttle';
import type { AppRecord, GroupRecord, SeedData } from './types';
import { SCOPES } from '../nodes/AlibabaIdaas/catalog';

export interface EmulatorOptions {
	/** Default 127.0.0.1: the emulator never listens beyond loopback unless told to. */
	host?: string;
	/** 0 = any free port (default). */
	port?: number;
	/** Seed data, or a seed name (`demo`) / JSON file path. Default: the demo organisation. */
	seed?: SeedData | string;
	/** Generate a synthetic organisation instead of a seed (benchmarks). */
	generate?: GenerateOptions;
	/** Access token lifetime; default 1200 s (the documented example). */
	tokenLifetimeSeconds?: number;
	/** How permission_denied spells `…:manage_all` (docs print both). Default `manage_all`. */
	scopeSpelling?: ScopeSpelling;
	/** A gateway-style rate limit (throttle.ts); none by default. */
	rateLimit?: RateLimitConfig;
	/** How long an idle keep-alive socket stays open; default KEEP_ALIVE_TIMEOUT_MS. */
	keepAliveTimeoutMs?: number;
	/** Developer-API tokens carry the application's PAM grants too (pam/auth.ts); off by default. */
	appTokenCarriesPam?: boolean;
	/** The OAuth endpoints read the query string only, as the SDK and metadata place their parameters; off by default. */
	oauthQueryOnly?: boolean;
}

/**
 * A client that reuses a pooled socket must never pick one the server is closing at that moment
 * (Alibaba's SDK got ECONNRESET about 3 s after a call when this was 2 s: Node's 2 s plus its 1 s
 * buffer). So idle sockets stay open far longer than Node's own 5 s default, and the server says
 * so in `Keep-Alive: timeout=65`, which Node's http.Agent and undici read to retire a socket
 * before the server closes it. When the server does close an idle socket, it ends it (FIN).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface Emulator {
	url: string;
	port: number;
	readonly instanceId: string;
	/** The state; the same object for the emulator's whole life (reset refills it). */
	store: Store;
	faults: Faults;
	stats: Stats;
	/** Event callbacks to applications' push URLs (emulator/events/). */
	events: EventHub;
	/** The rate limit in force (set at start, changed by tests or `/__emulator/rateLimit`). */
	rateLimit: RateLimiter;
	/** A gateway-style page cap (`paging.set(7)` or `/__emulator/paging`); none by default. */
	paging: PageCap;
	/** The first application (the demo one). */
	readonly application: AppRecord;
	apps: {
		get(applicationId: string): AppRecord | undefined;
		create(input?: NewApplication): AppRecord;
		update(applicationId: string, patch: NewApplication): AppRecord;
	};
	/** An application access token without a GenerateToken round trip (default: the first app). */
	issueAppToken(applicationId?: string): string;
	/** An end-user token for GetUserInfo (scopes default openid profile email phone). */
	issueUserToken(userId: string, options?: { applicationId?: string; scopes?: string[]; lifetimeSeconds?: number }): string;
	/** A token of the instance's authorization server carrying PAM scopes (default: all of them). */
	issuePamToken(options?: { scopes?: string[]; lifetimeSeconds?: number }): string;
	/** CreateGroup the way the API does it: the group joins the first application's scope. */
	createGroup(input: { groupName: string; groupExternalId?: string; description?: string }): GroupRecord;
	/** Refill the store from a seed (default: the one given at start); clears faults, stats and the page cap, restores the start's rate limit. */
	reset(seed?: SeedData | string | { generate: GenerateOptions }): void;
	close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const missing = missingHandlers();
	if (missing.length) throw new Error(`The emulator has no handler for: ${missing.join(', ')}`);
	const store = new Store('', '');
	const events = new EventHub(store);
	const fill = (seed: SeedData | string | { generate: GenerateOptions } | undefined) =>
		events.quiet(() => {
			let pushes: PushInput[] = [];
			if (seed && typeof seed === 'object' && 'generate' in seed) populate(store, seed.generate);
			else {
				const data = typeof seed === 'object' ? seed : loadSeed(seed ?? 'demo');
				applySeed(store, data);
				pushes = (data as { eventPush?: PushInput[] }).eventPush ?? [];
			}
			store.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
			store.appTokenCarriesPam = options.appTokenCarriesPam ?? false;
			store.oauthQueryOnly = options.oauthQueryOnly ?? false;
			events.reset(pushes);
		});
	const initial = options.generate ? { generate: options.generate } : options.seed;
	fill(initial);
	const faults = new Faults(() => store.expireAllTokens());
	const stats = new Stats();
	const rateLimit = new RateLimiter();
	rateLimit.set(options.rateLimit);
	const paging = new PageCap();
	const deps = { store: () => store, faults, stats, rateLimit, paging, scopeSpelling: options.scopeSpelling ?? 'manage_all' };

	const server: Server = createServer((req, res) => {
		const requestId = newRequestId();
		res.setHeader('x-acs-request-id', requestId);
		const url = new URL(req.url ?? '/', 'http://emulator.invalid');
		const jwks = req.method === 'GET' ? events.jwks(url.pathname) : undefined;
		if (jwks) return sendJson(res, 200, jwks);
		const work = url.pathname.startsWith('/__emulator/events/')
			? handleEventsControl(events, req, res, url, emulator.url, requestId)
			: url.pathname.startsWith('/__emulator/')
				? handleControl(emulator, req, res, url, requestId)
				: handleApi(deps, req, res, url, requestId);
		work.catch((error) => {
			console.error('[emulator] unexpected failure:', error);
			if (!res.headersSent) res.writeHead(500).end();
		});
	});
	server.keepAliveTimeout = options.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS;
	const host = options.host ?? '127.0.0.1';
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, resolve);
	});
	const port = (server.address() as AddressInfo).port;
	const firstApp = () => store.application.applicationId;

	const emulator: Emulator = {
		url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
		port,
		get instanceId() {
			return store.instanceId;
		},
		store,
		faults,
		stats,
		events,
		rateLimit,
		paging,
		get application() {
			return store.application;
		},
		apps: {
			get: (id) => store.applications.get(id),
			create: (input) => store.addApplication(input),
			update: (id, patch) => store.updateApplication(id, patch),
		},
		issueAppToken: (applicationId = firstApp()) => store.issueToken('app', applicationId).token,
		issueUserToken: (userId, opts = {}) =>
			store.issueToken('user', opts.applicationId ?? firstApp(), {
				userId: store.user(userId).userId,
				scopes: opts.scopes ?? ['openid', 'profile', 'email', 'phone'],
				lifetimeSeconds: opts.lifetimeSeconds,
			}).token,
		issuePamToken: (opts = {}) =>
			store.issueToken('pam', firstApp(), {
				scopes: opts.scopes ?? [PAM_ALL_SCOPE, SCOPES.pamObtainCredential],
				lifetimeSeconds: opts.lifetimeSeconds,
			}).token,
		createGroup(input) {
			const group = store.createGroup(input);
			store.application.provisioningScope.groupIds.push(group.groupId);
			return group;
		},
		reset(seed) {
			fill(seed ?? initial);
			faults.clear();
			stats.reset();
			paging.set();
			rateLimit.set(options.rateLimit);
		},
		close: () =>
			new Promise<void>((resolve) => {
				events.close();
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
	return emulator;
}
