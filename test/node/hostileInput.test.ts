import type { IDataObject } from 'n8n-workflow';

import { catalogOp } from '../../nodes/AlibabaIdaas/catalog';
import { responseItem } from '../../nodes/AlibabaIdaas/output/items';
import { simplify } from '../../nodes/AlibabaIdaas/output/simplify';
import type { ItemRequest } from '../../nodes/AlibabaIdaas/request/read';
import { normalizeValue } from '../../nodes/AlibabaIdaas/request/build';

/**
 * Odd values the API or a user may hand the node: each must give a clear result, never a crash
 * and never a check quietly skipped.
 */

describe('times beyond what a JavaScript Date holds', () => {
	// Java's Long.MAX_VALUE, a common "never"; as JSON number and as digits.
	const NEVER = Number('9223372036854775807');

	test.each([NEVER, '9223372036854775807', 9.22e18])(
		'simplify passes %p through as sent',
		(value) => {
			const user = simplify('user', {
				userId: 'user_1',
				createTime: value,
				updateTime: 1764590400000,
			});
			expect(user).toEqual({
				userId: 'user_1',
				createTime: value,
				updateTime: '2025-12-01T12:00:00.000Z',
			});
			expect(
				simplify('group', { groupId: 'group_1', groupName: 'G', updateTime: value }),
			).toMatchObject({ updateTime: value });
		},
	);
});

describe('operations that return secrets output an allowlist of fields', () => {
	const PLANTED = 'planted-value-0123456789';
	const output = (apiName: string, body: IDataObject, includeSecrets = false) =>
		responseItem(
			{
				op: catalogOp(apiName),
				values: {},
				simplify: true,
				includeSecrets,
			} as unknown as ItemRequest,
			body,
		);
	const leaks = (item: unknown) => JSON.stringify(item).includes(PLANTED);

	test('a secret under a list, in a JSON text, in another letter case or in a new credential type is withheld', () => {
		const item = output('ObtainCredential', {
			credentialIdentifier: 'llm-key',
			credentialType: 'future_type',
			status: 'enabled',
			credentialContent: {
				apiKeyContent: { apiKey: PLANTED, ApiKey: PLANTED },
				apiKeyContents: [{ apiKey: PLANTED }],
				certificateContent: { privateKey: PLANTED },
				oauthClientContent: {
					clientId: 'client-1',
					clientSecret: PLANTED,
					extra: JSON.stringify({ clientSecret: PLANTED }),
				},
			},
			// A field IDaaS may add at the top, holding a secret in JSON text.
			rawContent: JSON.stringify({ apiKey: PLANTED }),
		});
		expect(leaks(item)).toBe(false);
		expect(item).toEqual({
			credentialIdentifier: 'llm-key',
			credentialType: 'future_type',
			status: 'enabled',
			credentialContent: {
				apiKeyContent: { apiKey: '[redacted]', ApiKey: '[redacted]' },
				apiKeyContents: [{ apiKey: '[redacted]' }],
				certificateContent: { privateKey: '[redacted]' },
				oauthClientContent: {
					clientId: 'client-1',
					clientSecret: '[redacted]',
					extra: '[redacted]',
				},
			},
			rawContent: '[redacted]',
		});
		expect(
			output(
				'ObtainCredential',
				{ credentialContent: { apiKeyContent: { apiKey: PLANTED } } },
				true,
			),
		).toEqual({ credentialContent: { apiKeyContent: { apiKey: PLANTED } } });
	});

	test('a known-safe field holding JSON text is withheld too', () => {
		expect(
			output('ObtainCredential', { description: JSON.stringify({ apiKey: PLANTED }) }),
		).toEqual({ description: '[redacted]' });
	});

	test('STS keys of a vendor added later, and in another letter case, are withheld; key IDs and expiry stay', () => {
		const item = output('ObtainCloudAccountRoleAccessCredential', {
			cloudAccountRoleName: 'ops',
			cloudAccountRoleAccessCredential: {
				accessCredentialExpiresAt: 1764590400,
				alibabaCloudStsToken: {
					accessKeyId: 'STS.abc',
					AccessKeySecret: PLANTED,
					expiration: '2025-12-01T12:00:00Z',
				},
				googleCloudStsToken: { accessToken: PLANTED },
			},
		});
		expect(leaks(item)).toBe(false);
		expect(item).toMatchObject({
			cloudAccountRoleName: 'ops',
			cloudAccountRoleAccessCredential: {
				accessCredentialExpiresAt: 1764590400,
				alibabaCloudStsToken: { accessKeyId: 'STS.abc', expiration: '2025-12-01T12:00:00Z' },
			},
		});
	});

	test('Generate Device Code withholds the device code and shows what the user is to be told', () => {
		const item = output('GenerateDeviceCode', {
			device_code: PLANTED,
			user_code: 'ABCD-EFGH',
			verification_uri: 'https://example.com/device',
			expires_in: 1200,
			interval: 5,
		});
		expect(item).toEqual({
			device_code: '[redacted]',
			user_code: 'ABCD-EFGH',
			verification_uri: 'https://example.com/device',
			expires_in: 1200,
			interval: 5,
		});
		expect(output('GenerateDeviceCode', { device_code: PLANTED }, true)).toEqual({
			device_code: PLANTED,
		});
	});

	test('issued tokens: only type, lifetime and scope are shown', () => {
		const item = output('GenerateToken', {
			token_type: 'Bearer',
			access_token: PLANTED,
			Refresh_Token: PLANTED,
			expires_in: 7200,
			scope: 'openid',
			session: [PLANTED],
		});
		expect(item).toEqual({
			token_type: 'Bearer',
			access_token: '[redacted]',
			Refresh_Token: '[redacted]',
			expires_in: 7200,
			scope: 'openid',
			session: ['[redacted]'],
		});
	});
});

describe('input the node must refuse, naming the field', () => {
	const param = (apiName: string, name: string) =>
		catalogOp(apiName).params.find((p) => p.name === name)!;
	const duration = param('ObtainCloudAccountRoleAccessCredential', 'durationSeconds');
	const expiration = param('GenerateJwtAuthenticationToken', 'expiration');

	test.each([['0x384'], [' 1e3 '], ['1e3'], ['0b1110000100'], ['900.0'], ['']])(
		'an integer given as %p is refused',
		(value) => {
			expect(() => normalizeValue(duration, value)).toThrow(
				/Duration \(Seconds\) \(durationSeconds\) must be a whole number/,
			);
		},
	);

	test.each([[1e21], [2 ** 53], ['9007199254740993']])(
		'an integer beyond the exact range (%p) is refused',
		(value) => {
			expect(() => normalizeValue(expiration, value)).toThrow(
				/Expiration \(Seconds\) \(expiration\) must be a whole number/,
			);
		},
	);

	test('decimal digits, also with spaces around and from a number, are read', () => {
		expect(normalizeValue(duration, ' 900 ')).toBe(900);
		expect(normalizeValue(duration, 3600)).toBe(3600);
	});

	test.each([
		['urn:cloud:idaas'],
		['urn:cloud:idaas:pam'],
		['URN:Cloud:IDaaS:x'],
		[['https://api.example.com', 'urn:cloud:idaas:pam']],
	])('the audience %p is refused', (value) => {
		expect(() =>
			normalizeValue(param('GenerateJwtAuthenticationToken', 'audiences'), value),
		).toThrow(
			/Audiences \(audiences\) "[^"]*" is not allowed: values starting with urn:cloud:idaas are reserved/,
		);
	});

	test('other audiences pass', () => {
		expect(
			normalizeValue(
				param('GenerateJwtAuthenticationToken', 'audiences'),
				'https://api.example.com, urn:example:cloud:idaas',
			),
		).toEqual(['https://api.example.com', 'urn:example:cloud:idaas']);
	});
});
