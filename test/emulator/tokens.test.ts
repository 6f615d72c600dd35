import { DEMO, send, useHarness } from './helpers';

const h = useHarness();

const tokenUrl = () => h.url('GenerateToken');

async function works(accessToken: string) {
	const r = await h.call('ListUsers', { token: accessToken, query: { pageSize: 1 } });
	expect(r.status).toBe(200);
}

describe('GenerateToken', () => {
	test('parameters in the query string (the SDK)', async () => {
		const r = await h.call('GenerateToken', {
			token: null,
			query: {
				grant_type: 'client_credentials',
				client_id: h.app.clientId,
				client_secret: h.app.clientSecret,
			},
		});
		expect(r.status).toBe(200);
		expect(r.body).not.toHaveProperty('refresh_token');
		await works(r.body.access_token);
		expect(h.emu.stats.tokensIssued).toBe(1);
		expect(h.emu.store.tokens.has(r.body.access_token)).toBe(true);
	});

	test('form body (the docs)', async () => {
		const body = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: h.app.clientId,
			client_secret: h.app.clientSecret,
		});
		const r = await send(tokenUrl(), {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: body.toString(),
		});
		expect(r.status).toBe(200);
		await works(r.body.access_token);
	});

	test('client_secret_basic', async () => {
		const basic = Buffer.from(`${h.app.clientId}:${h.app.clientSecret}`).toString('base64');
		const r = await send(`${tokenUrl()}?grant_type=client_credentials`, {
			method: 'POST',
			headers: { authorization: `Basic ${basic}` },
		});
		expect(r.status).toBe(200);
		await works(r.body.access_token);
	});

	test('a wrong secret: 400 invalid_client, OAuth-style body', async () => {
		const r = await h.call('GenerateToken', {
			token: null,
			query: {
				grant_type: 'client_credentials',
				client_id: h.app.clientId,
				client_secret: 'wrong',
			},
		});
		expect(r.status).toBe(400);
		expect(r.body).toMatchObject({
			error: 'invalid_client',
			code: 'invalid_client',
			error_description: 'Client authentication failed',
		});
		expect(r.body.request_id).toBe(r.headers.get('x-acs-request-id'));
		expect(h.emu.stats.generateTokenCalls).toBe(1);
		expect(h.emu.stats.tokensIssued).toBe(0);
	});

	test('unsupported grant, missing grant, API access off, unknown application', async () => {
		const q = { client_id: h.app.clientId, client_secret: h.app.clientSecret };
		const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
		expect(
			(await h.call('GenerateToken', { token: null, query: { ...q, grant_type: jwtBearer } })).body,
		).toMatchObject({
			error: 'invalid_grant',
			error_description: `Invalid or not supported grant_type: ${jwtBearer}`,
		});
		expect((await h.call('GenerateToken', { token: null, query: q })).body.error).toBe(
			'invalid_request',
		);
		h.emu.apps.update(h.app.applicationId, { apiEnabled: false });
		expect(
			(
				await h.call('GenerateToken', {
					token: null,
					query: { ...q, grant_type: 'client_credentials' },
				})
			).body.error,
		).toBe('invalid_grant');
		const unknown = await h.call('GenerateToken', {
			token: null,
			applicationId: 'app_nope',
			query: { ...q, grant_type: 'client_credentials' },
		});
		expect(unknown).toMatchObject({ status: 404, body: { error: 'application_not_found' } });
	});
});

describe('RevokeToken', () => {
	const client = () => ({ client_id: h.app.clientId, client_secret: h.app.clientSecret });
	const revoke = (query: Record<string, string>) => h.call('RevokeToken', { token: null, query });

	test('answers {} for unknown tokens and requires the token parameter', async () => {
		expect(await revoke({ ...client(), token: 'ATunknown' })).toMatchObject({
			status: 200,
			body: {},
		});
		expect(await revoke(client())).toMatchObject({
			status: 400,
			body: { error: 'invalid_request' },
		});
	});

	test('authenticates the client as GenerateToken does: a wrong or missing secret revokes nothing', async () => {
		const token = h.emu.issueAppToken();
		expect(await revoke({ ...client(), client_secret: 'wrong', token })).toMatchObject({
			status: 400,
			body: { error: 'invalid_client', error_description: 'Client authentication failed' },
		});
		expect(await revoke({ client_id: h.app.clientId, token })).toMatchObject({
			status: 400,
			body: { error: 'invalid_client' },
		});
		expect(await revoke({ ...client(), client_id: 'app_other', token })).toMatchObject({
			status: 400,
			body: { error: 'invalid_client', error_description: 'Invalid client id' },
		});
		await works(token);
		expect(await revoke({ ...client(), token })).toMatchObject({ status: 200, body: {} });
		expect((await h.call('ListUsers', { token })).body.code).toBe('invalid_token');
	});

	test('client_secret_basic; another application’s token is left alone', async () => {
		const other = h.emu.apps.create({ scopes: ['urn:alibaba:idaas:scope:user:read_all'] });
		const foreign = h.emu.issueAppToken(other.applicationId);
		const basic = Buffer.from(`${h.app.clientId}:${h.app.clientSecret}`).toString('base64');
		const r = await send(`${h.url('RevokeToken')}?token=${foreign}`, {
			method: 'POST',
			headers: { authorization: `Basic ${basic}` },
		});
		expect(r).toMatchObject({ status: 200, body: {} });
		expect(h.emu.store.liveToken(foreign)).toBeDefined();
	});
});

test('GenerateDeviceCode refuses when the device flow is off', async () => {
	h.emu.apps.update(h.app.applicationId, { deviceFlowEnabled: false });
	const r = await h.call('GenerateDeviceCode', { token: null });
	expect(r).toMatchObject({
		status: 400,
		body: {
			error: 'invalid_request',
			error_description: 'Application is not turn device grant flow on',
		},
	});
});

describe('GetUserInfo', () => {
	test('claims follow the token scopes', async () => {
		const r = await h.call('GetUserInfo', {
			token: h.emu.issueUserToken(DEMO.bob, { scopes: ['openid'] }),
		});
		expect(r).toMatchObject({ status: 200, body: { sub: DEMO.bob } });
		expect(r.body).not.toHaveProperty('email');
	});

	test('an application token is not a user token', async () => {
		const r = await h.call('GetUserInfo', { token: h.emu.issueAppToken() });
		expect(r).toMatchObject({
			status: 400,
			body: { error: 'invalid_token', error_description: 'Invalid token' },
		});
	});
});

describe('ObtainCloudAccountRoleAccessCredential', () => {
	const role = { cloudAccountRoleExternalId: 'arn:aws:iam::123456789012:role/demo-admin' };

	test('AWS roles get an awsStsToken, capped at the role maximum', async () => {
		const r = await h.call('ObtainCloudAccountRoleAccessCredential', {
			token: h.emu.issuePamToken(),
			query: { ...role, durationSeconds: 43200 },
		});
		expect(r.status).toBe(200);
		const credential = r.body.cloudAccountRoleAccessCredential;
		expect(Object.keys(credential.awsStsToken).sort()).toEqual([
			'accessKeyId',
			'expiration',
			'secretAccessKey',
			'sessionToken',
		]);
		expect(credential.accessCredentialExpiresAt - Date.now() / 1000).toBeLessThan(3601);
	});

	test('needs the PAM scope, a live token, a known role and a valid duration', async () => {
		// The demo application is granted the PAM scopes; this one only the directory's.
		const plain = h.emu.apps.create({ scopes: ['urn:alibaba:idaas:scope:user:read_all'] });
		expect(
			(
				await h.call('ObtainCloudAccountRoleAccessCredential', {
					token: h.emu.issueAppToken(plain.applicationId),
					query: role,
				})
			).body,
		).toMatchObject({
			code: 'permission_denied',
			message: 'Require scopes: [urn:cloud:idaas:pam|cloud_account_role:obtain_access_credential]',
		});
		expect(
			(await h.call('ObtainCloudAccountRoleAccessCredential', { token: 'ATnope', query: role }))
				.body.code,
		).toBe('invalid_token');
		const pam = h.emu.issuePamToken();
		expect(
			(
				await h.call('ObtainCloudAccountRoleAccessCredential', {
					token: pam,
					query: { cloudAccountRoleExternalId: 'acs:ram::1:role/none' },
				})
			).status,
		).toBe(404);
		expect(
			(
				await h.call('ObtainCloudAccountRoleAccessCredential', {
					token: pam,
					query: { ...role, durationSeconds: 60 },
				})
			).body.code,
		).toBe('InvalidParameter.DurationSeconds');
		expect((await h.call('ObtainCloudAccountRoleAccessCredential', { token: pam })).body.code).toBe(
			'MissingParameter.CloudAccountRoleExternalId',
		);
	});
});
