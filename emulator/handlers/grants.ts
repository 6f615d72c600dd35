import { createHash, createHmac } from 'crypto';

import { ApiError } from '../errors';
import type { RefreshTokenRecord } from '../grants';
import type { Store } from '../store';
import type { AppRecord, TokenRecord } from '../types';

/**
 * The grants of GenerateToken (documented: authorization code, device flow, refresh token, client
 * credentials, password), and the client authentication GenerateToken and RevokeToken share.
 * Errors are RFC 6749 §5.2 / RFC 8628 §3.5 codes with status 400; only `invalid_grant` for
 * client credentials with API access off is documented by Alibaba, the rest are ASSUMPTIONS.
 */

export type OAuthParams = Record<string, string>;
export type TokenResponse = Record<string, string | number>;

export const oauthError = (code: string, message: string, status = 400) =>
	new ApiError(status, code, message);

/** The scope values GenerateToken documents. */
const USER_SCOPES = ['openid', 'profile', 'email', 'phone'];

/** ASSUMPTION: a grant that asks for no scope gets all four documented ones. */
export function userScopes(scope: string | undefined): string[] {
	const asked = (scope ?? '').split(/\s+/).filter(Boolean);
	const unknown = asked.filter((s) => !USER_SCOPES.includes(s));
	if (unknown.length) throw oauthError('invalid_scope', `Invalid scope: ${unknown.join(' ')}`);
	return asked.length ? [...new Set(asked)] : [...USER_SCOPES];
}

/** A client_id, when given, must be the application's (GenerateDeviceCode documents invalid_request for it). */
export function checkClientId(app: AppRecord, params: OAuthParams, code = 'invalid_client'): void {
	if (params.client_id !== undefined && params.client_id !== app.clientId)
		throw oauthError(code, 'Invalid client id');
}

/**
 * Client authentication: a client_id must be this application's, a client_secret (post or Basic)
 * must be its secret, and a confidential call without one fails. ASSUMPTION: public-client calls
 * (PKCE, device flow, password; documented without client_secret) may omit the secret.
 * Returns whether the client authenticated with its secret.
 */
export function authenticateClient(
	app: AppRecord,
	params: OAuthParams,
	secretRequired: boolean,
): boolean {
	checkClientId(app, params);
	if (params.client_secret === undefined && !secretRequired) return false;
	if (params.client_secret !== app.clientSecret)
		throw oauthError('invalid_client', 'Client authentication failed');
	return true;
}

function required(params: OAuthParams, name: string): string {
	const value = params[name];
	if (!value) throw oauthError('invalid_request', `Missing parameter: ${name}`);
	return value;
}

const seconds = (ms: number) => Math.round(ms / 1000);

/**
 * ASSUMPTION: the ID token is a JWT signed HS256 with the client secret (OIDC Core §10.1); the
 * real issuer and claims are not documented.
 */
function idToken(store: Store, app: AppRecord, userId: string, expiresAt: number): string {
	const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({
		iss: `idaas-emulator/${store.instanceId}/${app.applicationId}`,
		sub: userId,
		aud: app.clientId,
		iat: Math.floor(Date.now() / 1000),
		// The same second as the response's expires_at.
		exp: Math.floor(expiresAt / 1000),
	})}`;
	return `${body}.${createHmac('sha256', app.clientSecret).update(body).digest('base64url')}`;
}

/** The token response: the refresh token if there is one, and an ID token with `openid`. */
function respond(
	store: Store,
	app: AppRecord,
	access: TokenRecord,
	refresh?: RefreshTokenRecord,
): TokenResponse {
	refresh?.accessTokens.push(access.token);
	return {
		token_type: 'Bearer',
		access_token: access.token,
		...(refresh && { refresh_token: refresh.token }),
		expires_in: seconds(access.expiresAt - Date.now()),
		expires_at: Math.floor(access.expiresAt / 1000),
		// RFC 6749 §5.1: the granted scope, space-separated (several since SDK 1.8.0).
		...(access.userId && { scope: access.scopes.join(' ') }),
		...(access.userId &&
			access.scopes.includes('openid') && {
				id_token: idToken(store, app, access.userId, access.expiresAt),
			}),
	};
}

/** What the end-user grants issue: a user access token and a refresh token. */
function userTokens(
	store: Store,
	app: AppRecord,
	userId: string,
	scopes: string[],
	publicClient: boolean,
): TokenResponse {
	const access = store.issueToken('user', app.applicationId, { userId, scopes });
	return respond(
		store,
		app,
		access,
		store.grants.newRefreshToken({
			applicationId: app.applicationId,
			userId,
			scopes,
			publicClient,
		}),
	);
}

type Grant = (store: Store, app: AppRecord, params: OAuthParams) => TokenResponse;

function clientCredentials(store: Store, app: AppRecord, params: OAuthParams): TokenResponse {
	// Documented: API access off → 400 invalid_grant "Invalid or not supported grant_type: client_credentials".
	if (!app.apiEnabled)
		throw oauthError('invalid_grant', 'Invalid or not supported grant_type: client_credentials');
	authenticateClient(app, params, true);
	// No refresh_token / id_token for client credentials (the M2M example).
	return respond(store, app, store.issueToken('app', app.applicationId));
}

/** RFC 8628 §3.5: pending until approved, then tokens once; `expired_token` after the lifetime. */
function deviceCode(store: Store, app: AppRecord, params: OAuthParams): TokenResponse {
	const code = required(params, 'device_code');
	const publicClient = !authenticateClient(app, params, false);
	const record = store.grants.deviceCodes.get(code);
	if (!record || record.applicationId !== app.applicationId || record.status === 'used')
		throw oauthError('invalid_grant', 'Invalid device code');
	if (record.expiresAt <= Date.now())
		throw oauthError('expired_token', 'The device code has expired');
	if (record.status === 'denied')
		throw oauthError('access_denied', 'The user denied the authorization request');
	// ASSUMPTION: polling faster than `interval` is not answered with slow_down.
	if (record.status === 'pending')
		throw oauthError('authorization_pending', 'The authorization request is still pending');
	record.status = 'used';
	return userTokens(store, app, record.userId!, record.scopes, publicClient);
}

/** RFC 6749 §4.1.3 with PKCE (RFC 7636): one use, same redirect_uri, a matching verifier. */
function authorizationCode(store: Store, app: AppRecord, params: OAuthParams): TokenResponse {
	const code = required(params, 'code');
	const verifier = params.code_verifier;
	const publicClient = !authenticateClient(app, params, verifier === undefined);
	const record = store.grants.authorizationCodes.get(code);
	if (!record || record.applicationId !== app.applicationId || record.used)
		throw oauthError('invalid_grant', 'Invalid authorization code');
	if (record.expiresAt <= Date.now())
		throw oauthError('invalid_grant', 'The authorization code has expired');
	if (params.redirect_uri !== record.redirectUri)
		throw oauthError('invalid_grant', 'redirect_uri does not match the authorization request');
	if (record.codeChallenge !== undefined) {
		if (verifier === undefined) throw oauthError('invalid_grant', 'Missing code_verifier');
		const derived =
			record.codeChallengeMethod === 'plain'
				? verifier
				: createHash('sha256').update(verifier).digest('base64url');
		if (derived !== record.codeChallenge)
			throw oauthError('invalid_grant', 'Invalid code_verifier');
	} else if (verifier !== undefined) {
		throw oauthError('invalid_grant', 'The authorization request had no code_challenge');
	}
	record.used = true;
	return userTokens(store, app, record.userId, record.scopes, publicClient);
}

/** ASSUMPTION: the refresh token is not rotated and keeps its scopes; a confidential one needs the secret. */
function refreshToken(store: Store, app: AppRecord, params: OAuthParams): TokenResponse {
	const record = store.grants.liveRefreshToken(required(params, 'refresh_token'));
	authenticateClient(app, params, !record?.publicClient);
	if (!record || record.applicationId !== app.applicationId || !store.users.has(record.userId)) {
		throw oauthError('invalid_grant', 'Invalid refresh token');
	}
	return respond(
		store,
		app,
		store.issueToken('user', app.applicationId, { userId: record.userId, scopes: record.scopes }),
		record,
	);
}

/** ASSUMPTION: an unknown user, a wrong password, no password set or a disabled account all answer invalid_grant. */
function password(store: Store, app: AppRecord, params: OAuthParams): TokenResponse {
	const username = required(params, 'username');
	const given = required(params, 'password');
	const publicClient = !authenticateClient(app, params, false);
	const scopes = userScopes(params.scope);
	const user = store.users.get(store.findUserId('username', username) ?? '');
	if (
		!user ||
		user.status !== 'enabled' ||
		user.password === undefined ||
		user.password !== given
	) {
		throw oauthError('invalid_grant', 'Invalid username or password');
	}
	return userTokens(store, app, user.userId, scopes, publicClient);
}

export const GRANTS: Readonly<Record<string, Grant>> = {
	client_credentials: clientCredentials,
	'urn:ietf:params:oauth:grant-type:device_code': deviceCode,
	authorization_code: authorizationCode,
	refresh_token: refreshToken,
	password,
};
