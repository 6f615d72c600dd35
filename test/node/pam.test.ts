import type { INode } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { SCOPES } from '../../nodes/AlibabaIdaas/catalog';
import type { Env } from './support';
import { byId, expr, json, node, startEnv } from './support';

/**
 * The PAM operations through n8n-core: bad input refused before any request, API errors with
 * their code and request ID, secrets withheld unless Include Secret Values is on, and the older
 * operations as SDK 1.8.0 documents them.
 */

const JWT = {
	resource: 'authenticationToken',
	operation: 'generateJwt',
	credentialProviderIdentifier: 'demo-jwt-provider',
	subject: 'agent-1',
	audiences: 'https://api.example',
};

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

describe('bad input fails before any request, naming the field', () => {
	const cases: Array<[string, object, RegExp]> = [
		[
			'missing identifier',
			{ resource: 'credential', operation: 'obtain', credentialIdentifier: expr('') },
			/Credential Identifier \(credentialIdentifier\) is required/,
		],
		[
			'custom claims that are not JSON',
			{ ...JWT, additionalFields: { customClaims: '{team: ops}' } },
			/Custom Claims \(customClaims\) is not valid JSON/,
		],
		[
			'custom claims that are a list',
			{ ...JWT, additionalFields: { customClaims: '[1]' } },
			/Custom Claims \(customClaims\) must be an object/,
		],
		['no audience', { ...JWT, audiences: ' , ' }, /Audiences \(audiences\) is empty/],
		[
			'a zero lifetime',
			{ ...JWT, additionalFields: { expiration: 0 } },
			/Expiration \(Seconds\) \(expiration\) must be between 1/,
		],
		[
			'a URL parameter that is not text',
			{
				resource: 'authenticationToken',
				operation: 'fetchOAuthToken',
				credentialProviderIdentifier: 'demo-m2m-oauth',
				additionalFields: { customParameters: '{"prompt":1}' },
			},
			/the value of "prompt" must be text/,
		],
		[
			'a scope over 256 characters',
			{
				resource: 'authenticationToken',
				operation: 'fetchOAuthToken',
				credentialProviderIdentifier: 'demo-m2m-oauth',
				additionalFields: { scope: 'x'.repeat(257) },
			},
			/Scope \(scope\) is too long: at most 256/,
		],
		[
			'an unknown credential type',
			{
				resource: 'credential',
				operation: 'createUserExclusive',
				credentialIdentifier: 'k',
				credentialName: 'K',
				credentialType: expr('password'),
				credentialContent: { values: { apiKeyContent: { values: { apiKey: 'sk-x' } } } },
			},
			/Credential Type \(credentialType\) must be one of api_key, oauth_client/,
		],
		[
			'no API key in the content',
			{
				resource: 'credential',
				operation: 'createUserExclusive',
				credentialIdentifier: 'k',
				credentialName: 'K',
				credentialType: 'api_key',
				credentialContent: { values: { apiKeyContent: { values: {} } } },
			},
			/API Key Content: API Key \(credentialContent\.apiKeyContent\.apiKey\) is required/,
		],
		[
			'a missing short token',
			{
				resource: 'authenticationToken',
				operation: 'getJwtByShortToken',
				derivedShortToken: expr(''),
			},
			/Derived Short Token \(derivedShortToken\) is required/,
		],
		[
			'a 129-character display name',
			{
				resource: 'user',
				operation: 'create',
				username: 'long.name',
				primaryOrganizationalUnitId: byId('ou_demosales01'),
				displayName: 'd'.repeat(129),
			},
			/Display Name \(displayName\) is too long: at most 128/,
		],
		[
			'a 257-character username',
			{
				resource: 'user',
				operation: 'create',
				username: 'u'.repeat(257),
				primaryOrganizationalUnitId: byId('ou_demosales01'),
			},
			/Username \(username\) is too long: at most 256/,
		],
	];
	test.each(cases)('%s', async (_name, params, message) => {
		const result = await env.run(params as never);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		expect(env.requests()).toBe(0);
	});
});

describe('API errors keep their code and request ID', () => {
	test('a missing PAM permission names the scope, with the request ID', async () => {
		env.emu.store.application.scopes.delete(SCOPES.pamCredentialObtain);
		const result = await env.run({
			resource: 'credential',
			operation: 'obtain',
			credentialIdentifier: 'demo-llm-api-key',
		});
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('[permission_denied]');
		expect(result.error?.description).toContain(SCOPES.pamCredentialObtain);
		expect(result.error?.description).toMatch(/Request ID: \S+/);
	});

	test('Continue On Fail: an unknown credential and an unknown session give code and request ID items', async () => {
		const missing = await env.run(
			{ resource: 'credential', operation: 'obtain', credentialIdentifier: 'nope' },
			{ continueOnFail: true },
		);
		expect(json(missing)[0]).toMatchObject({
			code: 'ResourceNotFound.Credential',
			requestId: expect.any(String),
		});
		const session = await env.run(
			{
				resource: 'oauthAuthorizationSession',
				operation: 'get',
				sessionUri: 'urn:ietf:params:oauth:request_uri:atpoas_gone',
			},
			{ continueOnFail: true },
		);
		expect(json(session)[0]).toMatchObject({
			code: 'oauth_session_not_found',
			requestId: expect.any(String),
		});
	});

	test('the authorization server refuses a scope the application lacks, OAuth style', async () => {
		const result = await env.run({
			resource: 'token',
			operation: 'generateByAuthorizationServer',
			grant_type: 'client_credentials',
			additionalFields: { scope: 'urn:cloud:idaas:pam|other:thing' },
		});
		expect(result.error?.message).toContain('invalid_scope');
		expect(result.error?.description).toMatch(/Request ID: \S+/);
	});
});

describe('secret values', () => {
	test('withheld by default, each field replaced where it was, with one PAM client token for the run', async () => {
		const [credential] = json(
			await env.run({
				resource: 'credential',
				operation: 'obtain',
				credentialIdentifier: 'demo-saas-client',
			}),
		);
		expect(credential.credentialContent).toEqual({
			oauthClientContent: { clientId: 'demo-saas-client-id', clientSecret: '[redacted]' },
		});
		// The credential's PAM client token (authorization server, client credentials) carried the PAM scope.
		expect([...env.emu.store.tokens.values()].map((t) => t.kind)).toEqual(['pam']);
		const roles = [
			'acs:ram::1234567890123456:role/demo-readonly',
			'arn:aws:iam::123456789012:role/demo-admin',
			'qcs::cam::uin/100000000001:roleName/demo-ops',
		];
		const stsOutputs = [];
		for (const role of roles) {
			const result = await env.run({
				resource: 'cloudAccountRole',
				operation: 'obtainAccessCredential',
				accessToken: expr(env.emu.issuePamToken()),
				cloudAccountRoleExternalId: role,
			});
			stsOutputs.push(
				json(result)[0].cloudAccountRoleAccessCredential as Record<string, Record<string, string>>,
			);
		}
		const [alibaba, aws, tencent] = stsOutputs;
		expect(alibaba.alibabaCloudStsToken).toMatchObject({
			accessKeySecret: '[redacted]',
			securityToken: '[redacted]',
			accessKeyId: expect.stringMatching(/^STS\./),
		});
		expect(aws.awsStsToken).toMatchObject({
			secretAccessKey: '[redacted]',
			sessionToken: '[redacted]',
		});
		expect(tencent.tencentCloudStsToken).toMatchObject({
			tmpSecretKey: '[redacted]',
			token: '[redacted]',
			tmpSecretId: expect.stringMatching(/^AKID/),
		});
	});

	test('Include Secret Values outputs them, and they work', async () => {
		const [credential] = json(
			await env.run({
				resource: 'credential',
				operation: 'obtain',
				credentialIdentifier: 'demo-llm-api-key',
				includeSecretValues: true,
			}),
		);
		expect(credential.credentialContent).toEqual({
			apiKeyContent: { apiKey: 'sk-demo-llm-key-0000000000000001' },
		});
		const [jwt] = json(
			await env.run({
				...JWT,
				includeSecretValues: true,
				additionalFields: { includeDerivedShortToken: true },
			}),
		);
		const { jwtValue, derivedShortToken } = jwt.jwtContent as {
			jwtValue: string;
			derivedShortToken: string;
		};
		expect(env.emu.store.pam.jwtByValue(jwtValue)?.authenticationTokenId).toBe(
			jwt.authenticationTokenId,
		);
		const [valid] = json(
			await env.run({
				resource: 'authenticationToken',
				operation: 'validate',
				token: expr(derivedShortToken),
			}),
		);
		expect(valid).toEqual({ active: true });
		const [server] = json(
			await env.run({
				resource: 'token',
				operation: 'generateByAuthorizationServer',
				grant_type: 'client_credentials',
				includeTokenValues: true,
			}),
		);
		expect(env.emu.store.liveToken(String(server.access_token))?.kind).toBe('pam');
	});

	test('only a real true shows them: an expression giving "true" or 1 keeps them withheld', async () => {
		for (const value of ['={{ "true" }}', '={{ 1 }}']) {
			const result = await env.run({
				resource: 'credential',
				operation: 'obtain',
				credentialIdentifier: 'demo-llm-api-key',
				includeSecretValues: value,
			});
			expect(
				(json(result)[0].credentialContent as { apiKeyContent: { apiKey: string } }).apiKeyContent
					.apiKey,
			).toBe('[redacted]');
		}
	});

	test('the editor shows Include Secret Values off, with its notice, on every operation that returns secrets', () => {
		const options = node.description.properties.filter((p) => p.name === 'includeSecretValues');
		const shown = options.flatMap((p) =>
			(p.displayOptions?.show?.operation ?? []).map(
				(op) => `${String(p.displayOptions?.show?.resource)}:${String(op)}`,
			),
		);
		expect(shown.sort()).toEqual([
			'authenticationToken:fetchOAuthToken',
			'authenticationToken:generateJwt',
			'authenticationToken:getJwt',
			'authenticationToken:getJwtByShortToken',
			'cloudAccountRole:obtainAccessCredential',
			'credential:createUserExclusive',
			'credential:obtain',
			'token:generateDeviceCode',
		]);
		for (const option of options) expect(option.default).toBe(false);
		expect(node.description.properties.filter((p) => p.name === 'secretValuesNotice')).toHaveLength(
			options.length,
		);
	});
});

test('as an AI agent tool: obtain credential and generate JWT say what they return', () => {
	// The description n8n gives the agent for a node used as a tool, as it builds it.
	const toolType = { ...node.description, name: `${node.description.name}Tool` };
	const toolDescription = (resource: string, operation: string) => {
		const tool = {
			name: 'IDaaS',
			type: toolType.name,
			typeVersion: 1.1,
			parameters: {},
		} as unknown as INode;
		tool.parameters =
			NodeHelpers.getNodeParameters(
				toolType.properties,
				{ resource, operation },
				true,
				false,
				tool,
				toolType,
			) ?? {};
		return NodeHelpers.getToolDescriptionForNode(tool, { description: toolType } as never);
	};
	expect(node.description.usableAsTool).toBe(true);
	expect(toolDescription('credential', 'obtain')).toBe(
		'Obtain a credential (Credential Identifier; returns its name, type and status; apiKey, clientSecret read [redacted] unless "Include Secret Values" is on in the node) in Alibaba Cloud IDaaS',
	);
	expect(toolDescription('authenticationToken', 'generateJwt')).toBe(
		'Generate a JWT (Credential Provider Identifier; Subject; Audiences; returns its token ID, consumer and expiry; jwtValue, derivedShortToken read [redacted] unless "Include Secret Values" is on in the node) in Alibaba Cloud IDaaS',
	);
});

describe('older operations as SDK 1.8.0 documents them', () => {
	test('Create User takes a 128-character display name and a 256-character username', async () => {
		const result = await env.run({
			resource: 'user',
			operation: 'create',
			username: 'u'.repeat(256),
			primaryOrganizationalUnitId: byId('ou_demosales01'),
			displayName: 'd'.repeat(128),
		});
		expect(result.error).toBeUndefined();
		expect(env.emu.store.user(String(json(result)[0].userId)).displayName).toBe('d'.repeat(128));
	});

	test('Organizational Unit → Get Many lists the top level with ou_root', async () => {
		const result = await env.run({
			resource: 'organizationalUnit',
			operation: 'getAll',
			parentId: byId('ou_root'),
			returnAll: true,
		});
		expect(result.error).toBeUndefined();
		expect(
			json(result)
				.map((ou) => ou.organizationalUnitId)
				.sort(),
		).toEqual(
			env.emu.store
				.childPage(env.emu.store.rootOrganizationalUnitId, 0, 100)
				.map((ou) => ou.organizationalUnitId)
				.sort(),
		);
	});
});
