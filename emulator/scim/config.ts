import { ApiError } from '../errors';

/**
 * How the emulator's SCIM client talks to one application's SCIM base URL. IDaaS documents that
 * it is a SCIM 2.0 client (bearer token or OAuth client credentials, users and groups, no
 * organizations) but not the requests it sends; each undocumented choice is a switch here, with
 * presets for IDaaS's likely behaviour and for the two clients SCIM targets are usually built
 * for, Okta and Microsoft Entra. docs/scim-push.md says which parts are confirmed and where from.
 */

export type Auth =
	| { mode: 'bearer'; token: string }
	| {
			mode: 'client_credentials';
			tokenUrl: string;
			clientId: string;
			clientSecret: string;
			/** RFC 6749 §2.3.1: HTTP Basic (every server must accept it) or the form body. */
			clientAuth: 'basic' | 'post';
	  };

export interface Switches {
	/** GET /Users?filter=userName eq "…" (and /Groups by displayName) before a create; a match is updated instead. */
	lookup: boolean;
	/** How a changed user or group is sent: the whole resource (PUT) or the changed attributes (PATCH). */
	update: 'put' | 'patch';
	/** How a user is deactivated and reactivated: as any update, or always a PATCH of `active` (Okta). */
	deactivate: 'update' | 'patch';
	/** A user deleted in the directory: DELETE /Users/{id}, or a soft delete by `active: false`. */
	delete: 'delete' | 'deactivate';
	/** PATCH operation names: RFC 7644's "replace", or Entra's "Replace". */
	patchOps: 'lower' | 'capitalised';
	/** PATCH attributes: one operation per attribute with a `path`, or one operation whose value is an object (no path). */
	patchStyle: 'paths' | 'valueObject';
	/** Groups (and their membership) are pushed at all. */
	groups: boolean;
	/** Membership changes: PATCH add/remove of `members`, or PUT of the group with its whole member list. */
	groupMembers: 'patch' | 'put';
	/** A member removed by PATCH: `path: members` with a value list, or `path: members[value eq "…"]` (Okta). */
	memberRemoval: 'valueList' | 'filterPath';
	/** Request bodies' content type. */
	contentType: 'application/scim+json' | 'application/json';
}

export interface ScimPushConfig extends Switches {
	applicationId: string;
	/** The SCIM base URL (…/Users and …/Groups are under it). */
	url: string;
	/** The preset the switches started from (custom: idaas's); switches given with it override it. */
	preset: PresetName | 'custom';
	auth: Auth;
	timeoutMs: number;
	/** Attempts after the first for a 5xx, 429 or network failure. */
	maxRetries: number;
	retryDelayMs: number;
	/** Requests in flight at once; changes to one user or group are always sent in order. */
	concurrency: number;
}

export type PresetName = 'idaas' | 'okta' | 'entra';

/**
 * - idaas: every choice a guess (docs/scim-push.md): the console's actions are CREATE, UPDATE and DELETE, read here
 *   as POST, PUT and DELETE, with IDaaS keeping the ID each create returned.
 * - okta: https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20 : a filter look-up before each create,
 *   PUT for profile updates, PATCH `{op: replace, value: {active: false}}` to deactivate, never DELETE for users,
 *   and group members removed by `members[value eq "…"]`.
 * - entra: https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups :
 *   a filter look-up before each create, PATCH with "Replace"/"Add"/"Remove" and attribute paths, soft delete by
 *   `active: false` (the hard DELETE comes 30 days later), members added and removed by value list.
 */
export const PRESETS: Record<PresetName, Switches> = {
	idaas: {
		lookup: false,
		update: 'put',
		deactivate: 'update',
		delete: 'delete',
		patchOps: 'lower',
		patchStyle: 'paths',
		groups: true,
		groupMembers: 'patch',
		memberRemoval: 'valueList',
		contentType: 'application/json',
	},
	okta: {
		lookup: true,
		update: 'put',
		deactivate: 'patch',
		delete: 'deactivate',
		patchOps: 'lower',
		patchStyle: 'valueObject',
		groups: true,
		groupMembers: 'patch',
		memberRemoval: 'filterPath',
		contentType: 'application/scim+json',
	},
	entra: {
		lookup: true,
		update: 'patch',
		deactivate: 'patch',
		delete: 'deactivate',
		patchOps: 'capitalised',
		patchStyle: 'paths',
		groups: true,
		groupMembers: 'patch',
		memberRemoval: 'valueList',
		contentType: 'application/scim+json',
	},
};

/** Every switch and the values it takes (tests run the client under each combination). */
export const SWITCH_VALUES: { [K in keyof Switches]: ReadonlyArray<Switches[K]> } = {
	lookup: [false, true],
	update: ['put', 'patch'],
	deactivate: ['update', 'patch'],
	delete: ['delete', 'deactivate'],
	patchOps: ['lower', 'capitalised'],
	patchStyle: ['paths', 'valueObject'],
	groups: [false, true],
	groupMembers: ['patch', 'put'],
	memberRemoval: ['valueList', 'filterPath'],
	contentType: ['application/scim+json', 'application/json'],
};

export type ScimPushInput = Partial<Omit<ScimPushConfig, 'auth'>> & {
	applicationId?: string;
	url: string;
	auth?: Partial<Auth> & { mode?: Auth['mode'] };
};

const DEFAULTS = { timeoutMs: 10_000, maxRetries: 5, retryDelayMs: 1000, concurrency: 4 };

const bad = (field: string, message: string) =>
	new ApiError(400, `InvalidParameter.${field}`, message);

function auth(input: ScimPushInput['auth'] = {}): Auth {
	const given = input as Record<string, unknown>;
	const mode = given.mode ?? 'bearer';
	const text = (name: string) => {
		if (typeof given[name] !== 'string' || given[name] === '')
			throw bad(`Auth.${name}`, `The ${mode} mode needs auth.${name}.`);
		return given[name] as string;
	};
	if (mode === 'bearer') return { mode, token: text('token') };
	if (mode !== 'client_credentials')
		throw bad('Auth.mode', 'auth.mode is bearer or client_credentials.');
	const tokenUrl = text('tokenUrl');
	if (!URL.canParse(tokenUrl)) throw bad('Auth.tokenUrl', 'auth.tokenUrl must be a URL.');
	const clientAuth = given.clientAuth ?? 'basic';
	if (clientAuth !== 'basic' && clientAuth !== 'post')
		throw bad('Auth.clientAuth', 'auth.clientAuth is basic or post.');
	return {
		mode,
		tokenUrl,
		clientId: text('clientId'),
		clientSecret: text('clientSecret'),
		clientAuth,
	};
}

/** A whole configuration: the preset's switches (default idaas), then the input's; 400 on a bad value. */
export function buildConfig(applicationId: string, input: ScimPushInput): ScimPushConfig {
	if (typeof input.url !== 'string' || !URL.canParse(input.url))
		throw bad('ScimBaseUrl', 'The SCIM push configuration needs a valid url.');
	const preset = input.preset ?? 'idaas';
	if (preset !== 'custom' && !(preset in PRESETS))
		throw bad('Preset', `preset is one of ${Object.keys(PRESETS).join(', ')} or custom.`);
	const config: ScimPushConfig = {
		...DEFAULTS,
		...PRESETS[preset === 'custom' ? 'idaas' : preset],
		...stripUndefined(input),
		preset,
		applicationId,
		url: input.url.replace(/\/+$/, ''),
		auth: auth(input.auth),
	};
	for (const [name, values] of Object.entries(SWITCH_VALUES)) {
		const value = config[name as keyof Switches];
		if (!(values as readonly unknown[]).includes(value))
			throw bad(name, `${name} is one of ${values.join(', ')}, not ${JSON.stringify(value)}.`);
	}
	for (const name of ['timeoutMs', 'maxRetries', 'retryDelayMs', 'concurrency'] as const) {
		const least = name === 'concurrency' ? 1 : 0;
		if (!Number.isInteger(config[name]) || config[name] < least)
			throw bad(name, `${name} must be a whole number of at least ${least}.`);
	}
	return config;
}

function stripUndefined<T extends object>(input: T): Partial<T> {
	return Object.fromEntries(
		Object.entries(input).filter(([key, value]) => value !== undefined && key !== 'auth'),
	) as Partial<T>;
}

/** The configuration as the control API shows it: secrets replaced by their length. */
export function configView(config: ScimPushConfig): Record<string, unknown> {
	const { auth: a, ...rest } = config;
	const hidden = (s: string) => `[${s.length} characters]`;
	return {
		...rest,
		auth:
			a.mode === 'bearer'
				? { mode: a.mode, token: hidden(a.token) }
				: { ...a, clientSecret: hidden(a.clientSecret) },
	};
}
