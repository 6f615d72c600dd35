import type { OperationSpec } from '../../nodes/AlibabaIdaas/catalog';
import { findOperation } from '../../nodes/AlibabaIdaas/catalog';
import { buildRequest, prepareRequest } from '../../nodes/AlibabaIdaas/request/build';

/** Where each checked value goes: path segment, query, JSON body or form body; and the bearer header. */

const connection = {
	baseUrl: 'https://eiam.example',
	instanceId: 'idaas_1',
	applicationId: 'app_1',
};
const op = (apiName: string) => findOperation(apiName)!;

describe('prepareRequest', () => {
	test('a form operation sends every non-path value as a string in an urlencoded form, never in the URL', () => {
		const prepared = prepareRequest(
			op('GenerateTokenByAuthorizationServer'),
			{
				authorizationServerId: 'iauths_system',
				grant_type: 'client_credentials',
				client_id: 'cid',
				client_secret: 'sec',
				scope: 'a b',
			},
			connection,
		);
		expect(prepared.http).toEqual({
			method: 'POST',
			url: 'https://eiam.example/v2/idaas_1/authorizationServer/iauths_system/oauth2/token',
			qs: {},
			form: {
				grant_type: 'client_credentials',
				client_id: 'cid',
				client_secret: 'sec',
				scope: 'a b',
			},
		});
		expect(prepared.http.body).toBeUndefined();
	});

	test('the values as sent come back with the request, normalized and without blanks', () => {
		const prepared = prepareRequest(
			op('ListUsers'),
			{ pageSize: '5', pageNumber: '', organizationalUnitId: ' ou_1 ' },
			connection,
		);
		expect(prepared.op.apiName).toBe('ListUsers');
		expect(prepared.values).toEqual({ pageSize: 5, organizationalUnitId: 'ou_1' });
		expect(prepared.http).toEqual({
			method: 'GET',
			url: 'https://eiam.example/v2/idaas_1/app_1/users',
			qs: { pageSize: 5, organizationalUnitId: 'ou_1' },
			body: undefined,
		});
	});

	test('a token given in the node goes in the Authorization header, and only then', () => {
		expect(prepareRequest(op('GetUserInfo'), {}, connection, 'user-token').http).toEqual({
			method: 'GET',
			url: 'https://eiam.example/v2/idaas_1/app_1/oauth2/userinfo',
			qs: {},
			body: undefined,
			headers: { Authorization: 'Bearer user-token' },
		});
		expect(prepareRequest(op('GetUserInfo'), {}, connection).http.headers).toBeUndefined();
		expect('headers' in buildRequest(op('GetUser'), { userId: 'user_1' }, connection)).toBe(false);
	});
});

describe('paths', () => {
	test('every path segment is escaped, the instance and application from the credential included', () => {
		const odd = { ...connection, instanceId: 'idaas 1/x', applicationId: 'app?1' };
		expect(buildRequest(op('GetUser'), { userId: 'user_1' }, odd).url).toBe(
			'https://eiam.example/v2/idaas%201%2Fx/app%3F1/users/user_1',
		);
	});

	test('a catalog entry whose path names a value no parameter gives fails loudly, naming both', () => {
		const broken: OperationSpec = {
			...op('GetUser'),
			apiName: 'Broken',
			path: '/v2/{instanceId}/things/{thingId}',
		};
		expect(() => buildRequest(broken, { userId: 'user_1' }, connection)).toThrow(
			'Catalog error: Broken has no value for {thingId}',
		);
	});

	test('a path value given for a parameter not in the path is not sent anywhere else', () => {
		const request = buildRequest(op('GetUser'), { userId: 'user_1' }, connection);
		expect(request).toEqual({
			method: 'GET',
			url: 'https://eiam.example/v2/idaas_1/app_1/users/user_1',
			qs: {},
			body: undefined,
		});
	});
});

describe('bodies', () => {
	test('an operation with body fields sends a JSON object even when none was given', () => {
		const bodyOp: OperationSpec = {
			...op('CreateGroup'),
			apiName: 'Touch',
			params: [{ name: 'note', in: 'body', valueType: 'string', description: 'test field' }],
		};
		expect(buildRequest(bodyOp, {}, connection).body).toEqual({});
		expect(buildRequest(bodyOp, { note: 'n' }, connection).body).toEqual({ note: 'n' });
	});

	test('query and body values of one operation each go to their place', () => {
		const mixed: OperationSpec = {
			...op('CreateGroup'),
			apiName: 'Mixed',
			params: [
				{ name: 'dryRun', in: 'query', valueType: 'boolean', description: 'test field' },
				{ name: 'note', in: 'body', valueType: 'string', description: 'test field' },
			],
		};
		const request = buildRequest(mixed, { dryRun: true, note: 'n' }, connection);
		expect(request.qs).toEqual({ dryRun: true });
		expect(request.body).toEqual({ note: 'n' });
		expect(request.form).toBeUndefined();
	});

	test('a form operation given no values still sends an empty form', () => {
		const formOp: OperationSpec = {
			...op('GenerateToken'),
			apiName: 'FormOnly',
			params: [{ name: 'scope', in: 'query', valueType: 'string', description: 'test field' }],
		};
		expect(buildRequest(formOp, {}, connection)).toEqual({
			method: 'POST',
			url: 'https://eiam.example/v2/idaas_1/app_1/oauth2/token',
			qs: {},
			body: undefined,
			form: {},
		});
		expect(buildRequest(formOp, { scope: 7 }, connection).form).toEqual({ scope: '7' });
	});
});
