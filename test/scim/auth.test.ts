import {
	authorized,
	bearerOf,
	clientOf,
	credentialProblem,
	issueToken,
	sameSecret,
	TOKEN_LIFETIME_SECONDS,
	tokenAnswer,
} from '../../nodes/AlibabaIdaasScimTrigger/scim/auth';

/** Bearer tokens, the client-credentials token endpoint, and the credential's Test button. */

const NOW = 1_796_000_000;
const credential = {
	bearerToken: 'b'.repeat(40),
	clientId: 'idaas-client',
	clientSecret: 's'.repeat(40),
};
const basic = (id: string, secret: string) =>
	`Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

it('accepts the bearer token, with the scheme in any case, and nothing else', () => {
	expect(authorized(credential, `Bearer ${credential.bearerToken}`, NOW)).toBe(true);
	expect(authorized(credential, `bearer ${credential.bearerToken}`, NOW)).toBe(true);
	expect(authorized(credential, `Bearer ${credential.bearerToken}x`, NOW)).toBe(false);
	expect(authorized(credential, `Bearer ${credential.bearerToken.slice(1)}`, NOW)).toBe(false);
	expect(authorized(credential, credential.bearerToken, NOW)).toBe(false);
	expect(authorized(credential, `Basic ${credential.bearerToken}`, NOW)).toBe(false);
	expect(authorized(credential, undefined, NOW)).toBe(false);
	expect(authorized({ ...credential, bearerToken: '' }, 'Bearer ', NOW)).toBe(false);
	expect(bearerOf(['Bearer abc'])).toBe('abc');
});

it('compares in constant time: equal-length digests, never the raw strings', () => {
	expect(sameSecret('same', 'same')).toBe(true);
	expect(sameSecret('same', 'Same')).toBe(false);
	expect(sameSecret('', '')).toBe(false); // an empty expected secret matches nothing
	expect(sameSecret('short', 'a much longer secret value')).toBe(false);
});

it('the token endpoint issues a token for the client ID and secret, by Basic or form, that works until it expires', () => {
	const answer = tokenAnswer(
		credential,
		basic('idaas-client', credential.clientSecret),
		{ grant_type: 'client_credentials' },
		NOW,
	);
	expect(answer.status).toBe(200);
	expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS });
	const token = String(answer.body.access_token);
	expect(authorized(credential, `Bearer ${token}`, NOW + TOKEN_LIFETIME_SECONDS - 1)).toBe(true);
	expect(authorized(credential, `Bearer ${token}`, NOW + TOKEN_LIFETIME_SECONDS)).toBe(false);
	const form = tokenAnswer(
		credential,
		undefined,
		{
			grant_type: 'client_credentials',
			client_id: 'idaas-client',
			client_secret: credential.clientSecret,
		},
		NOW,
	);
	expect(form.status).toBe(200);
	// Signed with the secret: another secret (a rotated credential) refuses it, and so does a tampered expiry.
	expect(authorized({ ...credential, clientSecret: 't'.repeat(40) }, `Bearer ${token}`, NOW)).toBe(
		false,
	);
	const [prefix, expires, signature] = token.split('.');
	expect(
		authorized(credential, `Bearer ${prefix}.${Number(expires) + 1000}.${signature}`, NOW),
	).toBe(false);
	expect(issueToken(credential, NOW)).toBe(token);
});

it('the token endpoint refuses wrong clients, other grants, and a credential without client credentials', () => {
	expect(
		tokenAnswer(
			credential,
			basic('idaas-client', 'wrong'),
			{ grant_type: 'client_credentials' },
			NOW,
		),
	).toEqual({ status: 401, body: { error: 'invalid_client' } });
	expect(
		tokenAnswer(
			credential,
			basic('other', credential.clientSecret),
			{ grant_type: 'client_credentials' },
			NOW,
		).status,
	).toBe(401);
	expect(tokenAnswer(credential, undefined, { grant_type: 'client_credentials' }, NOW).status).toBe(
		401,
	);
	expect(
		tokenAnswer(
			credential,
			basic('idaas-client', credential.clientSecret),
			{ grant_type: 'password' },
			NOW,
		),
	).toEqual({ status: 400, body: { error: 'unsupported_grant_type' } });
	expect(
		tokenAnswer(
			{ ...credential, clientId: '', clientSecret: '' },
			basic('a', 'b'),
			{ grant_type: 'client_credentials' },
			NOW,
		).body.error,
	).toBe('unauthorized_client');
	// A bearer-only credential accepts no issued-looking token.
	expect(
		authorized(
			{ ...credential, clientId: '', clientSecret: '' },
			`Bearer ${issueToken(credential, NOW)}`,
			NOW,
		),
	).toBe(false);
});

it('reads Basic credentials form-encoded (RFC 6749 §2.3.1)', () => {
	expect(clientOf(basic('my%20client', 'p%3Ass'), {})).toEqual({ id: 'my client', secret: 'p:ss' });
	expect(clientOf('Basic bm9jb2xvbg==', {})).toBeUndefined();
});

it('the Test button: a credential must be complete and its secrets long enough', () => {
	expect(credentialProblem(credential)).toBeUndefined();
	expect(credentialProblem({ bearerToken: '', clientId: '', clientSecret: '' })).toBe(
		'Set a bearer token, or a client ID and client secret',
	);
	expect(credentialProblem({ ...credential, clientSecret: '' })).toBe(
		'Set both the client ID and the client secret, or neither',
	);
	expect(credentialProblem({ ...credential, bearerToken: 'short' })).toBe(
		'The bearer token is shorter than 32 characters',
	);
	expect(credentialProblem({ ...credential, bearerToken: '', clientSecret: 'short' })).toBe(
		'The client secret is shorter than 32 characters',
	);
});
