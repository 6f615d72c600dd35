import { ApiError } from '../errors';
import { bearerOf, checkAppUsable, findApp } from '../auth';
import { DEVICE_POLL_INTERVAL_SECONDS } from '../grants';
import type { AppRecord } from '../types';
import type { Ctx, Handler } from './context';
import { authenticateClient, checkClientId, GRANTS, oauthError, userScopes } from './grants';

/**
 * The `/oauth2/*` operations. They take no bearer header (GenerateToken, RevokeToken,
 * GenerateDeviceCode) or a user token (GetUserInfo), and answer OAuth-style errors (server.ts).
 */

/** Parameters from the query string (the SDK), the body (form, per the docs; JSON tolerated) and Basic auth. */
export function oauthParams(ctx: Ctx): Record<string, string> {
	const params: Record<string, string> = {};
	// A server that reads the query string only (where the SDK and the metadata put the parameters): the
	// emulator's `oauthQueryOnly` switch, for the node's form-then-query fallback (transport/formFallback.ts).
	if (ctx.store.oauthQueryOnly) {
		// What such a server answers a form body: the first parameter it looks for is missing (every OAuth endpoint names its client).
		if ([...ctx.query.keys()].length === 0)
			throw oauthError('invalid_request', 'Missing parameter: client_id');
	} else
		for (const [key, value] of Object.entries(ctx.body))
			if (typeof value === 'string') params[key] = value;
	for (const [key, value] of ctx.query) params[key] ??= value;
	const basic = /^Basic\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '')?.[1];
	if (basic) {
		const text = Buffer.from(basic, 'base64').toString('utf8');
		const colon = text.indexOf(':');
		if (colon > 0) {
			params.client_id ??= decodeURIComponent(text.slice(0, colon));
			params.client_secret ??= decodeURIComponent(text.slice(colon + 1));
		}
	}
	return params;
}

function pathApp(ctx: Ctx): AppRecord {
	return findApp(ctx.store, ctx.path.applicationId);
}

export const oauthHandlers: Record<string, Handler> = {
	/**
	 * The five documented grants (grants.ts). ASSUMPTIONS: a wrong client ID → 400 invalid_client;
	 * a grant outside the five → 400 invalid_grant in the documented message pattern.
	 */
	GenerateToken(ctx) {
		const params = oauthParams(ctx);
		const app = pathApp(ctx);
		const grant = params.grant_type;
		if (!grant) throw oauthError('invalid_request', 'Missing parameter: grant_type');
		checkClientId(app, params);
		if (!Object.hasOwn(GRANTS, grant))
			throw oauthError('invalid_grant', `Invalid or not supported grant_type: ${grant}`);
		if (!app.enabled) throw new ApiError(403, 'application_disabled', 'Application is disabled');
		return GRANTS[grant](ctx.store, app, params);
	},

	/**
	 * The client authenticates as for GenerateToken (RFC 7009 §2.1; ASSUMPTION: the application is
	 * a confidential client, so its secret is required), then 200 `{}` whether or not the token was
	 * known (RFC 7009 §2.2, ASSUMPTION); another application's tokens are left alone. A refresh
	 * token takes the access tokens issued with it along.
	 */
	RevokeToken(ctx) {
		const params = oauthParams(ctx);
		const app = pathApp(ctx);
		authenticateClient(app, params, true);
		const token = params.token;
		if (!token) throw oauthError('invalid_request', 'Missing parameter: token');
		const { store } = ctx;
		const refresh = store.grants.refreshTokens.get(token);
		if (refresh?.applicationId === app.applicationId) {
			refresh.revoked = true;
			for (const access of refresh.accessTokens) store.revokeToken(access);
		}
		if (store.tokens.get(token)?.applicationId === app.applicationId) store.revokeToken(token);
		return {};
	},

	/** Documented errors: device flow off, a wrong client ID (both 400 invalid_request). */
	GenerateDeviceCode(ctx) {
		const params = oauthParams(ctx);
		const app = pathApp(ctx);
		checkClientId(app, params, 'invalid_request');
		if (!app.deviceFlowEnabled)
			throw oauthError('invalid_request', 'Application is not turn device grant flow on');
		const record = ctx.store.grants.newDeviceCode(app.applicationId, userScopes(params.scope));
		// ASSUMPTION: where the user enters the code; the real page lives on the instance domain.
		// The emulator has no such page: POST /__emulator/oauth/device/approve stands in for it.
		const verificationUri = `http://${ctx.req.headers.host ?? '127.0.0.1'}/v2/${ctx.store.instanceId}/${app.applicationId}/oauth2/device`;
		const expiresIn = Math.round((record.expiresAt - Date.now()) / 1000);
		return {
			device_code: record.deviceCode,
			user_code: record.userCode,
			verification_uri: verificationUri,
			verification_uri_complete: `${verificationUri}?user_code=${record.userCode}`,
			expires_in: expiresIn,
			expires_at: Math.floor(record.expiresAt / 1000),
			interval: DEVICE_POLL_INTERVAL_SECONDS,
		};
	},

	/**
	 * Claims are UNCONFIRMED (idaas-api.md §2.4); these are the standard OIDC ones, filtered by the
	 * token's scopes. A missing/expired/foreign or non-user token: documented 400 invalid_token "Invalid token".
	 */
	GetUserInfo(ctx) {
		const app = pathApp(ctx);
		checkAppUsable(app);
		const token = ctx.store.liveToken(bearerOf(ctx.req) ?? '');
		const user = token?.userId ? ctx.store.users.get(token.userId) : undefined;
		if (!token || token.kind !== 'user' || token.applicationId !== app.applicationId || !user) {
			throw oauthError('invalid_token', 'Invalid token');
		}
		const has = (scope: string) => token.scopes.includes(scope);
		return {
			sub: user.userId,
			...(has('profile') && {
				preferred_username: user.username,
				name: user.displayName,
				updated_at: Math.floor(user.updateTime / 1000),
			}),
			...(has('email') && user.email && { email: user.email, email_verified: user.emailVerified }),
			...(has('phone') &&
				user.phoneNumber && {
					phone_number: `+${user.phoneRegion} ${user.phoneNumber}`,
					phone_number_verified: user.phoneNumberVerified,
				}),
		};
	},
};
