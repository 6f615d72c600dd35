import type { ScopeSpelling } from './auth';
import type { EventHub } from './events/hub';
import type { Faults } from './faults';
import type { GenerateOptions } from './generate';
import type { PageCap } from './pagination';
import type { ScimHub, ScimPushSeed } from './scim/hub';
import type { Stats } from './stats';
import type { NewApplication, Store } from './store';
import type { RateLimitConfig, RateLimiter } from './throttle';
import type { AppRecord, GroupRecord, SeedData } from './types';

/**
 * What a started emulator is and how it starts, apart from server.ts, which starts it: the control
 * API (control.ts, controlOAuth.ts) takes an Emulator, and server.ts routes requests to the
 * control API, so the type lives here and neither file needs the other's.
 */

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
	/** SCIM push configurations (emulator/scim/), set again at each reset; a seed's `scimPush` adds to them. */
	scimPush?: ScimPushSeed[];
}

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
	/** SCIM pushes to applications' SCIM base URLs (emulator/scim/). */
	scim: ScimHub;
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
	issueUserToken(
		userId: string,
		options?: { applicationId?: string; scopes?: string[]; lifetimeSeconds?: number },
	): string;
	/** A token of the instance's authorization server carrying PAM scopes (default: all of them). */
	issuePamToken(options?: { scopes?: string[]; lifetimeSeconds?: number }): string;
	/** CreateGroup the way the API does it: the group joins the first application's scope. */
	createGroup(input: {
		groupName: string;
		groupExternalId?: string;
		description?: string;
	}): GroupRecord;
	/** Refill the store from a seed (default: the one given at start); clears faults, stats and the page cap, restores the start's rate limit. */
	reset(seed?: SeedData | string | { generate: GenerateOptions }): void;
	close(): Promise<void>;
}
