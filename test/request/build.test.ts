import { findOperation } from '../../nodes/AlibabaIdaas/catalog';
import {
	CredentialConfigError,
	resolveBaseUrl,
	resolveConnection,
} from '../../nodes/AlibabaIdaas/transport/client';
import { ParameterError, buildRequest } from '../../nodes/AlibabaIdaas/request/build';

const connection = {
	baseUrl: 'https://eiam-developerapi.cn-hangzhou.aliyuncs.com',
	instanceId: 'idaas_abc123',
	applicationId: 'app_def456',
};
const op = (action: string) => findOperation(action)!;

function parameterError(run: () => unknown): ParameterError {
	try {
		run();
	} catch (error) {
		if (error instanceof ParameterError) return error;
		throw error;
	}
	throw new Error('expected a ParameterError');
}

describe('buildRequest', () => {
	it('fills the path, escapes nothing it does not need to, and puts fields where the catalog says', () => {
		const request = buildRequest(
			op('CreateUser'),
			{
				username: 'jane.doe',
				primaryOrganizationalUnitId: 'ou_sales',
				email: 'jane@example.com',
				emailVerified: true,
				displayName: '  Jane ',
			},
			connection,
		);
		expect(request).toEqual({
			method: 'POST',
			url: 'https://eiam-developerapi.cn-hangzhou.aliyuncs.com/v2/idaas_abc123/app_def456/users',
			qs: {},
			body: {
				username: 'jane.doe',
				primaryOrganizationalUnitId: 'ou_sales',
				displayName: 'Jane',
				email: 'jane@example.com',
				emailVerified: true,
			},
		});
	});

	it('sends query parameters for lists and no body', () => {
		const request = buildRequest(
			op('ListUsers'),
			{ organizationalUnitId: 'ou_x', pageNumber: '2', pageSize: 100 },
			connection,
		);
		expect(request.url).toMatch(/\/users$/);
		expect(request.qs).toEqual({ organizationalUnitId: 'ou_x', pageNumber: 2, pageSize: 100 });
		expect(request.body).toBeUndefined();
	});

	it('drops blank optional fields so a PATCH changes only what was given', () => {
		const request = buildRequest(
			op('PatchUser'),
			{ userId: 'user_1', displayName: 'New', email: '', phoneNumber: undefined },
			connection,
		);
		expect(request.method).toBe('PATCH');
		expect(request.url).toMatch(/\/users\/user_1$/);
		expect(request.body).toEqual({ displayName: 'New' });
	});

	it('splits comma-separated ID lists and removes duplicates', () => {
		const request = buildRequest(
			op('AddUsersToGroup'),
			{ groupId: 'group_1', userIds: 'user_a, user_b,,user_a' },
			connection,
		);
		expect(request.body).toEqual({ userIds: ['user_a', 'user_b'] });
	});

	it.each([
		[
			'a missing required field',
			'CreateUser',
			{ primaryOrganizationalUnitId: 'ou_1' },
			'Username (username) is required',
		],
		[
			'a conditional field',
			'CreateUser',
			{ username: 'a', primaryOrganizationalUnitId: 'ou_1', email: 'a@b.co' },
			'Email Verified (emailVerified) is required when email is set',
		],
		[
			'a malformed email',
			'GetUserIdByEmail',
			{ email: 'not-an-email' },
			'is not valid: use a valid email address',
		],
		['a malformed phone', 'GetUserIdByPhoneNumber', { phoneNumber: '+86 123' }, '6 to 15 digits'],
		[
			'an ID of the wrong kind',
			'GetUser',
			{ userId: 'ou_123' },
			'must be a user ID starting with user_, got an organizational unit ID',
		],
		['a path traversal attempt', 'GetUser', { userId: 'user_../../x' }, 'is not a valid user ID'],
		['a query-string injection', 'GetGroup', { groupId: 'group_1?x=1' }, 'is not a valid group ID'],
		[
			'a slash in a path value of no ID kind',
			'GenerateTokenByAuthorizationServer',
			{ authorizationServerId: 'iauths_a/../b', grant_type: 'client_credentials' },
			'is not a valid ID: use letters, digits, _ and - only',
		],
		[
			'an empty list',
			'AddUsersToGroup',
			{ groupId: 'group_1', userIds: ' , ' },
			'Users (userIds) is empty: give at least one',
		],
		['a value out of range', 'ListUsers', { pageSize: 500 }, 'between 1 and 100'],
		[
			'a bad enum value',
			'GetUserIdByUserExternalId',
			{ userExternalId: 'x', userSourceType: 'okta', userSourceId: 'y' },
			'must be one of build_in, ding_talk, ad, ldap',
		],
		['a too-long name', 'CreateGroup', { groupName: 'x'.repeat(65) }, 'too long: at most 64'],
		['an object where text belongs', 'CreateGroup', { groupName: { a: 1 } }, 'must be text'],
	])('rejects %s before any request', (_, action, values, message) => {
		expect(parameterError(() => buildRequest(op(action), values, connection)).message).toContain(
			message,
		);
	});

	it('never echoes a sensitive value in its error', () => {
		expect(
			parameterError(() => buildRequest(op('UpdateUserPassword'), { userId: 'user_1' }, connection))
				.message,
		).toBe('Password (password) is required');
		const error = parameterError(() =>
			buildRequest(
				op('UpdateUserPassword'),
				{ userId: 'user_1', password: ['Sup3r-S3cret!'] },
				connection,
			),
		);
		expect(error.message).toBe('Password (password) must be text, got object');
	});
});

describe('endpoint', () => {
	it('maps a region to its https endpoint', () => {
		expect(resolveBaseUrl('eiam-developerapi.eu-central-1.aliyuncs.com', '')).toBe(
			'https://eiam-developerapi.eu-central-1.aliyuncs.com',
		);
	});

	it.each([
		['https://idaas.example.com/', 'https://idaas.example.com'],
		['idaas.example.com', 'https://idaas.example.com'],
		['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
		['http://localhost:9000/', 'http://localhost:9000'],
	])('accepts the custom endpoint %s', (input, expected) => {
		expect(resolveBaseUrl('custom', input)).toBe(expected);
	});

	it.each([
		['http://idaas.example.com', 'must use https://'],
		['http://10.0.0.5', 'must use https://'],
		['https://user:pw@idaas.example.com', 'plain URL'],
		['', 'is empty'],
	])('refuses the custom endpoint %s', (input, message) => {
		expect(() => resolveBaseUrl('custom', input)).toThrow(message);
	});

	it('refuses IDs that could escape their path segment', () => {
		const base = { region: 'custom', customEndpoint: 'http://127.0.0.1:1' };
		expect(() =>
			resolveConnection({ ...base, instanceId: 'idaas_x/../y', applicationId: 'app_1' }),
		).toThrow(CredentialConfigError);
		expect(() =>
			resolveConnection({ ...base, instanceId: 'idaas_x', applicationId: 'ou_1' }),
		).toThrow('application ID must look like app_');
		expect(resolveConnection({ ...base, instanceId: ' idaas_x ', applicationId: 'app_1' })).toEqual(
			{
				baseUrl: 'http://127.0.0.1:1',
				instanceId: 'idaas_x',
				applicationId: 'app_1',
			},
		);
	});
});
