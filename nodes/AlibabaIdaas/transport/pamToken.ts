import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { IdaasConnection } from './context';
import type { TokenUse } from './session';
import { TOKEN_USE_FIELD, isFreshAt } from './session';

/**
 * The token the PAM operations send by default, obtained the way Alibaba's own PAM client obtains
 * it: as a machine-to-machine client of the instance's authorization server, client credentials,
 * scope `urn:cloud:idaas:pam|.all` (PamClientConstants.SCOPE of
 * https://github.com/cloud-idaas/idaas-java-pam-client-sdk). We ask the Developer API host's
 * GenerateTokenByAuthorizationServer for it (SDK 1.4.0), whose documented example server is the
 * built-in `iauths_system`.
 *
 * The token is kept in the credential next to the Developer-API token (hidden fields `pamAccessToken`,
 * `pamExpiresAt`, `pamTokenFor`), so that every execution and worker shares it and renews it once
 * per expiry, as for the Developer-API token (session.ts).
 */

export const PAM_DEFAULT_SCOPE = 'urn:cloud:idaas:pam|.all';
export const PAM_DEFAULT_AUTHORIZATION_SERVER = 'iauths_system';

/** The credential fields of the PAM section; blank ones fall back to the application's client and the defaults. */
export const PAM_FIELDS = {
	toggle: 'customizePamClient',
	clientId: 'pamClientId',
	clientSecret: 'pamClientSecret',
	authorizationServerId: 'pamAuthorizationServerId',
	scope: 'pamScope',
} as const;

/** Hidden fields holding the PAM token, its expiry (epoch seconds, as text) and what it was issued for. */
export const PAM_TOKEN_FIELDS = {
	token: 'pamAccessToken',
	expiresAt: 'pamExpiresAt',
	issuedFor: 'pamTokenFor',
} as const;

/** Where that copy keeps the Developer-API token aside, for preAuthentication to hand back unchanged. */
export const KEPT_FIELDS = { accessToken: 'keptAccessToken', expiresAt: 'keptExpiresAt' } as const;

export interface PamClientSettings {
	clientId: string;
	clientSecret: string;
	authorizationServerId: string;
	scope: string;
	/** Whether the user filled the PAM section (the credential's Test then checks the PAM token too). */
	customized: boolean;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** The PAM client: the section's values where the user set them, else the application's client and the defaults. */
export function pamClientSettings(data: ICredentialDataDecryptedObject): PamClientSettings {
	const customized = data[PAM_FIELDS.toggle] === true;
	const own = (field: string) => (customized ? text(data[field]) : '');
	// A secret is taken as typed (not trimmed), as the application's is.
	const ownSecret =
		customized && typeof data[PAM_FIELDS.clientSecret] === 'string'
			? (data[PAM_FIELDS.clientSecret] as string)
			: '';
	return {
		clientId: own(PAM_FIELDS.clientId) || text(data.clientId),
		clientSecret: ownSecret || String(data.clientSecret ?? ''),
		authorizationServerId:
			own(PAM_FIELDS.authorizationServerId) || PAM_DEFAULT_AUTHORIZATION_SERVER,
		scope: own(PAM_FIELDS.scope).replace(/\s+/g, ' ') || PAM_DEFAULT_SCOPE,
		customized,
	};
}

/** GenerateTokenByAuthorizationServer's URL for these settings. */
export function pamTokenUrl(connection: IdaasConnection, settings: PamClientSettings): string {
	return `${connection.baseUrl}/v2/${encodeURIComponent(connection.instanceId)}/authorizationServer/${encodeURIComponent(settings.authorizationServerId)}/oauth2/token`;
}

/**
 * What a stored PAM token was issued for (endpoint, instance, server, client, scope; no secret): a
 * token for other settings is not used, so that editing the PAM section takes effect at once.
 */
export function pamTokenIssuedFor(
	connection: IdaasConnection,
	settings: PamClientSettings,
): string {
	return [pamTokenUrl(connection, settings), settings.clientId, settings.scope].join(' ');
}

/** Stands in the PAM copy's `accessToken` while the PAM token is usable, when no Developer-API token is kept. */
const PAM_TOKEN_PRESENT = 'pam-token-present';

/** The PAM client's token, in `pamAccessToken`, `pamExpiresAt` and `pamTokenFor` (pamToken.ts). */
export function pamTokenUse(
	connection: IdaasConnection,
	data: ICredentialDataDecryptedObject,
): TokenUse {
	const issuedFor = pamTokenIssuedFor(connection, pamClientSettings(data));
	const usable = (d: ICredentialDataDecryptedObject) => {
		const token =
			typeof d[PAM_TOKEN_FIELDS.token] === 'string' ? (d[PAM_TOKEN_FIELDS.token] as string) : '';
		return token !== '' &&
			d[PAM_TOKEN_FIELDS.issuedFor] === issuedFor &&
			isFreshAt(d[PAM_TOKEN_FIELDS.expiresAt])
			? token
			: '';
	};
	const use: TokenUse = {
		copy(data) {
			// The Developer-API token is kept aside: preAuthentication hands it back so that n8n, which stores
			// what preAuthentication returns, stores it unchanged next to the renewed PAM token.
			const copy: ICredentialDataDecryptedObject = {
				...data,
				[TOKEN_USE_FIELD]: 'pam',
				[KEPT_FIELDS.accessToken]: data.accessToken ?? '',
				[KEPT_FIELDS.expiresAt]: data.expiresAt ?? '',
			};
			if (usable(copy) === '') use.blank(copy);
			else use.renewed(copy);
			return copy;
		},
		current: (copy) => (copy.accessToken === '' ? '' : String(copy[PAM_TOKEN_FIELDS.token] ?? '')),
		stored(stored) {
			const token = usable(stored);
			if (token === '') return undefined;
			return {
				token,
				fields: {
					[PAM_TOKEN_FIELDS.token]: token,
					[PAM_TOKEN_FIELDS.expiresAt]: stored[PAM_TOKEN_FIELDS.expiresAt],
					[PAM_TOKEN_FIELDS.issuedFor]: issuedFor,
					accessToken: PAM_TOKEN_PRESENT,
				},
			};
		},
		blank(copy) {
			copy.accessToken = '';
			copy[PAM_TOKEN_FIELDS.token] = '';
		},
		renewed(copy) {
			if (copy[PAM_TOKEN_FIELDS.token]) copy.accessToken = PAM_TOKEN_PRESENT;
		},
	};
	return use;
}
