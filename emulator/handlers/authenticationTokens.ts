import { invalid, notFound } from '../errors';
import { slice, tokenPage, tokenWindow } from '../pagination';
import { jwtView, oauthTokenView, sessionView, tokenMetadata } from '../pam/views';
import { validateInput } from '../validate';
import type { Ctx, Handler } from './context';
import { pamCallerOf as caller } from './context';

/**
 * PAM authentication tokens and OAuth authorization sessions. The Bearer operations arrive with
 * the caller checked (pam/auth.ts) and the input validated; the two without an Authorization
 * header (the token in the body is the secret) validate here.
 */

const host = (ctx: Ctx) => ctx.req.headers.host ?? '127.0.0.1';

/** Revoke / Reinstate take the JWT or its short token; OAuth tokens are not supported (SDK remark). */
function setRevoked(ctx: Ctx, revoked: boolean): Record<string, never> {
	caller(ctx);
	ctx.store.pam.setRevoked(ctx.input.token as string, revoked);
	return {};
}

function setConsumerRevoked(ctx: Ctx, revoked: boolean): Record<string, never> {
	caller(ctx);
	ctx.store.pam.setConsumerRevoked(
		ctx.input.credentialProviderIdentifier as string,
		ctx.input.consumerId as string,
		revoked,
	);
	return {};
}

export const authenticationTokenHandlers: Record<string, Handler> = {
	GenerateJwtAuthenticationToken(ctx) {
		const input = ctx.input;
		const token = ctx.store.pam.generateJwt(caller(ctx), {
			credentialProviderIdentifier: input.credentialProviderIdentifier as string,
			subject: input.subject as string,
			audiences: input.audiences as string[],
			issuer: input.issuer as string | undefined,
			expiration: input.expiration as number | undefined,
			customClaims: input.customClaims as Record<string, unknown> | undefined,
			includeDerivedShortToken: input.includeDerivedShortToken === true,
		});
		return jwtView(ctx.store.instanceId, token);
	},

	ObtainJwtAuthenticationToken(ctx) {
		caller(ctx);
		const token = ctx.store.pam.jwtById(
			ctx.input.authenticationTokenId as string,
			ctx.input.consumerId as string,
		);
		return jwtView(ctx.store.instanceId, token);
	},

	/** ASSUMPTION: an unknown short token is 404 ResourceNotFound.AuthenticationToken. */
	ObtainJwtAuthenticationTokenByDerivedShortToken(ctx) {
		const input = validateInput(ctx.op, ctx.path, ctx.query, ctx.body);
		const value = input.derivedShortToken as string;
		const token = value.startsWith('sk-') ? ctx.store.pam.jwtByValue(value) : undefined;
		if (!token) throw notFound('AuthenticationToken', 'given');
		return jwtView(ctx.store.instanceId, token);
	},

	/**
	 * Token of an outside OAuth provider, or, for a provider whose flow needs a person's consent,
	 * the authorization session to send them to (the two are exclusive, Alibaba's PAM client README).
	 */
	FetchOAuthAuthenticationToken(ctx) {
		const input = ctx.input;
		const result = ctx.store.pam.fetchOAuthToken(
			caller(ctx),
			{
				credentialProviderIdentifier: input.credentialProviderIdentifier as string,
				scope: input.scope as string | undefined,
				forceAuthentication: input.forceAuthentication === true,
				customParameters: input.customParameters as Record<string, string> | undefined,
			},
			host(ctx),
		);
		if ('token' in result) return oauthTokenView(ctx.store.instanceId, result.token);
		const session = sessionView(ctx.store.instanceId, result.session);
		return {
			instanceId: ctx.store.instanceId,
			oauthAuthorizationSession: {
				sessionId: session.sessionId,
				sessionUri: session.sessionUri,
				sessionStatus: session.sessionStatus,
				authorizationUrl: session.authorizationUrl,
			},
		};
	},

	/** Both filters are required (SDK); the tokens' values are never listed. */
	ListAuthenticationTokens(ctx) {
		caller(ctx);
		const { pam, instanceId } = ctx.store;
		const input = ctx.input;
		const provider = pam.provider(input.credentialProviderIdentifier as string);
		const now = Date.now();
		const tokens = pam
			.tokensOf(provider, input.consumerId as string)
			.filter((t) => input.revoked === undefined || t.revoked === input.revoked)
			.filter((t) => input.expired === undefined || t.expirationTime <= now === input.expired);
		const listing = `tokens:${provider.credentialProviderId}:${String(input.consumerId).replace(/\n/g, ' ')}`;
		const window = tokenWindow(ctx.op, input, listing);
		// The list field is `entities` here, not `data` (SDK model).
		const { data, ...page } = tokenPage(
			listing,
			window,
			tokens.length,
			slice(tokens, window).map((t) => tokenMetadata(instanceId, t)),
		);
		return { ...page, entities: data };
	},

	RevokeAuthenticationToken: (ctx) => setRevoked(ctx, true),
	ReinstateAuthenticationToken: (ctx) => setRevoked(ctx, false),
	RevokeAuthenticationTokenByConsumer: (ctx) => setConsumerRevoked(ctx, true),
	ReinstateAuthenticationTokenByConsumer: (ctx) => setConsumerRevoked(ctx, false),

	/** RFC 7662 style. ASSUMPTION: an unknown or malformed token is simply not active. */
	ValidateAuthenticationToken(ctx) {
		const input = validateInput(ctx.op, ctx.path, ctx.query, ctx.body);
		const token = ctx.store.pam.jwtByValue(input.token as string);
		return { active: token !== undefined && ctx.store.pam.live(token) };
	},

	GetOAuthAuthorizationSession(ctx) {
		const sessionUri = ctx.input.sessionUri as string;
		if (!sessionUri.startsWith('urn:ietf:params:oauth:request_uri:')) throw invalid('sessionUri');
		return sessionView(ctx.store.instanceId, ctx.store.pam.session(sessionUri, caller(ctx)));
	},
};
