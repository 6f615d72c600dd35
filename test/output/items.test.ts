import type { INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { findOperation } from '../../nodes/AlibabaIdaas/catalog';
import {
	errorJson,
	publicValues,
	recordItem,
	REDACTED,
	responseItem,
	withholdSecrets,
} from '../../nodes/AlibabaIdaas/output/items';
import type { ItemRequest } from '../../nodes/AlibabaIdaas/request/read';

/** What the node emits for one call: echoed inputs without secrets, one-field answers, withheld secret fields. */

const node: INode = {
	id: 'n',
	name: 'IDaaS',
	type: 'alibabaIdaas',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function request(
	apiName: string,
	values: Record<string, unknown>,
	extra: Partial<ItemRequest> = {},
): ItemRequest {
	const op = findOperation(apiName)!;
	return {
		op,
		values,
		http: { method: op.method, url: 'https://x', qs: {} },
		simplify: false,
		includeSecrets: false,
		...extra,
	};
}

describe('publicValues', () => {
	test('echoes the inputs as sent, never sensitive ones or those taken from the credential', () => {
		expect(
			publicValues(request('UpdateUserPassword', { userId: 'user_1', password: 'S3cret!' })),
		).toEqual({ userId: 'user_1' });
		expect(
			publicValues(
				request('RevokeToken', {
					token: 'AT-1',
					client_id: 'cid',
					client_secret: 'sec',
					token_type_hint: 'access_token',
				}),
			),
		).toEqual({
			token_type_hint: 'access_token',
		});
		// Only the operation's own parameters, in the catalog's order.
		expect(publicValues(request('DeleteUser', { userId: 'user_1', stray: 'x' }))).toEqual({
			userId: 'user_1',
		});
		expect(publicValues(request('DeleteUser', {}))).toEqual({});
	});
});

describe('responseItem', () => {
	test('an operation that answers nothing says what was done, with its inputs', () => {
		expect(responseItem(request('DeleteUser', { userId: 'user_1' }), { requestId: 'R' })).toEqual({
			success: true,
			operation: 'delete',
			userId: 'user_1',
		});
		expect(
			responseItem(request('UpdateUserPassword', { userId: 'user_1', password: 'S3cret!' }), {}),
		).toEqual({
			success: true,
			operation: 'updatePassword',
			userId: 'user_1',
		});
	});

	test('an operation answering one field gives that field beside its inputs', () => {
		const item = responseItem(request('CreateUser', { username: 'alice', password: 'S3cret!' }), {
			userId: 'user_9',
			requestId: 'R',
		});
		expect(item).toEqual({ username: 'alice', userId: 'user_9' });
	});

	test('secret fields of the answer are withheld, field kept, unless the user asked for them', () => {
		const body = {
			access_token: 'AT-1',
			refresh_token: 'RT-1',
			token_type: 'Bearer',
			expires_in: 1200,
		};
		const withheld = responseItem(request('GenerateToken', {}), body);
		expect(withheld).toMatchObject({ access_token: REDACTED, refresh_token: REDACTED });
		expect(withheld).not.toHaveProperty('id_token');
		expect(JSON.stringify(withheld)).not.toMatch(/AT-1|RT-1/);
		expect(body.access_token).toBe('AT-1');
		expect(responseItem(request('GenerateToken', {}, { includeSecrets: true }), body)).toEqual(
			body,
		);
		expect(REDACTED).toBe('[redacted]');
	});

	test('nested secret fields are withheld where they are; a path that is not there is left alone', () => {
		const op = request('FetchOAuthAuthenticationToken', {});
		const item = responseItem(op, {
			oauthAccessTokenContent: { accessTokenValue: 'AT-9', expiresAt: 5 },
		});
		expect(item).toMatchObject({ oauthAccessTokenContent: { accessTokenValue: REDACTED } });
		expect(JSON.stringify(item)).not.toContain('AT-9');
		expect(responseItem(op, { other: 1 })).not.toHaveProperty('oauthAccessTokenContent');
	});

	test('a record is simplified only when asked and the operation returns users, OUs or groups', () => {
		const user = { userId: 'user_1', instanceId: 'idaas_1', createTime: 0 };
		expect(
			responseItem(request('GetUser', { userId: 'user_1' }, { simplify: true }), user),
		).toEqual({ userId: 'user_1', createTime: 0 });
		expect(responseItem(request('GetUser', { userId: 'user_1' }), user)).toBe(user);
		expect(recordItem(request('ListUsers', {}, { simplify: true }), user)).toEqual({
			userId: 'user_1',
			createTime: 0,
		});
		expect(recordItem(request('ListUsers', {}), user)).toBe(user);
		const entity = { tokenId: 't', instanceId: 'idaas_1' };
		expect(recordItem(request('ListAuthenticationTokens', {}, { simplify: true }), entity)).toBe(
			entity,
		);
	});
});

describe('withholdSecrets', () => {
	test('keeps only the shown paths (and the request ID); every other value reads [redacted] where it was', () => {
		const body = {
			requestId: 'R',
			a: { b: 'secret', keep: 1 },
			c: 'secret',
			d: [{ x: 'in a list' }],
			e: 'shown',
		};
		const out = withholdSecrets(body, { shown: ['a.keep', 'e'] } as never);
		expect(out).toEqual({
			requestId: 'R',
			a: { b: REDACTED, keep: 1 },
			c: REDACTED,
			d: [{ x: REDACTED }],
			e: 'shown',
		});
		// The answer itself is left as it was.
		expect(body).toEqual({
			requestId: 'R',
			a: { b: 'secret', keep: 1 },
			c: 'secret',
			d: [{ x: 'in a list' }],
			e: 'shown',
		});
	});

	test('a shown field holding JSON text is withheld too; empty values stay empty', () => {
		const body = { a: '{"oauthAccessTokenContent":"AT-1"}', b: ' [1]', c: null, e: 0 };
		expect(withholdSecrets(body, { shown: ['a', 'b', 'c', 'e'] } as never)).toEqual({
			a: REDACTED,
			b: REDACTED,
			c: null,
			e: 0,
		});
	});
});

describe('errorJson', () => {
	test('gives the message, and the IDaaS code and request ID of an API error', () => {
		const error = new NodeApiError(
			node,
			{ code: 'ResourceNotFound.User', requestId: 'REQ-1', message: 'gone' },
			{ message: 'GetUser failed: gone' },
		);
		error.message = 'GetUser failed: gone';
		expect(errorJson(error)).toEqual({
			error: 'GetUser failed: gone',
			code: 'ResourceNotFound.User',
			requestId: 'REQ-1',
		});
		expect(
			errorJson(new NodeApiError(node, { code: 7, requestId: 8 } as never, { message: 'm' })),
		).toEqual({ error: 'm' });
		expect(errorJson(new Error('plain'))).toEqual({ error: 'plain' });
		expect(errorJson('text')).toEqual({ error: 'text' });
		expect(errorJson(undefined)).toEqual({ error: 'undefined' });
	});
});
