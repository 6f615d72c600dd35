import type { OperationSpec, ParamSpec } from './types';
import { INSTANCE_PREFIX, NEXT_TOKEN, SCOPES, nextTokenParams } from './params';
import { awaitAuthorization } from './oauthAuthorizationWait';
import { secretValues, TOKEN_METADATA } from './secrets';

const TOKENS = `${INSTANCE_PREFIX}/authenticationTokens`;
const ACTIONS = `${TOKENS}/_/actions`;

/**
 * PAM authentication tokens: JWTs IDaaS signs through a JWT credential provider (optionally with a
 * short `sk-…` token standing for the JWT), and access tokens IDaaS fetches from outside OAuth
 * servers through an OAuth credential provider. Added in SDK 1.5.0 and 1.6.0; methods, paths,
 * fields and scopes from client.ts and models/ of https://github.com/aliyun/alibabacloud-typescript-sdk
 * (eiam-developerapi-20220225/src), docs https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-dir-authentication-token-api
 * Revoke, Reinstate and Validate work on JWTs only (SDK remarks).
 */

const provider: ParamSpec = {
	name: 'credentialProviderIdentifier',
	in: 'body',
	valueType: 'string',
	required: true,
	displayName: 'Credential Provider Identifier',
	description:
		'Business identifier of the credential provider, as entered when it was created in the console',
};

const consumer: ParamSpec = {
	name: 'consumerId',
	in: 'body',
	valueType: 'string',
	required: true,
	displayName: 'Consumer ID',
	description: 'Whom the tokens were issued to: the JWT subject, or the application',
};

const tokenValue = (description: string): readonly ParamSpec[] => [
	{ name: 'token', in: 'body', valueType: 'string', required: true, sensitive: true, description },
	// Reserved: the SDK says to leave it empty.
	{
		name: 'token_type_hint',
		in: 'body',
		valueType: 'string',
		displayName: 'Token Type Hint',
		description: 'Reserved; leave empty',
	},
];

const JWT_SECRETS = secretValues(
	['jwtContent.jwtValue', 'jwtContent.derivedShortToken'],
	'the JWT and its short token',
	TOKEN_METADATA,
);

/** Revoke / reinstate one JWT or all of one consumer's; the API answers nothing. */
function revocation(
	apiName: string,
	segment: string,
	labels: Pick<OperationSpec, 'operation' | 'displayName' | 'panelText' | 'description'>,
	byConsumer: boolean,
): OperationSpec {
	return {
		apiName,
		resource: 'authenticationToken',
		...labels,
		method: 'POST',
		path: `${ACTIONS}/${segment}`,
		auth: 'bearer',
		scope: SCOPES.pamTokenManage,
		idempotent: true,
		response: 'none',
		params: byConsumer ? [consumer, provider] : tokenValue('The JWT, or its derived short token'),
	};
}

export const authenticationTokenOperations: readonly OperationSpec[] = [
	{
		apiName: 'GenerateJwtAuthenticationToken',
		resource: 'authenticationToken',
		operation: 'generateJwt',
		displayName: 'Generate JWT',
		panelText: 'Generate a JWT',
		toolReturns: 'its token ID, consumer and expiry',
		description:
			'Have IDaaS sign a JWT for a subject and audiences. Returns the token ID, consumer and expiry, and the JWT (and short token) when Include Secret Values is on',
		method: 'POST',
		path: `${ACTIONS}/generateJwt`,
		auth: 'bearer',
		scope: SCOPES.pamTokenObtain,
		idempotent: false,
		response: 'object',
		hooks: { secrets: JWT_SECRETS },
		params: [
			provider,
			{
				name: 'subject',
				in: 'body',
				valueType: 'string',
				required: true,
				description: 'The JWT sub claim; becomes the token consumer',
			},
			{
				name: 'audiences',
				in: 'body',
				valueType: 'stringList',
				required: true,
				description: 'The JWT aud claim; must not start with urn:cloud:idaas',
				reservedPrefix: 'urn:cloud:idaas',
			},
			{
				name: 'issuer',
				in: 'body',
				valueType: 'string',
				description: "The JWT iss claim; defaults to the provider's issuer",
			},
			{
				name: 'expiration',
				in: 'body',
				valueType: 'integer',
				min: 1,
				displayName: 'Expiration (Seconds)',
				description: "Lifetime of the JWT in seconds; defaults to the provider's setting",
			},
			{
				name: 'customClaims',
				in: 'body',
				valueType: 'object',
				mapValues: 'any',
				description: 'Extra claims, as a JSON object',
			},
			{
				name: 'includeDerivedShortToken',
				in: 'body',
				valueType: 'boolean',
				displayName: 'Include Derived Short Token',
				description: 'Whether to also issue a short sk-… token that stands for the JWT',
			},
		],
	},
	{
		apiName: 'ObtainJwtAuthenticationToken',
		resource: 'authenticationToken',
		operation: 'getJwt',
		displayName: 'Get JWT',
		panelText: 'Get a JWT',
		description: 'Read a JWT issued earlier, by its token ID and consumer',
		method: 'POST',
		path: `${ACTIONS}/obtainJwt`,
		auth: 'bearer',
		scope: SCOPES.pamTokenObtain,
		idempotent: true,
		response: 'object',
		hooks: { secrets: JWT_SECRETS },
		params: [
			{
				name: 'authenticationTokenId',
				in: 'body',
				valueType: 'string',
				required: true,
				displayName: 'Authentication Token ID',
				description: 'ID of the JWT authentication token',
			},
			consumer,
		],
	},
	{
		// No Authorization header: the short token is the secret (SDK).
		apiName: 'ObtainJwtAuthenticationTokenByDerivedShortToken',
		resource: 'authenticationToken',
		operation: 'getJwtByShortToken',
		displayName: 'Get JWT by Short Token',
		panelText: 'Get a JWT by its short token',
		description: 'Exchange a derived short token (sk-…) for its JWT',
		method: 'POST',
		path: `${ACTIONS}/obtainJwtByDerivedShortToken`,
		auth: 'none',
		idempotent: true,
		response: 'object',
		hooks: { secrets: JWT_SECRETS },
		params: [
			{
				name: 'derivedShortToken',
				in: 'body',
				valueType: 'string',
				required: true,
				sensitive: true,
				displayName: 'Derived Short Token',
				description: 'The sk-… token',
			},
		],
	},
	{
		apiName: 'FetchOAuthAuthenticationToken',
		resource: 'authenticationToken',
		operation: 'fetchOAuthToken',
		displayName: 'Fetch OAuth Token',
		panelText: 'Fetch an OAuth token',
		description:
			'Get a valid access token of an outside service through an OAuth credential provider, or the authorization session a person must approve first',
		method: 'POST',
		path: `${ACTIONS}/fetchOAuthAccessToken`,
		auth: 'bearer',
		scope: SCOPES.pamTokenObtain,
		// IDaaS hands out the token it holds while it is valid: asking again is harmless.
		idempotent: true,
		response: 'object',
		hooks: {
			secrets: secretValues(['oauthAccessTokenContent.accessTokenValue'], 'the access token', [
				...TOKEN_METADATA,
				'oauthAccessTokenContent.tokenType',
				'oauthAccessTokenContent.scope',
				// The session a person must approve: its URL is what to send them, its URI what to wait on.
				'oauthAuthorizationSession.sessionId',
				'oauthAuthorizationSession.sessionUri',
				'oauthAuthorizationSession.sessionStatus',
				'oauthAuthorizationSession.authorizationUrl',
			]),
			followUp: awaitAuthorization,
		},
		params: [
			provider,
			// Alibaba's PAM client README: at most 256 characters.
			{
				name: 'scope',
				in: 'body',
				valueType: 'string',
				maxLength: 256,
				description:
					"Space-separated scopes to ask the outside service for; defaults to the provider's",
			},
			{
				name: 'forceAuthentication',
				in: 'body',
				valueType: 'boolean',
				description: 'Whether to ignore a token IDaaS holds and authorize again',
			},
			{
				name: 'customParameters',
				in: 'body',
				valueType: 'object',
				mapValues: 'string',
				description:
					"Extra query parameters for the outside service's authorization URL, as a JSON object of strings (e.g. access_type: offline)",
			},
		],
	},
	{
		apiName: 'ListAuthenticationTokens',
		resource: 'authenticationToken',
		operation: 'getAll',
		displayName: 'Get Many',
		panelText: 'Get many authentication tokens',
		description:
			"List one consumer's tokens under one credential provider (their details, never their values)",
		method: 'GET',
		path: TOKENS,
		auth: 'bearer',
		scope: SCOPES.pamTokenRead,
		idempotent: true,
		response: 'list',
		responseKey: 'entities',
		// maxResults has no documented bound; 100 as for the other nextToken lists.
		pagination: NEXT_TOKEN,
		params: [
			{ ...consumer, in: 'query' },
			{ ...provider, in: 'query' },
			{
				name: 'revoked',
				in: 'query',
				valueType: 'boolean',
				description: 'Whether to list only revoked tokens (on) or only the others (off)',
			},
			{
				name: 'expired',
				in: 'query',
				valueType: 'boolean',
				description: 'Whether to list only expired tokens (on) or only unexpired ones (off)',
			},
			...nextTokenParams,
		],
	},
	revocation(
		'RevokeAuthenticationToken',
		'revoke',
		{
			operation: 'revoke',
			displayName: 'Revoke',
			panelText: 'Revoke a JWT',
			description: 'Revoke one JWT, given the JWT or its short token',
		},
		false,
	),
	revocation(
		'ReinstateAuthenticationToken',
		'reinstate',
		{
			operation: 'reinstate',
			displayName: 'Reinstate',
			panelText: 'Reinstate a JWT',
			description: 'Make a revoked JWT valid again',
		},
		false,
	),
	revocation(
		'RevokeAuthenticationTokenByConsumer',
		'revokeByConsumer',
		{
			operation: 'revokeForConsumer',
			displayName: 'Revoke All for Consumer',
			panelText: "Revoke a consumer's JWTs",
			description: 'Revoke every JWT of one consumer under one credential provider',
		},
		true,
	),
	revocation(
		'ReinstateAuthenticationTokenByConsumer',
		'reinstateByConsumer',
		{
			operation: 'reinstateForConsumer',
			displayName: 'Reinstate All for Consumer',
			panelText: "Reinstate a consumer's JWTs",
			description: "Make one consumer's revoked JWTs under one credential provider valid again",
		},
		true,
	),
	{
		// No Authorization header: what a service that received a JWT calls (SDK).
		apiName: 'ValidateAuthenticationToken',
		resource: 'authenticationToken',
		operation: 'validate',
		displayName: 'Validate',
		panelText: 'Validate a JWT',
		description: 'Whether a JWT or its short token is valid now (active true or false)',
		method: 'POST',
		path: `${ACTIONS}/validate`,
		auth: 'none',
		idempotent: true,
		response: 'object',
		params: tokenValue('The JWT, or its derived short token, to check'),
	},
];
