import { ApiError } from '../errors';
import { newToken } from '../ids';
import { bearerOf, checkAppUsable, findApp } from '../auth';
import type { AppRecord, TokenRecord } from '../types';
import type { Ctx, Handler } from './context';

/**
 * The `/oauth2/*` operations. They take no bearer header (GenerateToken, RevokeToken,
 * GenerateDeviceCode) or a user token (GetUserInfo), and answer OAuth-style errors (server.ts).
 */

/** Parameters from the query string (the SDK), the body (form, per the docs; JSON tolerated) and Basic auth. */
export function oauthParams(ctx: Ctx): Record<string, string> {
	const params: Record<string, string> = {};
	for (const [key, value] of Object.entries(ctx.body)) if (typeof value === 'string') params[key] = value;
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

export const oauthError = (status: number, code: string, message: string) => new ApiError(status, code, message);

function pathApp(ctx: Ctx): AppRecord {
	return findApp(ctx.store, ctx.path.applicationId);
}

function checkClientId(app: AppRecord, clientId: string | undefined, code = 'invalid_client'): void {
	if (clientId !== undefined && clientId !== app.clientId) throw oauthError(400, code, 'Invalid client id');
}

/**
 * The account's own token. `scope` may hold several space-separated values (SDK 1.8.0); without
 * it the token gets openid (ASSUMPTION).
 */
function passwordGrant(ctx: Ctx, app: AppRecord, params: Record<string, string>): TokenRecord {
	const userId = params.username ? ctx.store.findUserId('username', params.username) : undefined;
	const user = userId ? ctx.store.users.get(userId) : undefined;
	if (!user || user.status !== 'enabled' || !user.password || user.password !== params.password) {
		throw oauthError(400, 'invalid_grant', 'Invalid username or password');
	}
	const scopes = (params.scope ?? 'openid').split(' ').filter(Boolean);
	return ctx.store.issueToken('user', app.applicationId, { userId: user.userId, scopes });
}

export const oauthHandlers: Record<string, Handler> = {
	/**
	 * client_credentials, and password (SDK 1.8.0 documents the password grant, which the older
	 * metadata called unsupported). Documented: API access off → 400 invalid_grant "Invalid or not
	 * supported grant_type: client_credentials" (the zh metadata's error table). ASSUMPTIONS: a
	 * wrong or missing secret → 400 invalid_client; a wrong username or password, or a disabled
	 * account → 400 invalid_grant; other grants → 400 invalid_grant with the same message
	 * pattern; no refresh_token / id_token for client credentials (the M2M token docs,
	 * https://www.alibabacloud.com/help/en/idaas/eiam/user-guide/m2m-client-token-invocation-example).
	 */
	GenerateToken(ctx) {
		const params = oauthParams(ctx);
		const app = pathApp(ctx);
		const grant = params.grant_type;
		if (!grant) throw oauthError(400, 'invalid_request', 'Missing parameter: grant_type');
		checkClientId(app, params.client_id);
		if (grant !== 'client_credentials' && grant !== 'password') throw oauthError(400, 'invalid_grant', `Invalid or not supported grant_type: ${grant}`);
		if (!app.enabled) throw new ApiError(403, 'application_disabled', 'Application is disabled');
		if (!app.apiEnabled) throw oauthError(400, 'invalid_grant', `Invalid or not supported grant_type: ${grant}`);
		if (!params.client_secret || params.client_secret !== app.clientSecret) {
			throw oauthError(400, 'invalid_client', 'Client authentication failed');
		}
		const token = grant === 'password' ? passwordGrant(ctx, app, params) : ctx.store.issueToken('app', app.applicationId);
		return {
			token_type: 'Bearer',
			access_token: token.token,
			expires_in: Math.round((token.expiresAt - Date.now()) / 1000),
			expires_at: Math.floor(token.expiresAt / 1000),
			...(token.kind === 'user' ? { scope: token.scopes.join(' ') } : {}),
		};
	},

	/** RFC 7009 style: 200 `{}` whether or not the token was known (ASSUMPTION, https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-revoketoken). */
	RevokeToken(ctx) {
		const params = oauthParams(ctx);
		pathApp(ctx);
		if (!params.token) throw oauthError(400, 'invalid_request', 'Missing parameter: token');
		ctx.store.revokeToken(params.token);
		return {};
	},

	GenerateDeviceCode(ctx) {
		const params = oauthParams(ctx);
		const app = pathApp(ctx);
		checkClientId(app, params.client_id, 'invalid_request');
		if (!app.deviceFlowEnabled) throw oauthError(400, 'invalid_request', 'Application is not turn device grant flow on');
		const expiresIn = 1200;
		const userCode = newToken('DC').replace(/[^A-Z]/g, '').padEnd(8, 'X').slice(0, 8);
		// ASSUMPTION: where the user enters the code; the real page lives on the instance domain.
		const verificationUri = `http://${ctx.req.headers.host ?? '127.0.0.1'}/v2/${ctx.store.instanceId}/${app.applicationId}/oauth2/device`;
		return {
			device_code: newToken('DC'),
			user_code: `${userCode.slice(0, 4)}-${userCode.slice(4)}`,
			verification_uri: verificationUri,
			verification_uri_complete: `${verificationUri}?user_code=${userCode.slice(0, 4)}-${userCode.slice(4)}`,
			expires_in: expiresIn,
			expires_at: Math.floor(Date.now() / 1000) + expiresIn,
			interval: 5,
		};
	},

	/**
	 * Claims are UNCONFIRMED (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-getuserinfo); these are the standard OIDC ones, filtered by the
	 * token's scopes. A missing/expired/foreign or non-user token: documented 400 invalid_token "Invalid token".
	 */
	GetUserInfo(ctx) {
		const app = pathApp(ctx);
		checkAppUsable(app);
		const token = ctx.store.liveToken(bearerOf(ctx.req) ?? '');
		const user = token?.userId ? ctx.store.users.get(token.userId) : undefined;
		if (!token || token.kind !== 'user' || token.applicationId !== app.applicationId || !user) {
			throw oauthError(400, 'invalid_token', 'Invalid token');
		}
		const has = (scope: string) => token.scopes.includes(scope);
		return {
			sub: user.userId,
			...(has('profile') && { preferred_username: user.username, name: user.displayName, updated_at: Math.floor(user.updateTime / 1000) }),
			...(has('email') && user.email && { email: user.email, email_verified: user.emailVerified }),
			...(has('phone') &&
				user.phoneNumber && { phone_number: `+${user.phoneRegion} ${user.phoneNumber}`, phone_number_verified: user.phoneNumberVerified }),
		};
	},
};
