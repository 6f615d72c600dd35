import { DEMO, useHarness } from './helpers';
import { PAM_DEMO, demoJwt } from './pamScenarios';

/**
 * The emulator's PAM model beyond the happy paths (those are in operations.test.ts): who may
 * call, with which scope, and how each operation refuses.
 */

const h = useHarness();

const obtain = (token?: string) =>
	h.call('ObtainCredential', { token, query: { credentialIdentifier: PAM_DEMO.apiKeyCredential } });

/** A client-credentials token of the built-in authorization server, over HTTP as the node asks for it. */
async function m2mToken(
	client: { clientId: string; clientSecret: string },
	scope = 'urn:cloud:idaas:pam|.all',
) {
	const form = new URLSearchParams({
		grant_type: 'client_credentials',
		client_id: client.clientId,
		client_secret: client.clientSecret,
		scope,
	});
	const r = await h.call('GenerateTokenByAuthorizationServer', {
		path: { authorizationServerId: 'iauths_system' },
		token: null,
		body: form.toString(),
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
	});
	return r;
}

describe('PAM callers and scopes', () => {
	test('a client without the PAM scope gets 403 naming it, like the directory scopes', async () => {
		const plain = h.emu.apps.create({ scopes: ['urn:cloud:idaas:pam|authentication_token:read'] });
		const r = await obtain((await m2mToken(plain)).body.access_token);
		expect(r.status).toBe(403);
		expect(r.body).toMatchObject({
			code: 'permission_denied',
			message: 'Require scopes: [urn:cloud:idaas:pam|credential:obtain]',
		});
		expect(r.body.requestId).toBe(r.headers.get('x-acs-request-id'));
	});

	test('pam|.all granted to the client covers every PAM scope', async () => {
		const all = h.emu.apps.create({ scopes: ['urn:cloud:idaas:pam|.all'] });
		expect((await obtain((await m2mToken(all)).body.access_token)).status).toBe(200);
	});

	test("the application's Developer-API token carries no PAM scope unless the emulator switch grants it", async () => {
		const appToken = h.emu.issueAppToken();
		const refused = await obtain(appToken);
		expect(refused.status).toBe(403);
		expect(refused.body.message).toBe('Require scopes: [urn:cloud:idaas:pam|credential:obtain]');
		expect((await obtain((await m2mToken(h.app)).body.access_token)).status).toBe(200);
		expect((await h.control('PUT', 'pam/appToken', { carriesPam: true })).body).toEqual({
			carriesPam: true,
		});
		expect((await obtain(appToken)).status).toBe(200);
		h.emu.reset();
		expect(h.emu.store.appTokenCarriesPam).toBe(false);
	});

	test('an authorization-server token carries only the scopes it was issued with', async () => {
		const narrow = h.emu.issuePamToken({
			scopes: ['urn:cloud:idaas:pam|authentication_token:read'],
		});
		expect((await obtain(narrow)).body.message).toBe(
			'Require scopes: [urn:cloud:idaas:pam|credential:obtain]',
		);
		expect(
			(await obtain(h.emu.issuePamToken({ scopes: ['urn:cloud:idaas:pam|credential:obtain'] })))
				.status,
		).toBe(200);
	});

	test('unknown, expired and end-user tokens are 400 invalid_token', async () => {
		expect((await obtain('ATnope')).body.code).toBe('invalid_token');
		expect((await obtain(h.emu.issueUserToken(DEMO.bob))).body.code).toBe('invalid_token');
		const token = h.emu.issueAppToken();
		h.emu.store.expireAllTokens();
		expect((await obtain(token)).body.code).toBe('invalid_token');
	});

	test('a disabled application is refused', async () => {
		h.emu.apps.update(h.app.applicationId, { enabled: false });
		expect((await obtain()).body.code).toBe('application_disabled');
	});
});

describe('credentials', () => {
	test('Create User-Exclusive keeps the credential external ID (Go SDK, 2026-05-13), and Obtain returns it', async () => {
		const created = await h.call('CreateUserExclusiveCredential', {
			body: {
				credentialIdentifier: 'ext-id-key',
				credentialName: 'K',
				credentialType: 'api_key',
				credentialExternalId: 'hr-4711',
				credentialContent: { apiKeyContent: { apiKey: 'sk-made-up' } },
			},
		});
		expect(created.status).toBe(200);
		const read = await h.call('ObtainCredential', {
			query: { credentialIdentifier: 'ext-id-key' },
		});
		expect(read.body.credentialExternalId).toBe('hr-4711');
	});

	test('an oauth_client credential carries its client ID and secret only', async () => {
		const r = await h.call('ObtainCredential', {
			query: { credentialIdentifier: PAM_DEMO.oauthCredential },
		});
		expect(r.body.credentialContent).toEqual({
			oauthClientContent: {
				clientId: 'demo-saas-client-id',
				clientSecret: 'demo-saas-client-secret-0000000001',
			},
		});
	});

	test('unknown identifiers, duplicates and missing content are refused', async () => {
		expect(
			(await h.call('ObtainCredential', { query: { credentialIdentifier: 'nope' } })).body.code,
		).toBe('ResourceNotFound.Credential');
		expect((await h.call('ObtainCredential', {})).body.code).toBe(
			'MissingParameter.CredentialIdentifier',
		);
		const create = (body: Record<string, unknown>) =>
			h.call('CreateUserExclusiveCredential', {
				body: {
					credentialIdentifier: 'k',
					credentialName: 'K',
					credentialType: 'api_key',
					credentialContent: { apiKeyContent: { apiKey: 'sk-1' } },
					...body,
				},
			});
		expect((await create({ credentialIdentifier: PAM_DEMO.apiKeyCredential })).body.code).toBe(
			'ResourceDuplicated.CredentialIdentifier',
		);
		expect((await create({ credentialContent: {} })).body.code).toBe('MissingParameter.ApiKey');
		expect((await create({ credentialType: 'oauth_client' })).body.code).toBe(
			'InvalidParameter.CredentialType',
		);
		expect((await create({ credentialScenarioLabel: 'crm' })).body.code).toBe(
			'InvalidParameter.CredentialScenarioLabel',
		);
		expect(h.emu.store.pam.credentials.has('k')).toBe(false);
		expect((await create({})).status).toBe(200);
		expect((await create({})).body).not.toHaveProperty('credentialCiphertext');
	});
});

describe('JWT authentication tokens', () => {
	test('reserved audiences, unlisted issuers and unknown or non-JWT providers are refused', async () => {
		const generate = (body: Record<string, unknown>) =>
			h.call('GenerateJwtAuthenticationToken', {
				body: {
					credentialProviderIdentifier: PAM_DEMO.jwtProvider,
					subject: 's',
					audiences: ['a'],
					...body,
				},
			});
		expect((await generate({ audiences: ['urn:cloud:idaas:x'] })).body.code).toBe(
			'InvalidParameter.Audiences',
		);
		expect((await generate({ issuer: 'https://evil.example' })).body.code).toBe(
			'InvalidParameter.Issuer',
		);
		expect((await generate({ issuer: 'https://agents.demo.example' })).status).toBe(200);
		expect((await generate({ credentialProviderIdentifier: 'nope' })).status).toBe(404);
		expect((await generate({ credentialProviderIdentifier: PAM_DEMO.m2mProvider })).body.code).toBe(
			'InvalidParameter.CredentialProviderIdentifier',
		);
		expect((await generate({ audiences: [] })).body.code).toBe('MissingParameter.Audiences');
	});

	test('revoking by consumer affects that consumer only, and validation follows it', async () => {
		const jwt = await demoJwt(h);
		await h.call('RevokeAuthenticationTokenByConsumer', {
			body: { consumerId: 'agent-1', credentialProviderIdentifier: PAM_DEMO.jwtProvider },
		});
		expect(
			(
				await h.call('ValidateAuthenticationToken', {
					token: null,
					body: { token: jwt.jwtContent.jwtValue },
				})
			).body,
		).toEqual({ active: false });
		const listed = await h.call('ListAuthenticationTokens', {
			query: {
				consumerId: 'agent-1',
				credentialProviderIdentifier: PAM_DEMO.jwtProvider,
				revoked: 'true',
			},
		});
		expect(
			listed.body.entities.map((t: { authenticationTokenId: string }) => t.authenticationTokenId),
		).toEqual([jwt.authenticationTokenId]);
		const valid = await h.call('ListAuthenticationTokens', {
			query: {
				consumerId: 'agent-1',
				credentialProviderIdentifier: PAM_DEMO.jwtProvider,
				revoked: 'false',
			},
		});
		expect(valid.body.entities).toEqual([]);
	});

	test('unknown tokens are 404, and the list needs both filters', async () => {
		expect(
			(await h.call('RevokeAuthenticationToken', { body: { token: 'eyJ.unknown' } })).body.code,
		).toBe('ResourceNotFound.AuthenticationToken');
		expect(
			(
				await h.call('ObtainJwtAuthenticationToken', {
					body: { authenticationTokenId: 'atk_x', consumerId: 'c' },
				})
			).status,
		).toBe(404);
		const jwt = await demoJwt(h);
		expect(
			(
				await h.call('ObtainJwtAuthenticationToken', {
					body: { authenticationTokenId: jwt.authenticationTokenId, consumerId: 'someone-else' },
				})
			).status,
		).toBe(404);
		expect(
			(
				await h.call('ObtainJwtAuthenticationTokenByDerivedShortToken', {
					token: null,
					body: { derivedShortToken: 'sk-unknown' },
				})
			).status,
		).toBe(404);
		expect(
			(await h.call('ListAuthenticationTokens', { query: { consumerId: 'agent-1' } })).body.code,
		).toBe('MissingParameter.CredentialProviderIdentifier');
	});
});

describe('OAuth tokens and authorization sessions', () => {
	test('a federated provider answers with a session until a person approves, then with the token', async () => {
		const fetch = () =>
			h.call('FetchOAuthAuthenticationToken', {
				body: {
					credentialProviderIdentifier: PAM_DEMO.federatedProvider,
					customParameters: { access_type: 'offline' },
				},
			});
		const first = (await fetch()).body;
		expect(first).not.toHaveProperty('oauthAccessTokenContent');
		expect(first.oauthAuthorizationSession).toMatchObject({ sessionStatus: 'pending' });
		expect(first.oauthAuthorizationSession.sessionUri).toMatch(
			/^urn:ietf:params:oauth:request_uri:atpoas_/,
		);
		expect(first.oauthAuthorizationSession.authorizationUrl).toContain('access_type=offline');
		// Through the control API, as the e2e tests and npm start do.
		expect(
			(
				await h.control('POST', `pam/sessions/${first.oauthAuthorizationSession.sessionId}`, {
					status: 'completed',
				})
			).status,
		).toBe(200);
		const second = (await fetch()).body;
		expect(second).toMatchObject({
			authenticationTokenType: 'oauth_access_token',
			oauthAccessTokenContent: { scope: 'calendar.read' },
		});
		expect(second).not.toHaveProperty('oauthAuthorizationSession');
	});

	test('a refused session reports the provider error; unknown sessions are 404 oauth_session_not_found', async () => {
		const started = await h.call('FetchOAuthAuthenticationToken', {
			body: { credentialProviderIdentifier: PAM_DEMO.federatedProvider },
		});
		const { sessionId, sessionUri } = started.body.oauthAuthorizationSession;
		h.emu.store.pam.finishSession(sessionId, 'failed');
		expect(
			(await h.call('GetOAuthAuthorizationSession', { body: { sessionUri } })).body,
		).toMatchObject({ sessionStatus: 'failed', errorCode: 'access_denied' });
		const unknown = await h.call('GetOAuthAuthorizationSession', {
			body: { sessionUri: 'urn:ietf:params:oauth:request_uri:atpoas_x' },
		});
		expect(unknown).toMatchObject({ status: 404, body: { code: 'oauth_session_not_found' } });
	});

	test('forceAuthentication gets a new token; a JWT-only operation refuses an OAuth token', async () => {
		const body = { credentialProviderIdentifier: PAM_DEMO.m2mProvider };
		const first = (await h.call('FetchOAuthAuthenticationToken', { body })).body;
		const forced = (
			await h.call('FetchOAuthAuthenticationToken', {
				body: { ...body, forceAuthentication: true },
			})
		).body;
		expect(forced.authenticationTokenId).not.toBe(first.authenticationTokenId);
		const revoke = await h.call('RevokeAuthenticationToken', {
			body: { token: first.oauthAccessTokenContent.accessTokenValue },
		});
		expect(revoke.status).toBe(404);
	});
});

describe('GenerateTokenByAuthorizationServer', () => {
	const token = (query: Record<string, string>, authorizationServerId = 'iauths_system') =>
		h.call('GenerateTokenByAuthorizationServer', {
			token: null,
			path: { authorizationServerId },
			query: {
				grant_type: 'client_credentials',
				client_id: h.app.clientId,
				client_secret: h.app.clientSecret,
				...query,
			},
		});

	test('its token calls the PAM operations with the scopes asked for', async () => {
		const issued = (await token({ scope: 'urn:cloud:idaas:pam|credential:obtain' })).body;
		expect(issued.scope).toBe('urn:cloud:idaas:pam|credential:obtain');
		expect((await obtain(issued.access_token)).status).toBe(200);
		const jwt = await h.call('GenerateJwtAuthenticationToken', {
			token: issued.access_token,
			body: { credentialProviderIdentifier: PAM_DEMO.jwtProvider, subject: 's', audiences: ['a'] },
		});
		expect(jwt.body.message).toBe(
			'Require scopes: [urn:cloud:idaas:pam|authentication_token:obtain]',
		);
	});

	test('answers OAuth-style errors', async () => {
		expect((await token({ client_secret: 'wrong' })).body).toMatchObject({
			error: 'invalid_client',
		});
		expect((await token({ scope: 'urn:alibaba:idaas:scope:group:manage_all' })).body).toMatchObject(
			{ error: 'invalid_scope' },
		);
		expect((await token({ grant_type: 'refresh_token' })).body).toMatchObject({
			error: 'unsupported_grant_type',
		});
		expect(await token({}, 'iauths_other')).toMatchObject({
			status: 404,
			body: { error: 'authorization_server_not_found' },
		});
		const plain = h.emu.apps.create({ scopes: [] });
		const none = await h.call('GenerateTokenByAuthorizationServer', {
			token: null,
			path: { authorizationServerId: 'iauths_system' },
			query: {
				grant_type: 'client_credentials',
				client_id: plain.clientId,
				client_secret: plain.clientSecret,
			},
		});
		expect(none.body).toMatchObject({ error: 'invalid_scope' });
	});
});

describe('older operations as SDK 1.8.0 documents them', () => {
	test('ObtainCloudAccountRoleAccessCredential answers a Tencent Cloud role with tencentCloudStsToken', async () => {
		const r = await h.call('ObtainCloudAccountRoleAccessCredential', {
			query: { cloudAccountRoleExternalId: 'qcs::cam::uin/100000000001:roleName/demo-ops' },
		});
		expect(r.status).toBe(200);
		expect(r.body.cloudAccountVendorType).toBe('tencent_cloud');
		const credential = r.body.cloudAccountRoleAccessCredential;
		expect(Object.keys(credential).sort()).toEqual([
			'accessCredentialExpiresAt',
			'tencentCloudStsToken',
		]);
		expect(Object.keys(credential.tencentCloudStsToken).sort()).toEqual([
			'expiration',
			'tmpSecretId',
			'tmpSecretKey',
			'token',
		]);
	});

	test('ListOrganizationalUnits reads parentId ou_root as the root', async () => {
		const r = await h.call('ListOrganizationalUnits', { query: { parentId: 'ou_root' } });
		const direct = await h.call('ListOrganizationalUnits', { query: { parentId: DEMO.root } });
		expect(r.status).toBe(200);
		expect(r.body.data.length).toBeGreaterThan(0);
		expect(r.body).toEqual(direct.body);
	});

	test('CreateUser takes a 128-character display name and a 256-character username', async () => {
		const r = await h.call('CreateUser', {
			body: {
				username: 'u'.repeat(256),
				displayName: 'd'.repeat(128),
				primaryOrganizationalUnitId: DEMO.sales,
			},
		});
		expect(r.status).toBe(200);
		expect(
			(
				await h.call('CreateUser', {
					body: { username: 'u'.repeat(257), primaryOrganizationalUnitId: DEMO.sales },
				})
			).body.code,
		).toBe('InvalidParameter.Username');
	});

	test('GenerateToken: the password grant gives the account a token with several scopes', async () => {
		h.emu.store.setPassword(DEMO.bob, 'B0b-secret!');
		const grant = (password: string) =>
			h.call('GenerateToken', {
				token: null,
				query: {
					grant_type: 'password',
					client_id: h.app.clientId,
					client_secret: h.app.clientSecret,
					username: 'bob.smith',
					password,
					scope: 'openid profile email',
				},
			});
		const r = await grant('B0b-secret!');
		expect(r.status).toBe(200);
		expect(r.body.scope).toBe('openid profile email');
		const info = await h.call('GetUserInfo', { token: r.body.access_token });
		expect(info.body).toMatchObject({ sub: DEMO.bob, preferred_username: 'bob.smith' });
		expect((await grant('wrong')).body).toMatchObject({ error: 'invalid_grant' });
	});
});
