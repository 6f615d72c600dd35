import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { handleApi } from './api';
import { handleControl } from './control';
import type { Emulator, EmulatorOptions } from './emulator';
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
import { DEFAULT_TOKEN_LIFETIME_SECONDS, Store } from './store';
import { Stats } from './stats';
import { handleScimControl } from './scim/control';
import { ScimHub, type ScimPushSeed } from './scim/hub';
import { RateLimiter } from './throttle';
import type { SeedData } from './types';
import { SCOPES } from '../nodes/AlibabaIdaas/catalog';

export type { Emulator, EmulatorOptions } from './emulator';

/**
 * A client that reuses a pooled socket must never pick one the server is closing at that moment
 * (Alibaba's SDK got ECONNRESET about 3 s after a call when this was 2 s: Node's 2 s plus its 1 s
 * buffer). So idle sockets stay open far longer than Node's own 5 s default, and the server says
 * so in `Keep-Alive: timeout=65`, which Node's http.Agent and undici read to retire a socket
 * before the server closes it. When the server does close an idle socket, it ends it (FIN).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const missing = missingHandlers();
	if (missing.length) throw new Error(`The emulator has no handler for: ${missing.join(', ')}`);
	const store = new Store('', '');
	const events = new EventHub(store);
	const scim = new ScimHub(store);
	// Seeding changes the store without pushing events or SCIM requests.
	const load = (seed: SeedData | string | { generate: GenerateOptions } | undefined) => {
		let pushes: PushInput[] = [];
		let scimPushes: ScimPushSeed[] = options.scimPush ?? [];
		if (seed && typeof seed === 'object' && 'generate' in seed) populate(store, seed.generate);
		else {
			const data = typeof seed === 'object' ? seed : loadSeed(seed ?? 'demo');
			applySeed(store, data);
			pushes = (data as { eventPush?: PushInput[] }).eventPush ?? [];
			scimPushes = [...scimPushes, ...((data as { scimPush?: ScimPushSeed[] }).scimPush ?? [])];
		}
		store.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
		store.appTokenCarriesPam = options.appTokenCarriesPam ?? false;
		store.oauthQueryOnly = options.oauthQueryOnly ?? false;
		events.reset(pushes);
		scim.reset(scimPushes);
	};
	const fill = (seed: SeedData | string | { generate: GenerateOptions } | undefined) =>
		scim.quiet(() => events.quiet(() => load(seed)));

	const initial = options.generate ? { generate: options.generate } : options.seed;
	fill(initial);
	const faults = new Faults(() => store.expireAllTokens());
	const stats = new Stats();
	const rateLimit = new RateLimiter();
	rateLimit.set(options.rateLimit);
	const paging = new PageCap();
	const deps = {
		store: () => store,
		faults,
		stats,
		rateLimit,
		paging,
		scopeSpelling: options.scopeSpelling ?? 'manage_all',
	};

	const server: Server = createServer((req, res) => {
		const requestId = newRequestId();
		res.setHeader('x-acs-request-id', requestId);
		const url = new URL(req.url ?? '/', 'http://emulator.invalid');
		const jwks = req.method === 'GET' ? events.jwks(url.pathname) : undefined;
		if (jwks) return sendJson(res, 200, jwks);
		const work = url.pathname.startsWith('/__emulator/events/')
			? handleEventsControl(events, req, res, url, emulator.url, requestId)
			: url.pathname.startsWith('/__emulator/scim/')
				? handleScimControl(scim, req, res, url, requestId)
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
		scim,
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
				scim.close();
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
	return emulator;
}
