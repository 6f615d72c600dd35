import type { AuthenticationToken, AuthorizationSession, PamCredential } from './types';

/** Response shapes of the PAM operations (SDK 1.8.0 models), built from the records. */

export function credentialView(instanceId: string, c: PamCredential) {
	return {
		instanceId,
		credentialId: c.credentialId,
		credentialIdentifier: c.credentialIdentifier,
		credentialName: c.credentialName,
		credentialType: c.credentialType,
		credentialScenarioLabel: c.credentialScenarioLabel,
		credentialCreationType: c.credentialCreationType,
		credentialExternalId: c.credentialExternalId,
		credentialSharingScope: c.credentialSharingScope,
		exclusiveUserId: c.exclusiveUserId,
		credentialSubjectType: c.credentialSubjectType,
		credentialSubjectId: c.credentialSubjectId,
		description: c.description,
		status: c.status,
		createTime: c.createTime,
		updateTime: c.updateTime,
		// Only the sub-object of the credential's type (SDK model).
		credentialContent:
			c.credentialType === 'api_key'
				? { apiKeyContent: { apiKey: c.apiKey } }
				: { oauthClientContent: { clientId: c.clientId, clientSecret: c.clientSecret } },
	};
}

/** ListAuthenticationTokens' entities: the token's metadata, never its value. */
export function tokenMetadata(instanceId: string, t: AuthenticationToken) {
	return {
		instanceId,
		authenticationTokenId: t.authenticationTokenId,
		authenticationTokenType: t.authenticationTokenType,
		consumerType: t.consumerType,
		consumerId: t.consumerId,
		creatorType: t.creatorType,
		creatorId: t.creatorId,
		credentialProviderId: t.credentialProviderId,
		createTime: t.createTime,
		updateTime: t.updateTime,
		expirationTime: t.expirationTime,
		revoked: t.revoked,
	};
}

export function jwtView(instanceId: string, t: AuthenticationToken) {
	return {
		...tokenMetadata(instanceId, t),
		jwtContent: {
			jwtValue: t.jwtValue,
			...(t.derivedShortToken ? { derivedShortToken: t.derivedShortToken } : {}),
		},
	};
}

export function oauthTokenView(instanceId: string, t: AuthenticationToken) {
	return {
		...tokenMetadata(instanceId, t),
		oauthAccessTokenContent: {
			accessTokenValue: t.accessTokenValue,
			tokenType: t.tokenType,
			scope: t.scope,
		},
	};
}

export function sessionView(instanceId: string, s: AuthorizationSession) {
	return {
		instanceId,
		sessionId: s.sessionId,
		sessionUri: s.sessionUri,
		sessionStatus: s.sessionStatus,
		consumerType: s.consumerType,
		consumerId: s.consumerId,
		creatorType: s.creatorType,
		creatorId: s.creatorId,
		credentialProviderIdentifier: s.credentialProviderIdentifier,
		expirationTime: s.expirationTime,
		// What each state carries (Alibaba's PAM client README): the URL while open, the token once
		// completed, the provider's error once failed.
		...(s.sessionStatus === 'pending' || s.sessionStatus === 'callback_received'
			? { authorizationUrl: s.authorizationUrl }
			: {}),
		...(s.authenticationTokenId ? { authenticationTokenId: s.authenticationTokenId } : {}),
		...(s.sessionStatus === 'failed'
			? { errorCode: s.errorCode, errorDescription: s.errorDescription }
			: {}),
	};
}
