import type { Emulator } from '../../../emulator/server';
import type { OperationCase } from './types';

/**
 * The PAM operations through the node, each checked on the emulator's state. Secret values stay
 * withheld ([redacted]) here; test/node/pam.test.ts turns Include Secret Values on.
 */

const JWT_PROVIDER = 'demo-jwt-provider';
const REDACTED = '[redacted]';

/** A JWT made directly in the store, as an earlier run would have. */
function jwtOf(emu: Emulator, subject = 'agent-1', short = false) {
	return emu.store.pam.generateJwt(
		{ applicationId: emu.application.applicationId },
		{
			credentialProviderIdentifier: JWT_PROVIDER,
			subject,
			audiences: ['https://api.example'],
			includeDerivedShortToken: short,
		},
	);
}

const token = (operation: string, extra: object) => ({
	resource: 'authenticationToken',
	operation,
	...extra,
});

export const pamCases: Record<string, OperationCase> = {
	GenerateTokenByAuthorizationServer: {
		params: () => ({
			resource: 'token',
			operation: 'generateByAuthorizationServer',
			grant_type: 'client_credentials',
			additionalFields: { scope: 'urn:cloud:idaas:pam|credential:obtain' },
		}),
		check(emu, [out]) {
			expect(out).toMatchObject({
				token_type: 'Bearer',
				access_token: REDACTED,
				scope: 'urn:cloud:idaas:pam|credential:obtain',
			});
			// The only token of kind pam: the one the authorization server issued, with its scope.
			const issued = [...emu.store.tokens.values()].filter((t) => t.kind === 'pam');
			expect(issued.map((t) => t.scopes)).toEqual([['urn:cloud:idaas:pam|credential:obtain']]);
		},
	},
	ObtainCredential: {
		params: () => ({
			resource: 'credential',
			operation: 'obtain',
			credentialIdentifier: 'demo-llm-api-key',
		}),
		check: (_emu, [out]) =>
			expect(out).toMatchObject({
				credentialIdentifier: 'demo-llm-api-key',
				credentialType: 'api_key',
				status: 'enabled',
				credentialContent: { apiKeyContent: { apiKey: REDACTED } },
			}),
	},
	CreateUserExclusiveCredential: {
		params: () => ({
			resource: 'credential',
			operation: 'createUserExclusive',
			credentialIdentifier: 'agent-openai',
			credentialName: 'Agent OpenAI key',
			credentialType: 'api_key',
			credentialContent: {
				values: { apiKeyContent: { values: { apiKey: 'sk-agent-openai-0001' } } },
			},
			additionalFields: { credentialScenarioLabel: 'llm', returnCiphertext: true },
		}),
		check(emu, [out]) {
			expect(emu.store.pam.credential('agent-openai')).toMatchObject({
				apiKey: 'sk-agent-openai-0001',
				credentialName: 'Agent OpenAI key',
				credentialScenarioLabel: 'llm',
			});
			expect(out).toMatchObject({
				credentialIdentifier: 'agent-openai',
				credentialCiphertext: REDACTED,
			});
			expect(out.credentialId).toMatch(/^cred_/);
		},
	},
	GenerateJwtAuthenticationToken: {
		params: () =>
			token('generateJwt', {
				credentialProviderIdentifier: JWT_PROVIDER,
				subject: 'agent-7',
				audiences: 'https://api.example, https://billing.example',
				additionalFields: {
					customClaims: '{"team":"ops","level":2}',
					expiration: 600,
					includeDerivedShortToken: true,
				},
			}),
		check(emu, [out]) {
			const stored = emu.store.pam.tokens.get(out.authenticationTokenId as string)!;
			expect(stored).toMatchObject({ consumerId: 'agent-7', authenticationTokenType: 'jwt' });
			const claims = JSON.parse(
				Buffer.from(stored.jwtValue!.split('.')[1], 'base64url').toString(),
			);
			expect(claims).toMatchObject({
				sub: 'agent-7',
				aud: ['https://api.example', 'https://billing.example'],
				team: 'ops',
				level: 2,
			});
			expect(claims.exp - claims.iat).toBe(600);
			expect(out.jwtContent).toEqual({ jwtValue: REDACTED, derivedShortToken: REDACTED });
		},
	},
	ObtainJwtAuthenticationToken: {
		params: (emu) =>
			token('getJwt', {
				authenticationTokenId: jwtOf(emu).authenticationTokenId,
				consumerId: 'agent-1',
			}),
		check: (emu, [out]) => {
			expect(emu.store.pam.tokens.get(out.authenticationTokenId as string)?.consumerId).toBe(
				'agent-1',
			);
			expect(out.jwtContent).toEqual({ jwtValue: REDACTED });
		},
	},
	ObtainJwtAuthenticationTokenByDerivedShortToken: {
		// An expression, as the short token would come from an earlier node.
		params: (emu) =>
			token('getJwtByShortToken', {
				derivedShortToken: `={{ ${JSON.stringify(jwtOf(emu, 'agent-1', true).derivedShortToken)} }}`,
			}),
		check: (emu, [out]) => {
			expect(emu.stats.tokensIssued).toBe(0);
			expect(out).toMatchObject({
				consumerId: 'agent-1',
				jwtContent: { jwtValue: REDACTED, derivedShortToken: REDACTED },
			});
		},
	},
	FetchOAuthAuthenticationToken: {
		params: () =>
			token('fetchOAuthToken', {
				credentialProviderIdentifier: 'demo-m2m-oauth',
				additionalFields: { scope: 'read', customParameters: '{"access_type":"offline"}' },
			}),
		check(emu, [out]) {
			const stored = emu.store.pam.tokens.get(out.authenticationTokenId as string)!;
			expect(stored).toMatchObject({
				authenticationTokenType: 'oauth_access_token',
				scope: 'read',
				consumerId: emu.application.applicationId,
			});
			expect(out.oauthAccessTokenContent).toEqual({
				accessTokenValue: REDACTED,
				tokenType: 'Bearer',
				scope: 'read',
			});
		},
	},
	ListAuthenticationTokens: {
		setup(emu) {
			for (let i = 0; i < 3; i++) jwtOf(emu);
			jwtOf(emu, 'agent-2');
		},
		params: () =>
			token('getAll', {
				consumerId: 'agent-1',
				credentialProviderIdentifier: JWT_PROVIDER,
				returnAll: true,
			}),
		check(emu, output) {
			const expected = [...emu.store.pam.tokens.values()]
				.filter((t) => t.consumerId === 'agent-1')
				.map((t) => t.authenticationTokenId);
			expect(output.map((o) => o.authenticationTokenId)).toEqual(expected);
			expect(output).toHaveLength(3);
			for (const item of output) expect(item).not.toHaveProperty('jwtContent');
		},
	},
	RevokeAuthenticationToken: {
		params: (emu) => token('revoke', { token: `={{ ${JSON.stringify(jwtOf(emu).jwtValue)} }}` }),
		check(emu, [out]) {
			expect([...emu.store.pam.tokens.values()][0].revoked).toBe(true);
			expect(out).toEqual({ success: true, operation: 'revoke' });
		},
	},
	ReinstateAuthenticationToken: {
		params(emu) {
			const jwt = jwtOf(emu);
			emu.store.pam.setRevoked(jwt.jwtValue!, true);
			return token('reinstate', { token: `={{ ${JSON.stringify(jwt.jwtValue)} }}` });
		},
		check: (emu, [out]) => {
			expect([...emu.store.pam.tokens.values()][0].revoked).toBe(false);
			expect(out).toEqual({ success: true, operation: 'reinstate' });
		},
	},
	RevokeAuthenticationTokenByConsumer: {
		setup(emu) {
			jwtOf(emu);
			jwtOf(emu, 'agent-2');
		},
		params: () =>
			token('revokeForConsumer', {
				consumerId: 'agent-1',
				credentialProviderIdentifier: JWT_PROVIDER,
			}),
		check(emu, [out]) {
			expect([...emu.store.pam.tokens.values()].map((t) => [t.consumerId, t.revoked])).toEqual([
				['agent-1', true],
				['agent-2', false],
			]);
			expect(out).toEqual({
				success: true,
				operation: 'revokeForConsumer',
				consumerId: 'agent-1',
				credentialProviderIdentifier: JWT_PROVIDER,
			});
		},
	},
	ReinstateAuthenticationTokenByConsumer: {
		setup(emu) {
			jwtOf(emu);
			emu.store.pam.setConsumerRevoked(JWT_PROVIDER, 'agent-1', true);
		},
		params: () =>
			token('reinstateForConsumer', {
				consumerId: 'agent-1',
				credentialProviderIdentifier: JWT_PROVIDER,
			}),
		check: (emu) => expect([...emu.store.pam.tokens.values()][0].revoked).toBe(false),
	},
	ValidateAuthenticationToken: {
		params: (emu) => token('validate', { token: `={{ ${JSON.stringify(jwtOf(emu).jwtValue)} }}` }),
		check: (emu, [out]) => {
			// No Authorization header: the node fetched no token of its own.
			expect(emu.stats.tokensIssued).toBe(0);
			expect(out).toEqual({ active: true });
		},
	},
	GetOAuthAuthorizationSession: {
		params(emu) {
			const result = emu.store.pam.fetchOAuthToken(
				{ applicationId: emu.application.applicationId },
				{ credentialProviderIdentifier: 'demo-federated-oauth' },
				'127.0.0.1',
			);
			const session = 'session' in result ? result.session : undefined;
			emu.store.pam.finishSession(session!.sessionId, 'completed');
			return {
				resource: 'oauthAuthorizationSession',
				operation: 'get',
				sessionUri: session!.sessionUri,
			};
		},
		check(emu, [out]) {
			expect(out).toMatchObject({
				sessionStatus: 'completed',
				credentialProviderIdentifier: 'demo-federated-oauth',
			});
			expect(emu.store.pam.tokens.has(out.authenticationTokenId as string)).toBe(true);
		},
	},
};
