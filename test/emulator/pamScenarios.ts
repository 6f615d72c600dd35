import type { Harness } from './helpers';

/** The demo seed's PAM objects (emulator/seeds/demo.json). */
export const PAM_DEMO = {
	apiKeyCredential: 'demo-llm-api-key',
	apiKey: 'sk-demo-llm-key-0000000000000001',
	oauthCredential: 'demo-saas-client',
	jwtProvider: 'demo-jwt-provider',
	m2mProvider: 'demo-m2m-oauth',
	federatedProvider: 'demo-federated-oauth',
};

/** A JWT of the demo JWT provider, made over HTTP as a client would. */
export async function demoJwt(
	h: Harness,
	subject = 'agent-1',
	extra: Record<string, unknown> = {},
) {
	const r = await h.call('GenerateJwtAuthenticationToken', {
		body: {
			credentialProviderIdentifier: PAM_DEMO.jwtProvider,
			subject,
			audiences: ['https://api.example'],
			...extra,
		},
	});
	expect(r.status).toBe(200);
	return r.body as {
		authenticationTokenId: string;
		consumerId: string;
		jwtContent: { jwtValue: string; derivedShortToken?: string };
	};
}

/** Happy paths of the 14 PAM operations for test/emulator/operations.test.ts, state checked. */
export const PAM_SCENARIOS: Record<string, (h: Harness) => Promise<void>> = {
	async ObtainCredential(h) {
		const r = await h.call('ObtainCredential', {
			query: { credentialIdentifier: PAM_DEMO.apiKeyCredential },
		});
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({
			credentialType: 'api_key',
			credentialScenarioLabel: 'llm',
			status: 'enabled',
			credentialContent: { apiKeyContent: { apiKey: PAM_DEMO.apiKey } },
		});
		expect(r.body.credentialId).toMatch(/^cred_/);
	},
	async CreateUserExclusiveCredential(h) {
		const r = await h.call('CreateUserExclusiveCredential', {
			body: {
				credentialIdentifier: 'my-key',
				credentialName: 'My key',
				credentialType: 'api_key',
				credentialContent: { apiKeyContent: { apiKey: 'sk-mine' } },
				returnCiphertext: true,
			},
		});
		expect(r.status).toBe(200);
		expect(Object.keys(r.body).sort()).toEqual([
			'credentialCiphertext',
			'credentialId',
			'credentialIdentifier',
		]);
		expect(h.emu.store.pam.credential('my-key')).toMatchObject({
			apiKey: 'sk-mine',
			credentialSharingScope: 'user_exclusive',
			credentialCreationType: 'user_custom',
		});
	},
	async GenerateTokenByAuthorizationServer(h) {
		const r = await h.call('GenerateTokenByAuthorizationServer', {
			token: null,
			path: { authorizationServerId: 'iauths_system' },
			query: {
				grant_type: 'client_credentials',
				client_id: h.app.clientId,
				client_secret: h.app.clientSecret,
				scope: 'urn:cloud:idaas:pam|.all',
			},
		});
		expect(r.status).toBe(200);
		expect(r.body.token_type).toBe('Bearer');
		// .all stands for every PAM scope granted to the application.
		const granted = [...h.app.scopes].filter((scope) => scope.startsWith('urn:cloud:idaas:pam|'));
		expect(granted).toHaveLength(6);
		expect(r.body.scope.split(' ').sort()).toEqual(granted.sort());
		expect(h.emu.store.liveToken(r.body.access_token)).toMatchObject({
			kind: 'pam',
			applicationId: h.app.applicationId,
		});
	},
	async FetchOAuthAuthenticationToken(h) {
		const r = await h.call('FetchOAuthAuthenticationToken', {
			body: { credentialProviderIdentifier: PAM_DEMO.m2mProvider },
		});
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({
			authenticationTokenType: 'oauth_access_token',
			consumerId: h.app.applicationId,
			oauthAccessTokenContent: { tokenType: 'Bearer', scope: 'read write' },
		});
		// IDaaS keeps the token: asking again gives the same one.
		const again = await h.call('FetchOAuthAuthenticationToken', {
			body: { credentialProviderIdentifier: PAM_DEMO.m2mProvider },
		});
		expect(again.body.authenticationTokenId).toBe(r.body.authenticationTokenId);
	},
	async GetOAuthAuthorizationSession(h) {
		const started = await h.call('FetchOAuthAuthenticationToken', {
			body: { credentialProviderIdentifier: PAM_DEMO.federatedProvider },
		});
		const { sessionUri, sessionId } = started.body.oauthAuthorizationSession;
		expect(
			(await h.call('GetOAuthAuthorizationSession', { body: { sessionUri } })).body,
		).toMatchObject({ sessionStatus: 'pending', sessionId });
		h.emu.store.pam.finishSession(sessionId, 'completed');
		const r = await h.call('GetOAuthAuthorizationSession', { body: { sessionUri } });
		expect(r.body).toMatchObject({
			sessionStatus: 'completed',
			credentialProviderIdentifier: PAM_DEMO.federatedProvider,
		});
		expect(r.body.authenticationTokenId).toMatch(/^atk_/);
		expect(r.body).not.toHaveProperty('authorizationUrl');
	},
	async GenerateJwtAuthenticationToken(h) {
		const jwt = await demoJwt(h, 'agent-7', {
			customClaims: { team: 'ops' },
			includeDerivedShortToken: true,
			expiration: 600,
		});
		const [, payload] = jwt.jwtContent.jwtValue.split('.');
		expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
			sub: 'agent-7',
			aud: 'https://api.example',
			team: 'ops',
			iss: 'https://demo.idaas.example/pam',
		});
		expect(jwt.jwtContent.derivedShortToken).toMatch(/^sk-/);
		expect(h.emu.store.pam.tokens.get(jwt.authenticationTokenId)).toMatchObject({
			consumerId: 'agent-7',
			consumerType: 'custom',
			revoked: false,
		});
	},
	async ObtainJwtAuthenticationToken(h) {
		const jwt = await demoJwt(h);
		const r = await h.call('ObtainJwtAuthenticationToken', {
			body: { authenticationTokenId: jwt.authenticationTokenId, consumerId: 'agent-1' },
		});
		expect(r.status).toBe(200);
		expect(r.body.jwtContent.jwtValue).toBe(jwt.jwtContent.jwtValue);
	},
	async ObtainJwtAuthenticationTokenByDerivedShortToken(h) {
		const jwt = await demoJwt(h, 'agent-1', { includeDerivedShortToken: true });
		const r = await h.call('ObtainJwtAuthenticationTokenByDerivedShortToken', {
			token: null,
			body: { derivedShortToken: jwt.jwtContent.derivedShortToken },
		});
		expect(r.status).toBe(200);
		expect(r.body.jwtContent.jwtValue).toBe(jwt.jwtContent.jwtValue);
	},
	async ListAuthenticationTokens(h) {
		await demoJwt(h);
		await demoJwt(h);
		const r = await h.call('ListAuthenticationTokens', {
			query: {
				consumerId: 'agent-1',
				credentialProviderIdentifier: PAM_DEMO.jwtProvider,
				maxResults: 1,
			},
		});
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({ totalCount: 2, maxResults: 1 });
		expect(r.body.entities).toHaveLength(1);
		expect(r.body.entities[0]).not.toHaveProperty('jwtContent');
		const next = await h.call('ListAuthenticationTokens', {
			query: {
				consumerId: 'agent-1',
				credentialProviderIdentifier: PAM_DEMO.jwtProvider,
				nextToken: r.body.nextToken,
			},
		});
		expect(next.body).toMatchObject({ nextToken: '' });
		expect(next.body.entities[0].authenticationTokenId).not.toBe(
			r.body.entities[0].authenticationTokenId,
		);
	},
	async RevokeAuthenticationToken(h) {
		const jwt = await demoJwt(h);
		expect(
			await h.call('RevokeAuthenticationToken', { body: { token: jwt.jwtContent.jwtValue } }),
		).toMatchObject({ status: 200, body: {} });
		expect(h.emu.store.pam.tokens.get(jwt.authenticationTokenId)!.revoked).toBe(true);
	},
	async ReinstateAuthenticationToken(h) {
		const jwt = await demoJwt(h);
		h.emu.store.pam.setRevoked(jwt.jwtContent.jwtValue, true);
		expect(
			(await h.call('ReinstateAuthenticationToken', { body: { token: jwt.jwtContent.jwtValue } }))
				.status,
		).toBe(200);
		expect(h.emu.store.pam.tokens.get(jwt.authenticationTokenId)!.revoked).toBe(false);
	},
	async RevokeAuthenticationTokenByConsumer(h) {
		const [a, b, other] = [await demoJwt(h), await demoJwt(h), await demoJwt(h, 'agent-2')];
		const body = { consumerId: 'agent-1', credentialProviderIdentifier: PAM_DEMO.jwtProvider };
		expect((await h.call('RevokeAuthenticationTokenByConsumer', { body })).status).toBe(200);
		const revoked = (id: string) => h.emu.store.pam.tokens.get(id)!.revoked;
		expect([
			revoked(a.authenticationTokenId),
			revoked(b.authenticationTokenId),
			revoked(other.authenticationTokenId),
		]).toEqual([true, true, false]);
	},
	async ReinstateAuthenticationTokenByConsumer(h) {
		const jwt = await demoJwt(h);
		h.emu.store.pam.setConsumerRevoked(PAM_DEMO.jwtProvider, 'agent-1', true);
		const body = { consumerId: 'agent-1', credentialProviderIdentifier: PAM_DEMO.jwtProvider };
		expect((await h.call('ReinstateAuthenticationTokenByConsumer', { body })).status).toBe(200);
		expect(h.emu.store.pam.tokens.get(jwt.authenticationTokenId)!.revoked).toBe(false);
	},
	async ValidateAuthenticationToken(h) {
		const jwt = await demoJwt(h, 'agent-1', { includeDerivedShortToken: true });
		const validate = async (token: string) =>
			(await h.call('ValidateAuthenticationToken', { token: null, body: { token } })).body;
		expect(await validate(jwt.jwtContent.jwtValue)).toEqual({ active: true });
		expect(await validate(jwt.jwtContent.derivedShortToken!)).toEqual({ active: true });
		h.emu.store.pam.setRevoked(jwt.jwtContent.jwtValue, true);
		expect(await validate(jwt.jwtContent.jwtValue)).toEqual({ active: false });
		expect(await validate('not-a-token')).toEqual({ active: false });
	},
};
