import { createHash, createHmac, timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/**
 * Who may call the SCIM endpoints. IDaaS's SCIM provisioning authenticates in one of two ways
 * (`AuthnConfiguration.GrantType` of SetApplicationProvisioningConfig): `bearer_token`, a fixed
 * token the admin enters in both places, or `client_credentials`, where IDaaS first asks a token
 * endpoint for a token with a client ID and secret (RFC 6749 §4.4,
 * https://www.rfc-editor.org/rfc/rfc6749#section-4.4) and then sends that token. The trigger
 * serves that token endpoint itself: its tokens are an expiry time signed with the client secret,
 * so any n8n process holding the credential can check them and nothing needs storing.
 */

export interface ScimCredential {
	bearerToken: string;
	clientId: string;
	clientSecret: string;
}

export const TOKEN_LIFETIME_SECONDS = 3600;
const TOKEN_PREFIX = 'n8nscim1';

export function readCredential(data: IDataObject): ScimCredential {
	const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
	return {
		bearerToken: text(data.bearerToken),
		clientId: text(data.clientId),
		clientSecret: text(data.clientSecret),
	};
}

/** The shortest bearer token or client secret accepted: 128 bits as hex (RFC 6750 §5.2 asks for tokens that cannot be guessed). */
export const MIN_SECRET_LENGTH = 32;

/** Why the credential cannot authenticate SCIM requests safely, or undefined when it can. */
export function credentialProblem(credential: ScimCredential): string | undefined {
	const { bearerToken, clientId, clientSecret } = credential;
	if (!bearerToken && !clientId && !clientSecret)
		return 'Set a bearer token, or a client ID and client secret';
	if (Boolean(clientId) !== Boolean(clientSecret))
		return 'Set both the client ID and the client secret, or neither';
	if (bearerToken && bearerToken.length < MIN_SECRET_LENGTH)
		return `The bearer token is shorter than ${MIN_SECRET_LENGTH} characters`;
	if (clientSecret && clientSecret.length < MIN_SECRET_LENGTH)
		return `The client secret is shorter than ${MIN_SECRET_LENGTH} characters`;
	return undefined;
}

/**
 * Equal in constant time: both sides are hashed first, so neither the length nor the first
 * differing byte of the expected value shows in how long the answer takes.
 */
export function sameSecret(given: string, expected: string): boolean {
	const a = createHash('sha256').update(given, 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	return timingSafeEqual(a, b) && expected.length > 0;
}

function signature(credential: ScimCredential, expires: number): string {
	return createHmac('sha256', credential.clientSecret)
		.update(`${TOKEN_PREFIX}.${credential.clientId}.${expires}`)
		.digest('base64url');
}

/** A token for the client-credentials grant, valid for TOKEN_LIFETIME_SECONDS from `nowSeconds`. */
export function issueToken(credential: ScimCredential, nowSeconds: number): string {
	const expires = nowSeconds + TOKEN_LIFETIME_SECONDS;
	return `${TOKEN_PREFIX}.${expires}.${signature(credential, expires)}`;
}

function validIssuedToken(credential: ScimCredential, token: string, nowSeconds: number): boolean {
	if (!credential.clientId || !credential.clientSecret) return false;
	const [prefix, expiresText, given, ...rest] = token.split('.');
	if (prefix !== TOKEN_PREFIX || rest.length > 0 || !/^\d{1,12}$/.test(expiresText ?? '') || !given)
		return false;
	const expires = Number(expiresText);
	return sameSecret(given, signature(credential, expires)) && expires > nowSeconds;
}

/** The token of an `Authorization: Bearer …` header (the scheme is case-insensitive, RFC 6750 §2.1 and RFC 9110 §11.1). */
export function bearerOf(header: unknown): string | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	const match = typeof value === 'string' ? /^\s*bearer\s+(\S+)\s*$/i.exec(value) : null;
	return match?.[1];
}

/** Whether the request's bearer token is the credential's token or one the token endpoint issued and that has not expired. */
export function authorized(
	credential: ScimCredential,
	authorization: unknown,
	nowSeconds: number,
): boolean {
	const token = bearerOf(authorization);
	if (!token) return false;
	const fixed = credential.bearerToken ? sameSecret(token, credential.bearerToken) : false;
	const issued = validIssuedToken(credential, token, nowSeconds);
	return fixed || issued;
}

/** The client ID and secret of a token request: HTTP Basic (RFC 6749 §2.3.1, preferred) or form fields. */
export function clientOf(
	authorization: unknown,
	form: IDataObject,
): { id: string; secret: string } | undefined {
	const value = Array.isArray(authorization) ? authorization[0] : authorization;
	const basic = typeof value === 'string' ? /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value) : null;
	if (basic) {
		const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon < 0) return undefined;
		// The parts are form-encoded inside Basic (RFC 6749 §2.3.1).
		const decode = (part: string) => {
			try {
				return decodeURIComponent(part.replace(/\+/g, ' '));
			} catch {
				return part;
			}
		};
		return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
	}
	if (typeof form.client_id === 'string' && typeof form.client_secret === 'string')
		return { id: form.client_id, secret: form.client_secret };
	return undefined;
}

export type TokenAnswer = { status: number; body: IDataObject };

/** The token endpoint's answer (RFC 6749 §5.1 and §5.2). */
export function tokenAnswer(
	credential: ScimCredential,
	authorization: unknown,
	form: IDataObject,
	nowSeconds: number,
): TokenAnswer {
	if (!credential.clientId || !credential.clientSecret) {
		return {
			status: 400,
			body: {
				error: 'unauthorized_client',
				error_description: 'This SCIM endpoint has no client credentials set up',
			},
		};
	}
	if (form.grant_type !== 'client_credentials')
		return { status: 400, body: { error: 'unsupported_grant_type' } };
	const client = clientOf(authorization, form);
	// Both compared, always: which of the two was wrong must not show.
	const idOk = client ? sameSecret(client.id, credential.clientId) : false;
	const secretOk = client ? sameSecret(client.secret, credential.clientSecret) : false;
	if (!idOk || !secretOk) return { status: 401, body: { error: 'invalid_client' } };
	return {
		status: 200,
		body: {
			access_token: issueToken(credential, nowSeconds),
			token_type: 'Bearer',
			expires_in: TOKEN_LIFETIME_SECONDS,
		},
	};
}
