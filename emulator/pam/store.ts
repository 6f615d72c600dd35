import { createHmac, randomBytes } from 'crypto';

import { ApiError, duplicated, invalid, notFound } from '../errors';
import { newId } from '../ids';
import type {
	AuthenticationToken,
	AuthorizationSession,
	CredentialProvider,
	PamCredential,
	PamSeed,
	SessionStatus,
} from './types';

export type NewCredential = NonNullable<PamSeed['credentials']>[number];

/** Who calls: the application whose access token came with the request. */
export interface PamCaller {
	applicationId: string;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const secret = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;
/** Alibaba's PAM client: audiences must not start with this reserved prefix. */
const RESERVED_AUDIENCE = 'urn:cloud:idaas';
/** How long a person has to approve an authorization session (ASSUMPTION: not documented). */
const SESSION_SECONDS = 600;

/**
 * The PAM state of one emulated instance. Codes for errors no source documents are ASSUMPTIONS
 * in the house style (`ResourceNotFound.<Thing>` 404, `ResourceDuplicated.<Field>` 400).
 */
export class PamStore {
	readonly credentials = new Map<string, PamCredential>();
	readonly providers = new Map<string, CredentialProvider>();
	readonly tokens = new Map<string, AuthenticationToken>();
	readonly sessions = new Map<string, AuthorizationSession>();
	/** Cloud STS secrets handed out (ObtainCloudAccountRoleAccessCredential), for secretValues(). */
	readonly stsSecrets = new Set<string>();
	/** JWT signing key of this emulator run. */
	private readonly key = randomBytes(32);

	constructor(
		private readonly instanceId: () => string,
		private readonly now: () => number,
	) {}

	clear(): void {
		this.credentials.clear();
		this.providers.clear();
		this.tokens.clear();
		this.sessions.clear();
		this.stsSecrets.clear();
	}

	/** Every secret value this instance holds or handed out: what tests give the leak guard. */
	secretValues(): string[] {
		const values = [...this.stsSecrets];
		for (const c of this.credentials.values()) values.push(c.apiKey ?? '', c.clientSecret ?? '');
		for (const t of this.tokens.values())
			values.push(t.jwtValue ?? '', t.derivedShortToken ?? '', t.accessTokenValue ?? '');
		return values.filter((value) => value !== '');
	}

	seed(seed: PamSeed | undefined): void {
		for (const provider of seed?.credentialProviders ?? []) {
			this.providers.set(provider.credentialProviderIdentifier, {
				credentialProviderId: newId('cp_'),
				...provider,
			});
		}
		for (const credential of seed?.credentials ?? [])
			this.addCredential({ credentialCreationType: 'system_init', ...credential });
	}

	addCredential(input: NewCredential): PamCredential {
		if (this.credentials.has(input.credentialIdentifier))
			throw duplicated('credentialIdentifier', input.credentialIdentifier);
		const now = this.now();
		const credential: PamCredential = {
			credentialId: newId('cred_'),
			credentialScenarioLabel: '',
			credentialCreationType: 'user_custom',
			credentialExternalId: '',
			credentialSharingScope: '',
			exclusiveUserId: '',
			credentialSubjectType: 'authentication_token_provider',
			credentialSubjectId: '',
			description: '',
			status: 'enabled',
			createTime: now,
			updateTime: now,
			...input,
		};
		this.credentials.set(credential.credentialIdentifier, credential);
		return credential;
	}

	credential(identifier: string): PamCredential {
		const credential = this.credentials.get(identifier);
		if (!credential) throw notFound('Credential', identifier);
		return credential;
	}

	provider(identifier: string, type?: CredentialProvider['type']): CredentialProvider {
		const provider = this.providers.get(identifier);
		if (!provider) throw notFound('CredentialProvider', identifier);
		if (type && provider.type !== type) {
			throw invalid(
				'credentialProviderIdentifier',
				`The credential provider ${identifier} is not of type ${type}.`,
			);
		}
		return provider;
	}

	private newToken(
		caller: PamCaller,
		provider: CredentialProvider,
		consumerId: string,
		lifetimeSeconds: number,
		type: AuthenticationToken['authenticationTokenType'],
	): AuthenticationToken {
		const now = this.now();
		const token: AuthenticationToken = {
			authenticationTokenId: newId('atk_'),
			authenticationTokenType: type,
			consumerType: consumerId === caller.applicationId ? 'application' : 'custom',
			consumerId,
			creatorType: 'application',
			creatorId: caller.applicationId,
			credentialProviderId: provider.credentialProviderId,
			createTime: now,
			updateTime: now,
			expirationTime: now + lifetimeSeconds * 1000,
			revoked: false,
		};
		this.tokens.set(token.authenticationTokenId, token);
		return token;
	}

	/** A signed HS256 JWT with the caller's claims; the subject becomes the token's consumer. */
	generateJwt(
		caller: PamCaller,
		input: {
			credentialProviderIdentifier: string;
			subject: string;
			audiences: string[];
			issuer?: string;
			expiration?: number;
			customClaims?: Record<string, unknown>;
			includeDerivedShortToken?: boolean;
		},
	): AuthenticationToken {
		const provider = this.provider(input.credentialProviderIdentifier, 'jwt');
		if (input.audiences.some((audience) => audience.startsWith(RESERVED_AUDIENCE))) {
			throw invalid('audiences', `Audiences must not start with ${RESERVED_AUDIENCE}.`);
		}
		const issuer = input.issuer ?? provider.issuer ?? '';
		if (issuer !== provider.issuer && !(provider.allowedIssuers ?? []).includes(issuer)) {
			throw invalid('issuer', 'The issuer is not allowed by the credential provider.');
		}
		const token = this.newToken(
			caller,
			provider,
			input.subject,
			input.expiration ?? provider.expirationSeconds ?? 3600,
			'jwt',
		);
		const claims = {
			...input.customClaims,
			iss: issuer,
			sub: input.subject,
			aud: input.audiences.length === 1 ? input.audiences[0] : input.audiences,
			iat: Math.floor(token.createTime / 1000),
			exp: Math.floor(token.expirationTime / 1000),
			jti: token.authenticationTokenId,
		};
		const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
		token.jwtValue = `${unsigned}.${createHmac('sha256', this.key).update(unsigned).digest('base64url')}`;
		if (input.includeDerivedShortToken) token.derivedShortToken = secret('sk-');
		return token;
	}

	jwtById(authenticationTokenId: string, consumerId: string): AuthenticationToken {
		const token = this.tokens.get(authenticationTokenId);
		if (!token || token.authenticationTokenType !== 'jwt' || token.consumerId !== consumerId) {
			throw notFound('AuthenticationToken', authenticationTokenId);
		}
		return token;
	}

	/** The JWT a value stands for: the JWT itself or its derived short token. */
	jwtByValue(value: string): AuthenticationToken | undefined {
		for (const token of this.tokens.values()) {
			if (
				token.authenticationTokenType === 'jwt' &&
				(token.jwtValue === value || token.derivedShortToken === value)
			)
				return token;
		}
		return undefined;
	}

	live(token: AuthenticationToken): boolean {
		return !token.revoked && token.expirationTime > Date.now();
	}

	/** Revoke or reinstate one JWT, given by value. */
	setRevoked(value: string, revoked: boolean): void {
		const token = this.jwtByValue(value);
		if (!token) throw notFound('AuthenticationToken', 'given');
		token.revoked = revoked;
		token.updateTime = this.now();
	}

	/**
	 * Revoke or reinstate every JWT of one consumer under one provider. ASSUMPTION: tokens issued
	 * later are not affected (the sources do not say whether the consumer stays blocked).
	 */
	setConsumerRevoked(
		credentialProviderIdentifier: string,
		consumerId: string,
		revoked: boolean,
	): number {
		const provider = this.provider(credentialProviderIdentifier, 'jwt');
		let count = 0;
		for (const token of this.tokensOf(provider, consumerId)) {
			if (token.authenticationTokenType !== 'jwt') continue;
			token.revoked = revoked;
			token.updateTime = this.now();
			count++;
		}
		return count;
	}

	tokensOf(provider: CredentialProvider, consumerId: string): AuthenticationToken[] {
		return [...this.tokens.values()].filter(
			(t) =>
				t.credentialProviderId === provider.credentialProviderId && t.consumerId === consumerId,
		);
	}

	/**
	 * An outside OAuth provider's access token for the calling application. IDaaS keeps it and hands
	 * out the same one while it is valid unless forced. For a `user_federation` provider, a person
	 * must approve first: without a valid token the answer is a new session, and the token exists
	 * once the session is completed (the caller then fetches again).
	 */
	fetchOAuthToken(
		caller: PamCaller,
		input: {
			credentialProviderIdentifier: string;
			scope?: string;
			forceAuthentication?: boolean;
			customParameters?: Record<string, string>;
		},
		host: string,
	): { token: AuthenticationToken } | { session: AuthorizationSession } {
		const provider = this.provider(input.credentialProviderIdentifier, 'oauth');
		const consumerId = caller.applicationId;
		const scope = input.scope ?? provider.scope ?? '';
		const cached = this.tokensOf(provider, consumerId).find(
			(t) => this.live(t) && t.scope === scope,
		);
		if (cached && !input.forceAuthentication) return { token: cached };
		if (provider.flow === 'user_federation')
			return {
				session: this.openSession(caller, provider, scope, host, input.customParameters ?? {}),
			};
		return { token: this.oauthToken(caller, provider, scope) };
	}

	private oauthToken(
		caller: PamCaller,
		provider: CredentialProvider,
		scope: string,
	): AuthenticationToken {
		const token = this.newToken(caller, provider, caller.applicationId, 3600, 'oauth_access_token');
		token.accessTokenValue = secret('oat_');
		token.tokenType = 'Bearer';
		token.scope = scope;
		return token;
	}

	private openSession(
		caller: PamCaller,
		provider: CredentialProvider,
		scope: string,
		host: string,
		extra: Record<string, string>,
	): AuthorizationSession {
		const sessionId = newId('atpoas_');
		const query = new URLSearchParams({ session: sessionId, ...extra });
		const session: AuthorizationSession = {
			sessionId,
			sessionUri: `urn:ietf:params:oauth:request_uri:${sessionId}`,
			// ASSUMPTION: where the person approves; the real page lives on the instance's domain.
			authorizationUrl: `http://${host}/v2/${this.instanceId()}/oauthAuthorizationSessions/authorize?${query.toString()}`,
			sessionStatus: 'pending',
			consumerType: 'application',
			consumerId: caller.applicationId,
			creatorType: 'application',
			creatorId: caller.applicationId,
			credentialProviderIdentifier: provider.credentialProviderIdentifier,
			expirationTime: this.now() + SESSION_SECONDS * 1000,
			scope,
		};
		this.sessions.set(session.sessionUri, session);
		return session;
	}

	/** What the person's browser would do: approve or refuse (emulator control API, tests). */
	finishSession(sessionId: string, outcome: 'completed' | 'failed'): AuthorizationSession {
		const session = [...this.sessions.values()].find((s) => s.sessionId === sessionId);
		if (!session) throw notFound('OAuthAuthorizationSession', sessionId);
		session.sessionStatus = outcome;
		if (outcome === 'completed') {
			const provider = this.provider(session.credentialProviderIdentifier, 'oauth');
			session.authenticationTokenId = this.oauthToken(
				{ applicationId: session.consumerId },
				provider,
				session.scope,
			).authenticationTokenId;
		}
		if (outcome === 'failed') {
			session.errorCode = 'access_denied';
			session.errorDescription = 'The user denied the authorization request.';
		}
		return session;
	}

	/** Documented only by Alibaba's PAM client: 404 oauth_session_not_found for an unknown URI. */
	session(sessionUri: string, caller: PamCaller): AuthorizationSession {
		const session = this.sessions.get(sessionUri);
		if (!session || session.creatorId !== caller.applicationId) {
			throw new ApiError(
				404,
				'oauth_session_not_found',
				`OAuth authorization session not found: ${sessionUri}`,
			);
		}
		const open: SessionStatus[] = ['pending', 'callback_received'];
		if (open.includes(session.sessionStatus) && session.expirationTime <= Date.now())
			session.sessionStatus = 'expired';
		return session;
	}
}
