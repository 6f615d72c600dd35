import { createHash, createHmac } from 'crypto';

import { DEFAULT_REDIRECT_URI } from '../../emulator/controlOAuth';
import { DEMO, send, useHarness, type Reply } from './helpers';

/**
 * The end-user grants of GenerateToken, run the way a client without n8n would: device codes,
 * authorization codes (with and without PKCE), refresh tokens and the password grant, each ending
 * in GetUserInfo. The sign-in pages are the emulator's control endpoints.
 */

const h = useHarness();
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';

/** GenerateToken with a form body (the documented way); the client's secret unless `secret: null`. */
function token(
	params: Record<string, string>,
	secret: string | null = h.app.clientSecret,
): Promise<Reply> {
	const form = new URLSearchParams({
		client_id: h.app.clientId,
		...(secret !== null && { client_secret: secret }),
		...params,
	});
	return send(h.url('GenerateToken'), {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: form.toString(),
	});
}

const userInfo = (accessToken: string) => h.call('GetUserInfo', { token: accessToken });

function oauthError(r: Reply, error: string) {
	expect(r).toMatchObject({ status: 400, body: { error, code: error } });
}

describe('device flow', () => {
	async function deviceCode(scope = 'openid profile') {
		const r = await h.call('GenerateDeviceCode', { token: null, query: { scope } });
		expect(r.status).toBe(200);
		return r.body as {
			device_code: string;
			user_code: string;
			expires_in: number;
			interval: number;
		};
	}

	test('authorization_pending until approved, then tokens once; GetUserInfo sees the user', async () => {
		const device = await deviceCode();
		expect(device).toMatchObject({
			user_code: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
			expires_in: 1200,
			interval: 5,
		});
		oauthError(
			await token({ grant_type: DEVICE, device_code: device.device_code }),
			'authorization_pending',
		);
		oauthError(
			await token({ grant_type: DEVICE, device_code: device.device_code }),
			'authorization_pending',
		);
		const approved = await h.control('POST', 'oauth/device/approve', {
			user_code: device.user_code.toLowerCase(),
			userId: DEMO.bob,
		});
		expect(approved.body).toEqual({
			user_code: device.user_code,
			status: 'approved',
			userId: DEMO.bob,
		});
		const r = await token({ grant_type: DEVICE, device_code: device.device_code });
		expect(r).toMatchObject({
			status: 200,
			body: {
				token_type: 'Bearer',
				access_token: expect.stringMatching(/^AT/),
				refresh_token: expect.stringMatching(/^RT/),
				expires_in: 1200,
			},
		});
		expect(r.body.id_token.split('.')).toHaveLength(3);
		const info = await userInfo(r.body.access_token);
		expect(info).toMatchObject({
			status: 200,
			body: { sub: DEMO.bob, preferred_username: 'bob.smith' },
		});
		// Scopes follow the device request: no email claim without the email scope.
		expect(info.body).not.toHaveProperty('email');
		oauthError(
			await token({ grant_type: DEVICE, device_code: device.device_code }),
			'invalid_grant',
		);
	});

	test('expired_token once the device code expires; a denied request answers access_denied', async () => {
		const device = await deviceCode();
		expect(
			(await h.control('POST', 'oauth/device/expire', { user_code: device.user_code })).body,
		).toEqual({ expired: 1 });
		oauthError(
			await token({ grant_type: DEVICE, device_code: device.device_code }),
			'expired_token',
		);
		expect(
			await h.control('POST', 'oauth/device/approve', { user_code: device.user_code }),
		).toMatchObject({ status: 404, body: { code: 'DeviceCodeNotFound' } });
		const denied = await deviceCode();
		await h.control('POST', 'oauth/device/deny', { user_code: denied.user_code });
		oauthError(
			await token({ grant_type: DEVICE, device_code: denied.device_code }),
			'access_denied',
		);
	});

	test('a public client polls without a secret; a wrong secret or an unknown code is refused', async () => {
		const device = await deviceCode('openid');
		await h.control('POST', 'oauth/device/approve', { user_code: device.user_code });
		oauthError(
			await token({ grant_type: DEVICE, device_code: device.device_code }, 'wrong'),
			'invalid_client',
		);
		oauthError(
			await token({ grant_type: DEVICE, device_code: 'DCunknown' }, null),
			'invalid_grant',
		);
		oauthError(await token({ grant_type: DEVICE }, null), 'invalid_request');
		const r = await token({ grant_type: DEVICE, device_code: device.device_code }, null);
		expect(r.status).toBe(200);
		// Approved without naming a user: the first demo user signed in.
		expect((await userInfo(r.body.access_token)).body.sub).toBe(DEMO.alice);
	});
});

describe('authorization code', () => {
	test('a code from the control endpoint buys tokens once, for the same redirect_uri', async () => {
		const issued = await h.control('POST', 'oauth/authorize', {
			username: 'daniel.kim',
			scope: 'openid email',
			state: 'xyz',
		});
		expect(issued.body).toMatchObject({
			redirect_uri: DEFAULT_REDIRECT_URI,
			state: 'xyz',
			expires_in: 600,
			userId: DEMO.daniel,
		});
		const { code } = issued.body;
		oauthError(
			await token({ grant_type: 'authorization_code', code, redirect_uri: 'http://elsewhere/cb' }),
			'invalid_grant',
		);
		// A confidential exchange needs the secret.
		oauthError(
			await token(
				{ grant_type: 'authorization_code', code, redirect_uri: DEFAULT_REDIRECT_URI },
				null,
			),
			'invalid_client',
		);
		const r = await token({
			grant_type: 'authorization_code',
			code,
			redirect_uri: DEFAULT_REDIRECT_URI,
		});
		expect(r.status).toBe(200);
		const info = await userInfo(r.body.access_token);
		expect(info.body).toMatchObject({ sub: DEMO.daniel, email: expect.stringContaining('@') });
		expect(info.body).not.toHaveProperty('preferred_username');
		oauthError(
			await token({ grant_type: 'authorization_code', code, redirect_uri: DEFAULT_REDIRECT_URI }),
			'invalid_grant',
		);
	});

	test('PKCE: a public client exchanges with the verifier instead of the secret', async () => {
		const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
		const challenge = createHash('sha256').update(verifier).digest('base64url');
		const issue = async () =>
			(
				await h.control('POST', 'oauth/authorize', {
					userId: DEMO.jack,
					redirect_uri: 'http://localhost:5678/cb',
					code_challenge: challenge,
					code_challenge_method: 'S256',
				})
			).body.code;
		const exchange = (code: string, code_verifier: string) =>
			token(
				{
					grant_type: 'authorization_code',
					code,
					redirect_uri: 'http://localhost:5678/cb',
					code_verifier,
				},
				null,
			);
		oauthError(await exchange(await issue(), 'not-the-verifier'), 'invalid_grant');
		const r = await exchange(await issue(), verifier);
		expect(r.status).toBe(200);
		expect((await userInfo(r.body.access_token)).body.sub).toBe(DEMO.jack);
	});

	test('the ID token is an HS256 JWT for the user, signed with the client secret', async () => {
		const { code } = (await h.control('POST', 'oauth/authorize', { userId: DEMO.bob })).body;
		const r = await token({
			grant_type: 'authorization_code',
			code,
			redirect_uri: DEFAULT_REDIRECT_URI,
		});
		const [head, payload, signature] = r.body.id_token.split('.');
		expect(
			createHmac('sha256', h.app.clientSecret).update(`${head}.${payload}`).digest('base64url'),
		).toBe(signature);
		expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
			sub: DEMO.bob,
			aud: h.app.clientId,
			exp: r.body.expires_at,
		});
	});
});

describe('refresh token', () => {
	async function signIn() {
		const { code } = (await h.control('POST', 'oauth/authorize', { userId: DEMO.bob })).body;
		return (
			await token({ grant_type: 'authorization_code', code, redirect_uri: DEFAULT_REDIRECT_URI })
		).body;
	}

	test('a new access token after the old one expired; revoking the refresh token ends both', async () => {
		const first = await signIn();
		h.emu.faults.expireTokens();
		oauthError(await userInfo(first.access_token), 'invalid_token');
		oauthError(
			await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, 'wrong'),
			'invalid_client',
		);
		const renewed = await token({
			grant_type: 'refresh_token',
			refresh_token: first.refresh_token,
		});
		expect(renewed.body).toMatchObject({
			refresh_token: first.refresh_token,
			access_token: expect.not.stringMatching(first.access_token),
		});
		expect((await userInfo(renewed.body.access_token)).body.sub).toBe(DEMO.bob);
		const revoke = await h.call('RevokeToken', {
			token: null,
			query: {
				token: first.refresh_token,
				token_type_hint: 'refresh_token',
				client_id: h.app.clientId,
				client_secret: h.app.clientSecret,
			},
		});
		expect(revoke).toMatchObject({ status: 200, body: {} });
		oauthError(
			await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token }),
			'invalid_grant',
		);
		oauthError(await userInfo(renewed.body.access_token), 'invalid_token');
	});
});

describe('password grant', () => {
	test('a user with a password signs in; a wrong password, a disabled user or an unknown scope do not', async () => {
		const password = 'Alice-Passw0rd!';
		expect(
			(await h.call('UpdateUserPassword', { path: { userId: DEMO.alice }, body: { password } }))
				.status,
		).toBe(200);
		// Documented without client_secret.
		const r = await token(
			{ grant_type: 'password', username: 'alice.chen', password, scope: 'openid phone' },
			null,
		);
		expect(r.status).toBe(200);
		expect((await userInfo(r.body.access_token)).body).toMatchObject({
			sub: DEMO.alice,
			phone_number: expect.stringMatching(/^\+\d+ \d+$/),
		});
		oauthError(
			await token({ grant_type: 'password', username: 'alice.chen', password: 'nope' }, null),
			'invalid_grant',
		);
		oauthError(
			await token({ grant_type: 'password', username: 'bob.smith', password }, null),
			'invalid_grant',
		);
		oauthError(
			await token(
				{ grant_type: 'password', username: 'alice.chen', password, scope: 'openid admin' },
				null,
			),
			'invalid_scope',
		);
		oauthError(
			await token({ grant_type: 'password', username: 'alice.chen' }, null),
			'invalid_request',
		);
		h.emu.store.setStatus(DEMO.alice, 'disabled');
		oauthError(
			await token({ grant_type: 'password', username: 'alice.chen', password }, null),
			'invalid_grant',
		);
	});
});
