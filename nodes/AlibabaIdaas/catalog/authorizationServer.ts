import type { OperationSpec, ParamSpec } from './types';
import { INSTANCE_PREFIX } from './params';
import { ISSUED_TOKENS } from './token';

const text = (name: string, description: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({
	name,
	in: 'query',
	valueType: 'string',
	description,
	...extra,
});

/**
 * The token endpoint of the instance's authorization server (SDK 1.4.0), under the Token
 * resource next to the application's own endpoint. It takes no Authorization header. Its tokens can
 * carry PAM scopes, e.g. `urn:cloud:idaas:pam|.all` as Alibaba's PAM client asks for
 * (https://github.com/cloud-idaas/idaas-java-pam-client-sdk); the credential's PAM token comes from here
 * (transport/pamToken.ts).
 */
export const authorizationServerOperations: readonly OperationSpec[] = [
	{
		apiName: 'GenerateTokenByAuthorizationServer',
		resource: 'token',
		operation: 'generateByAuthorizationServer',
		displayName: 'Generate by Authorization Server',
		panelText: 'Generate a token by authorization server',
		description:
			"Get a token from the instance's authorization server (e.g. one with PAM scopes for machine clients)",
		method: 'POST',
		path: `${INSTANCE_PREFIX}/authorizationServer/{authorizationServerId}/oauth2/token`,
		auth: 'none',
		// Form body with the SDK's query string as fallback: it carries the client secret (and codes, passwords,
		// assertions), which must not sit in a URL, and OAuth token endpoints take form posts (RFC 6749 section
		// 3.2), as IDaaS documents for GenerateToken; but the SDK sends every parameter in the query string
		// (client.ts of https://github.com/aliyun/alibabacloud-typescript-sdk, eiam-developerapi-20220225/src)
		// and no IDaaS source shows a form here, so a server that reads the query only gets a second try.
		sendAs: 'formOrQuery',
		idempotent: false,
		response: 'object',
		// The same tokens as GenerateToken's, behind the same switch.
		hooks: { secrets: ISSUED_TOKENS },
		params: [
			{
				name: 'authorizationServerId',
				in: 'path',
				valueType: 'string',
				required: true,
				default: 'iauths_system',
				displayName: 'Authorization Server ID',
				description: 'iauths_system is the built-in one',
			},
			text('grant_type', 'The OAuth 2.0 grant to exchange', {
				required: true,
				// CHOICE: the SDK lists no values; these are GenerateToken's five.
				enum: [
					'client_credentials',
					'authorization_code',
					'urn:ietf:params:oauth:grant-type:device_code',
					'refresh_token',
					'password',
				],
				default: 'client_credentials',
				displayName: 'Grant Type',
			}),
			text('client_id', 'Client ID; taken from the credential', {
				required: true,
				fromCredential: 'clientId',
			}),
			text('client_secret', 'Client secret; taken from the credential', {
				sensitive: true,
				fromCredential: 'clientSecret',
			}),
			text(
				'scope',
				'Space-separated scopes, e.g. urn:cloud:idaas:pam|.all for every PAM permission of the client',
			),
			text('code', 'Authorization code', {
				sensitive: true,
				requiredWith: 'grant_type=authorization_code',
			}),
			text('redirect_uri', 'Redirect URI used to obtain the code', {
				requiredWith: 'grant_type=authorization_code',
			}),
			text('code_verifier', 'PKCE code verifier', { sensitive: true }),
			text('device_code', 'Device code', {
				sensitive: true,
				requiredWith: 'grant_type=urn:ietf:params:oauth:grant-type:device_code',
			}),
			text('refresh_token', 'Refresh token', {
				sensitive: true,
				requiredWith: 'grant_type=refresh_token',
			}),
			text('username', 'Username, for the password grant', { requiredWith: 'grant_type=password' }),
			text('password', 'Password, for the password grant', {
				sensitive: true,
				requiredWith: 'grant_type=password',
			}),
			text('client_assertion', 'A signed JWT authenticating the client instead of its secret', {
				sensitive: true,
			}),
			text(
				'client_assertion_type',
				'Type of the client assertion, e.g. urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
			),
			text('client_x509', 'Client certificate, for certificate-based client authentication'),
			text('client_x509_chain', 'Intermediate certificates of the client certificate'),
			text(
				'application_federated_credential_name',
				'Name of the application federated credential to authenticate with',
				{
					displayName: 'Application Federated Credential Name',
				},
			),
		],
	},
];
