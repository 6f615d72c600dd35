import { ApiError } from '../errors';
import { PAM_ALL_SCOPE, coversPamScope, isPamScope } from '../pam/auth';
import type { AppRecord } from '../types';
import type { Handler } from './context';
import { oauthError } from './grants';
import { oauthParams } from './oauth';

/** The instance's built-in authorization server, the one SDK 1.8.0's example names. */
export const SYSTEM_AUTHORIZATION_SERVER = 'iauths_system';

/**
 * Which scopes a client-credentials token of the authorization server carries: the ones asked
 * for (space-separated), where `urn:cloud:idaas:pam|.all` stands for every PAM scope granted to
 * the client; every PAM scope granted when none is asked for. ASSUMPTION: asking for a scope not
 * granted (or for .all with none granted) is 400 invalid_scope, the OAuth 2.0 code (RFC 6749 §5.2).
 */
function grantedScopes(app: AppRecord, requested: string | undefined): string[] {
	const pamScopes = [...app.scopes].filter(isPamScope);
	const scopes = new Set<string>();
	for (const scope of requested ? requested.split(' ').filter(Boolean) : [PAM_ALL_SCOPE]) {
		if (scope === PAM_ALL_SCOPE && pamScopes.length > 0) pamScopes.forEach((s) => scopes.add(s));
		else if (app.scopes.has(scope) || (isPamScope(scope) && coversPamScope(app.scopes, scope)))
			scopes.add(scope);
		else throw oauthError('invalid_scope', `Scope not granted to the client: ${scope}`);
	}
	return [...scopes];
}

export const authorizationServerHandlers: Record<string, Handler> = {
	/**
	 * GenerateTokenByAuthorizationServer. The emulator knows `iauths_system` only (others: 404
	 * authorization_server_not_found, ASSUMPTION) and the client_credentials grant with a client
	 * secret (query, form or Basic, as GenerateToken); client assertions, X.509 and federated
	 * credentials are refused with 400 invalid_client. The token is what PAM operations take.
	 */
	GenerateTokenByAuthorizationServer(ctx) {
		const params = oauthParams(ctx);
		if (ctx.path.authorizationServerId !== SYSTEM_AUTHORIZATION_SERVER) {
			throw oauthError(
				'authorization_server_not_found',
				`Authorization server not found: ${ctx.path.authorizationServerId}`,
				404,
			);
		}
		if (!params.grant_type) throw oauthError('invalid_request', 'Missing parameter: grant_type');
		if (!params.client_id) throw oauthError('invalid_request', 'Missing parameter: client_id');
		const app = [...ctx.store.applications.values()].find((a) => a.clientId === params.client_id);
		if (
			params.client_assertion ||
			params.client_x509 ||
			params.application_federated_credential_name
		) {
			throw oauthError(
				'invalid_client',
				'The emulator authenticates clients by client_secret only',
			);
		}
		if (!app || !params.client_secret || params.client_secret !== app.clientSecret) {
			throw oauthError('invalid_client', 'Client authentication failed');
		}
		if (!app.enabled) throw new ApiError(403, 'application_disabled', 'Application is disabled');
		if (params.grant_type !== 'client_credentials') {
			throw oauthError(
				'unsupported_grant_type',
				`Invalid or not supported grant_type: ${params.grant_type}`,
			);
		}
		const scopes = grantedScopes(app, params.scope);
		const token = ctx.store.issueToken('pam', app.applicationId, { scopes });
		return {
			token_type: 'Bearer',
			access_token: token.token,
			expires_in: Math.round((token.expiresAt - Date.now()) / 1000),
			expires_at: Math.floor(token.expiresAt / 1000),
			scope: scopes.join(' '),
		};
	},
};
