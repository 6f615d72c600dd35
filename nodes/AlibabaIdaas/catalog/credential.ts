import type { OperationSpec } from './types';
import { INSTANCE_PREFIX, SCOPES } from './params';
import { CREDENTIAL_METADATA, secretValues } from './secrets';

const CREDENTIALS = `${INSTANCE_PREFIX}/credentials/_/actions`;

/**
 * PAM credentials: static secrets (an LLM API key, an OAuth client's ID and secret) kept in IDaaS
 * and read at run time. Added in SDK 1.3.0 and 1.7.0; method, path, fields and scopes from
 * client.ts and models/ of https://github.com/aliyun/alibabacloud-typescript-sdk
 * (eiam-developerapi-20220225/src), docs https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-dir-credentials-api/
 */
export const credentialOperations: readonly OperationSpec[] = [
	{
		apiName: 'ObtainCredential',
		resource: 'credential',
		operation: 'obtain',
		displayName: 'Obtain',
		panelText: 'Obtain a credential',
		toolReturns: 'its name, type and status',
		description:
			'Read a stored credential by its identifier: name, type and status, and its secret (API key, or OAuth client ID and secret) when Include Secret Values is on',
		method: 'GET',
		path: `${CREDENTIALS}/obtain`,
		auth: 'bearer',
		scope: SCOPES.pamCredentialObtain,
		idempotent: true,
		response: 'object',
		hooks: {
			secrets: secretValues(
				[
					'credentialContent.apiKeyContent.apiKey',
					'credentialContent.oauthClientContent.clientSecret',
				],
				'the API key or client secret',
				// Of the content only the OAuth client's ID: any other content type is withheld whole.
				[...CREDENTIAL_METADATA, 'credentialContent.oauthClientContent.clientId'],
			),
		},
		params: [
			{
				name: 'credentialIdentifier',
				in: 'query',
				valueType: 'string',
				required: true,
				description: 'Business identifier of the credential, as entered when it was created',
			},
		],
	},
	{
		// No user ID in the request: the API takes the owning account from the caller's token
		// (UNCONFIRMED which tokens it accepts). The SDK model only has content for api_key.
		apiName: 'CreateUserExclusiveCredential',
		resource: 'credential',
		operation: 'createUserExclusive',
		displayName: 'Create User-Exclusive',
		panelText: 'Create a user-exclusive credential',
		description: 'Store an API key that belongs to one account',
		method: 'POST',
		path: `${CREDENTIALS}/createUserExclusive`,
		auth: 'bearer',
		scope: SCOPES.pamCredentialManage,
		idempotent: false,
		response: 'object',
		// Encrypted, with a key the docs do not name: still withheld like the secret it stands for.
		hooks: {
			secrets: secretValues(
				['credentialCiphertext'],
				'the encrypted credential',
				CREDENTIAL_METADATA,
			),
		},
		params: [
			{
				name: 'credentialIdentifier',
				in: 'body',
				valueType: 'string',
				required: true,
				description: 'Business identifier of the new credential, used to obtain it later',
			},
			{
				name: 'credentialName',
				in: 'body',
				valueType: 'string',
				required: true,
				description: 'Display name of the credential',
			},
			{
				name: 'credentialType',
				in: 'body',
				valueType: 'string',
				required: true,
				enum: ['api_key', 'oauth_client'],
				default: 'api_key',
				description: 'The kind of secret. The API takes content only for api_key.',
			},
			{
				name: 'credentialContent',
				in: 'body',
				valueType: 'object',
				required: true,
				sensitive: true,
				description: 'The secret itself',
				fields: [
					{
						name: 'apiKeyContent',
						in: 'body',
						valueType: 'object',
						displayName: 'API Key Content',
						description: 'For credential type api_key',
						fields: [
							{
								name: 'apiKey',
								in: 'body',
								valueType: 'string',
								required: true,
								sensitive: true,
								displayName: 'API Key',
								description: 'The API key',
							},
						],
					},
				],
			},
			{
				name: 'credentialScenarioLabel',
				in: 'body',
				valueType: 'string',
				enum: ['llm', 'saas'],
				displayName: 'Scenario',
				description: 'llm: a large-model API key; saas: a third-party SaaS key',
			},
			{
				name: 'credentialExternalId',
				in: 'body',
				valueType: 'string',
				displayName: 'Credential External ID',
				description: 'Your own unique ID for the credential',
			},
			{
				name: 'description',
				in: 'body',
				valueType: 'string',
				description: 'Free-text description',
			},
			{
				name: 'returnCiphertext',
				in: 'body',
				valueType: 'boolean',
				description: 'Whether the answer should carry the credential in encrypted form',
			},
		],
	},
];
