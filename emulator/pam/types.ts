/**
 * Records of IDaaS PAM (privileged access management): stored credentials, the credential
 * providers that mint or fetch authentication tokens, the tokens, and OAuth authorization
 * sessions. Field names are the wire names of SDK 1.8.0's response models
 * (https://github.com/aliyun/alibabacloud-typescript-sdk, eiam-developerapi-20220225/src/models).
 */

export interface PamCredential {
	credentialId: string;
	credentialIdentifier: string;
	credentialName: string;
	credentialType: 'api_key' | 'oauth_client';
	credentialScenarioLabel: string;
	credentialCreationType: 'system_init' | 'user_custom';
	credentialExternalId: string;
	credentialSharingScope: string;
	exclusiveUserId: string;
	credentialSubjectType: string;
	credentialSubjectId: string;
	description: string;
	status: 'enabled' | 'disabled';
	apiKey?: string;
	clientId?: string;
	clientSecret?: string;
	createTime: number;
	updateTime: number;
}

/**
 * A credential provider as configured in the console (no API creates one). `jwt`: IDaaS signs
 * JWTs; `oauth`: IDaaS fetches access tokens from an outside OAuth server, either itself
 * (`m2m`, client credentials) or after a person approves in a browser (`user_federation`).
 */
export interface CredentialProvider {
	credentialProviderId: string;
	credentialProviderIdentifier: string;
	type: 'jwt' | 'oauth';
	flow?: 'm2m' | 'user_federation';
	issuer?: string;
	/** Issuers a caller may ask for besides the default; empty: only the default. */
	allowedIssuers?: string[];
	/** Default JWT lifetime, seconds. */
	expirationSeconds?: number;
	/** Default OAuth scope. */
	scope?: string;
}

export interface AuthenticationToken {
	authenticationTokenId: string;
	authenticationTokenType: 'jwt' | 'oauth_access_token';
	consumerType: 'application' | 'custom';
	consumerId: string;
	creatorType: 'application';
	creatorId: string;
	credentialProviderId: string;
	createTime: number;
	updateTime: number;
	/** Unix ms. */
	expirationTime: number;
	revoked: boolean;
	jwtValue?: string;
	derivedShortToken?: string;
	accessTokenValue?: string;
	tokenType?: string;
	scope?: string;
}

export type SessionStatus = 'pending' | 'callback_received' | 'completed' | 'failed' | 'expired';

export interface AuthorizationSession {
	sessionId: string;
	sessionUri: string;
	authorizationUrl: string;
	sessionStatus: SessionStatus;
	consumerType: 'application';
	consumerId: string;
	creatorType: 'application';
	creatorId: string;
	credentialProviderIdentifier: string;
	/** Unix ms. */
	expirationTime: number;
	/** The OAuth scope asked for; the token made on approval carries it. */
	scope: string;
	authenticationTokenId?: string;
	errorCode?: string;
	errorDescription?: string;
}

/** The `pam` part of a seed file. */
export interface PamSeed {
	credentials?: Array<
		Partial<PamCredential> &
			Pick<PamCredential, 'credentialIdentifier' | 'credentialName' | 'credentialType'>
	>;
	credentialProviders?: Array<
		Omit<CredentialProvider, 'credentialProviderId'> & { credentialProviderId?: string }
	>;
}
