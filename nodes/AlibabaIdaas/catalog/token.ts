import type { OperationSpec, SecretOutput } from './types';
import { APP_PREFIX } from './params';
import { secretValues } from './secrets';

const OAUTH = `${APP_PREFIX}/oauth2`;

/** The tokens GenerateToken issues; shown only when the user asks for them. */
export const ISSUED_TOKENS: SecretOutput = {
	fields: ['access_token', 'refresh_token', 'id_token'],
	// RFC 6749 §5.1 and the SDK's GenerateToken model.
	shown: ['token_type', 'expires_in', 'expires_at', 'scope'],
	optIn: {
		name: 'includeTokenValues',
		displayName: 'Include Token Values',
		description:
			'Whether to output the issued access, refresh and ID tokens. Off: they are replaced by [redacted] and only their type and lifetime are shown.',
	},
	notice: {
		name: 'tokenNotice',
		text: "The issued tokens will be stored in the execution data and visible to anyone who can open this workflow's executions. Turn this off unless a later node needs them.",
	},
};

/**
 * The OAuth endpoints take no Authorization header. The official SDK sends every parameter in the query
 * string (Go SDK, TypeScript SDK client.ts, API metadata `in: query`). Where each entry's parameters go,
 * and why, is in its `sendAs` comment.
 */
export const tokenOperations: readonly OperationSpec[] = [
	{
		apiName: 'GenerateToken',
		resource: 'token',
		operation: 'generate',
		displayName: 'Generate',
		panelText: 'Generate a token',
		description:
			'Exchange a grant (code, device code, refresh token, password or client credentials) for tokens',
		method: 'POST',
		path: `${OAUTH}/token`,
		auth: 'none',
		// Form body: IDaaS documents one for this endpoint (TS SDK 1.7.2's remarks show every grant form-encoded;
		// C++ SDK and zh API metadata examples), and it carries the client secret, codes and passwords.
		sendAs: 'form',
		idempotent: false,
		response: 'object',
		hooks: { secrets: ISSUED_TOKENS },
		params: [
			{
				name: 'grant_type',
				in: 'query',
				valueType: 'string',
				required: true,
				enum: [
					'authorization_code',
					'urn:ietf:params:oauth:grant-type:device_code',
					'refresh_token',
					'client_credentials',
					'password',
				],
				default: 'authorization_code',
				displayName: 'Grant Type',
				description: 'The OAuth 2.0 grant to exchange',
			},
			{
				name: 'client_id',
				in: 'query',
				valueType: 'string',
				fromCredential: 'clientId',
				description: 'Client ID (the application ID); taken from the credential',
			},
			{
				name: 'client_secret',
				in: 'query',
				valueType: 'string',
				sensitive: true,
				fromCredential: 'clientSecret',
				description: 'Client secret; taken from the credential',
			},
			{
				name: 'code',
				in: 'query',
				valueType: 'string',
				sensitive: true,
				requiredWith: 'grant_type=authorization_code',
				description: 'Authorization code',
			},
			{
				name: 'redirect_uri',
				in: 'query',
				valueType: 'string',
				requiredWith: 'grant_type=authorization_code',
				description: 'Redirect URI used to obtain the code',
			},
			{
				name: 'code_verifier',
				in: 'query',
				valueType: 'string',
				sensitive: true,
				description: 'PKCE code verifier',
			},
			{
				name: 'device_code',
				in: 'query',
				valueType: 'string',
				sensitive: true,
				requiredWith: 'grant_type=urn:ietf:params:oauth:grant-type:device_code',
				description: 'Device code from Generate Device Code',
			},
			{
				name: 'refresh_token',
				in: 'query',
				valueType: 'string',
				sensitive: true,
				requiredWith: 'grant_type=refresh_token',
				description: 'Refresh token',
			},
			// SDK 1.8.0 documents the password grant (the older metadata called it unsupported).
			{
				name: 'username',
				in: 'query',
				valueType: 'string',
				requiredWith: 'grant_type=password',
				description: 'Username, for the password grant',
			},
			{
				name: 'password',
				in: 'query',
				valueType: 'string',
				sensitive: true,
				requiredWith: 'grant_type=password',
				description: 'Password, for the password grant',
			},
			// SDK 1.8.0: several values, space-separated (the older metadata allowed one).
			{
				name: 'scope',
				in: 'query',
				valueType: 'string',
				description: 'One or more space-separated scopes, e.g. openid profile email phone',
			},
			// Semantics undocumented (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-generatetoken); passed through as given.
			{
				name: 'exclusive_tag',
				in: 'query',
				valueType: 'string',
				displayName: 'Exclusive Tag',
				description: 'Exclusive tag (passed through as given)',
			},
		],
	},
	{
		apiName: 'RevokeToken',
		resource: 'token',
		operation: 'revoke',
		displayName: 'Revoke',
		panelText: 'Revoke a token',
		description: 'Revoke an access token or refresh token',
		method: 'POST',
		path: `${OAUTH}/revoke`,
		auth: 'none',
		// Form body with the SDK's query string as fallback: the token and the client secret must not sit in a
		// URL, and RFC 7009 section 2.1 defines a form post; but no IDaaS source shows a form for this endpoint
		// (SDK and metadata: query), so a server that reads the query only gets a second try the SDK's way.
		sendAs: 'formOrQuery',
		idempotent: true,
		response: 'none',
		params: [
			{
				name: 'token',
				in: 'query',
				valueType: 'string',
				required: true,
				sensitive: true,
				description: 'The token to revoke',
			},
			{
				name: 'token_type_hint',
				in: 'query',
				valueType: 'string',
				enum: ['access_token', 'refresh_token'],
				displayName: 'Token Type Hint',
				description: 'What kind of token it is',
			},
			{
				name: 'client_id',
				in: 'query',
				valueType: 'string',
				fromCredential: 'clientId',
				description: 'Client ID; taken from the credential',
			},
			{
				name: 'client_secret',
				in: 'query',
				valueType: 'string',
				sensitive: true,
				fromCredential: 'clientSecret',
				description: 'Client secret; taken from the credential',
			},
		],
	},
	{
		apiName: 'GenerateDeviceCode',
		resource: 'token',
		operation: 'generateDeviceCode',
		displayName: 'Generate Device Code',
		panelText: 'Generate a device code',
		description: 'Start the device authorization flow',
		method: 'POST',
		path: `${OAUTH}/device/code`,
		auth: 'none',
		// Query string, as the SDK and the metadata send it: no IDaaS source shows a form for this endpoint
		// (RFC 8628 section 3.1 does), and its only parameter, the scope, is no secret.
		idempotent: false,
		response: 'object',
		// The device code lets whoever holds it collect the user's tokens (RFC 8628 §3.2); the user
		// code and verification URI are what the user is shown.
		hooks: {
			secrets: secretValues(['device_code'], 'the device code', [
				'user_code',
				'verification_uri',
				'verification_uri_complete',
				'expires_in',
				'expires_at',
				'interval',
			]),
		},
		params: [
			{ name: 'scope', in: 'query', valueType: 'string', description: 'Space-separated scopes' },
		],
	},
];
