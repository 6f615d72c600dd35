import type { SecretOutput } from './types';

/** What ListAuthenticationTokens shows of a token (SDK 1.8.0 models): everything but its value. */
export const TOKEN_METADATA = [
	'instanceId',
	'authenticationTokenId',
	'authenticationTokenType',
	'consumerType',
	'consumerId',
	'creatorType',
	'creatorId',
	'credentialProviderId',
	'createTime',
	'updateTime',
	'expirationTime',
	'revoked',
] as const;

/** What ObtainCredential shows of a credential (SDK 1.8.0 models): everything but its content. */
export const CREDENTIAL_METADATA = [
	'instanceId',
	'credentialId',
	'credentialIdentifier',
	'credentialName',
	'credentialType',
	'credentialScenarioLabel',
	'credentialCreationType',
	'credentialExternalId',
	'credentialSharingScope',
	'exclusiveUserId',
	'credentialSubjectType',
	'credentialSubjectId',
	'description',
	'status',
	'createTime',
	'updateTime',
] as const;

/**
 * The PAM operations' secret response fields (stored API keys and client secrets, JWTs, outside
 * OAuth tokens, cloud STS keys) come out only when the node's Include Secret Values is on, the
 * way Generate Token's Include Token Values works.
 */
export function secretValues(
	fields: readonly string[],
	what: string,
	shown: readonly string[],
): SecretOutput {
	return {
		fields,
		shown,
		optIn: {
			name: 'includeSecretValues',
			displayName: 'Include Secret Values',
			description: `Whether to output ${what}. Off: each is replaced by [redacted], so the item shows where a value was withheld.`,
		},
		notice: {
			name: 'secretValuesNotice',
			text: `${what.charAt(0).toUpperCase()}${what.slice(1)} will be stored in the execution data and visible to anyone who can open this workflow's executions. Turn this off unless a later node needs them.`,
		},
	};
}
