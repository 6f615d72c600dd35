import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ParamSpec } from '../../nodes/AlibabaIdaas/catalog';
import { labelOf, withArticle } from '../../nodes/AlibabaIdaas/catalog';
import { CredentialConfigError } from '../../nodes/AlibabaIdaas/transport/client';
import {
	checked,
	Field,
	isBlank,
	normalizeValue,
	normalizeValues,
	ParameterError,
	requiredWithMet,
} from '../../nodes/AlibabaIdaas/request/build';

/**
 * The checks of request/build.ts one by one, on parameters made for the test: each format at
 * its edges (a character before, after and inside the value), each range at its bounds, each
 * message word for word (an error names the field and the value, and what to give instead).
 * The request fuzz (test/fuzz/request.fuzz.test.ts) breaks the catalog's own parameters.
 */

const spec = (extra: Partial<ParamSpec> = {}): ParamSpec => ({
	name: 'value',
	in: 'body',
	valueType: 'string',
	description: '',
	...extra,
});

/** The message of the ParameterError `run` throws. */
function refusal(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		if (error instanceof ParameterError) return error.message;

		throw error;
	}
	throw new Error('expected a ParameterError');
}

describe('field names in errors', () => {
	it('name the editor label and the parameter key', () => {
		expect(String(new Field('User', 'userId'))).toBe('User (userId)');
		expect(new ParameterError(new Field('User', 'userId'), 'bad').label).toBe('User');
		expect(new ParameterError('Custom Fields entry 2', 'bad').label).toBe('Custom Fields entry 2');
		expect(new ParameterError('x', 'bad').name).toBe('ParameterError');
	});

	it.each([
		['primaryOrganizationalUnitId', undefined, 'Primary Organizational Unit ID'],
		['userId', undefined, 'User ID'],
		['grant_type', undefined, 'Grant type'],
		['identity', undefined, 'Identity'],
		['userId', 'User', 'User'],
	])('%s (display name %s) is labelled %s', (name, displayName, label) => {
		expect(labelOf(spec({ name, displayName }))).toBe(label);
	});

	it('keeps the label of a parameter once made', () => {
		const param = spec({ name: 'pageSize' });
		expect(labelOf(param)).toBe('Page Size');
		expect(labelOf(param)).toBe('Page Size');
	});

	it.each([
		['user', 'a user'],
		['group', 'a group'],
		['organizational unit', 'an organizational unit'],
		['instance', 'an instance'],
		['application', 'an application'],
		['Instance', 'an Instance'],
		['element', 'an element'],
	])('%s takes its article: %s', (noun, phrase) => {
		expect(withArticle(noun)).toBe(phrase);
	});
});

describe('blank values', () => {
	it.each([[undefined], [null], [''], ['  \t'], [[]]])('%j is not given', (value) => {
		expect(isBlank(value)).toBe(true);
	});

	it.each([[0], [false], ['x'], [' x '], [['']], [{}]])('%j is given', (value) => {
		expect(isBlank(value)).toBe(false);
	});
});

describe('checked', () => {
	const node = {
		name: 'IDaaS',
		type: 'n8n-nodes-alibaba-idaas.alibabaIdaas',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	} as unknown as INode;
	const thrown = (run: () => unknown, itemIndex?: number): NodeOperationError => {
		try {
			checked(node, run, itemIndex);
		} catch (error) {
			return error as NodeOperationError;
		}
		throw new Error('expected an error');
	};

	it('hands back what the preparation returns, undefined included', () => {
		expect(checked(node, () => 42)).toBe(42);
		expect(checked(node, () => undefined)).toBeUndefined();
	});

	it('names the credential field to fix', () => {
		const error = thrown(() => {
			throw new CredentialConfigError('Instance ID', 'must start with idaas_');
		}, 3);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Credential: must start with idaas_');
		expect(error.description).toBe(
			'Fix the "Instance ID" field of the Alibaba Cloud IDaaS credential.',
		);
	});

	it('puts the field to check into the message itself, and keeps the item', () => {
		const error = thrown(() => {
			throw new ParameterError(new Field('User', 'userId'), 'User (userId) is required');
		}, 2);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('User (userId) is required. Check the "User" field.');
		expect(error.description).toBe('Check the "User" field.');
		expect(error.context.itemIndex).toBe(2);
	});

	it('wraps any other error for the item', () => {
		const error = thrown(() => {
			throw new TypeError('boom');
		}, 4);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('boom');
		expect(error.context.itemIndex).toBe(4);
	});
});

describe('text formats', () => {
	const check = (format: ParamSpec['format'], value: string) =>
		normalizeValue(spec({ name: format!, format }), value);

	it.each([
		['email', ['jane@example.com', 'a.b_c+d-e@sub-1.example.co.uk', 'J9@X9.Y9']],
		['phoneNumber', ['123456', '123456789012345', '0000000']],
		['phoneRegion', ['1', '86', '1234']],
		['username', ['jane', 'Jane_Doe.1@x-y', 'Z9']],
	] as const)('%s accepts %j', (format, values) => {
		for (const value of values) expect(check(format, value)).toBe(value);
	});

	it.each([
		// Each one character away from valid, at the start, at the end or inside.
		[
			'email',
			[
				'jane@example',
				'!jane@example.com',
				'jane@example.com!',
				'ja ne@example.com',
				'jane@exa!mple.com',
				'jane@example.c!m',
				'@example.com',
				'jane@.com',
				'jane@example.',
				'janeexample.com',
			],
		],
		[
			'phoneNumber',
			['12345', '1234567890123456', 'a123456', '123456a', '123a456', '+8613800000000'],
		],
		['phoneRegion', ['12345', '+86', '86a', 'a86', '8a6']],
		['username', ['jane doe', '#jane', 'jane#', 'ja#ne', '名字']],
	] as const)('%s refuses %j', (format, values) => {
		for (const value of values) expect(() => check(format, value)).toThrow(ParameterError);
	});

	it('says what to give instead, with the value', () => {
		expect(refusal(() => check('email', 'jane'))).toBe(
			'Email (email) "jane" is not valid: use a valid email address such as jane@example.com',
		);
		expect(refusal(() => check('phoneNumber', '12'))).toBe(
			'Phone Number (phoneNumber) "12" is not valid: use 6 to 15 digits, without the country code',
		);
		expect(refusal(() => check('phoneRegion', '+86'))).toBe(
			'Phone Region (phoneRegion) "+86" is not valid: use a country code of 1 to 4 digits without + or 00, e.g. 86',
		);
		expect(refusal(() => check('username', 'a b'))).toBe(
			'Username (username) "a b" is not valid: use letters, digits and _ . @ - only',
		);
	});

	it('never shows a secret it refuses, and keeps its spaces', () => {
		const secret = spec({ name: 'password', format: 'username', sensitive: true });
		expect(refusal(() => normalizeValue(secret, 'p a ss'))).toBe(
			'Password (password) is not valid: use letters, digits and _ . @ - only',
		);
		expect(normalizeValue(spec({ name: 'password', sensitive: true }), ' pass ')).toBe(' pass ');
		expect(normalizeValue(spec({ name: 'name' }), ' Jane ')).toBe('Jane');
	});

	it('shortens a long value in the message', () => {
		const forty = 'a'.repeat(40);
		expect(refusal(() => check('email', forty))).toBe(
			`Email (email) "${forty}" is not valid: use a valid email address such as jane@example.com`,
		);
		expect(refusal(() => check('email', `${forty}b`))).toBe(
			`Email (email) "${'a'.repeat(37)}..." is not valid: use a valid email address such as jane@example.com`,
		);
	});
});

describe('text', () => {
	it('reads a number as its digits, and nothing else that is not text', () => {
		expect(normalizeValue(spec({ name: 'phoneNumber', format: 'phoneNumber' }), 13800000000)).toBe(
			'13800000000',
		);
		expect(refusal(() => normalizeValue(spec(), Number.NaN))).toBe(
			'Value (value) must be text, got number',
		);
		expect(refusal(() => normalizeValue(spec(), Number.POSITIVE_INFINITY))).toBe(
			'Value (value) must be text, got number',
		);
		expect(refusal(() => normalizeValue(spec(), { a: 1 }))).toBe(
			'Value (value) must be text, got object',
		);
		expect(refusal(() => normalizeValue(spec(), true))).toBe(
			'Value (value) must be text, got boolean',
		);
	});

	it('counts characters, not UTF-16 units, up to the maximum', () => {
		const short = spec({ maxLength: 2 });
		expect(normalizeValue(short, '😀😀')).toBe('😀😀');
		expect(normalizeValue(short, ' ab ')).toBe('ab');
		expect(refusal(() => normalizeValue(short, 'abc'))).toBe(
			'Value (value) is too long: at most 2 characters',
		);
	});

	it('refuses a value starting with a reserved prefix, in any letter case', () => {
		const param = spec({ name: 'groupExternalId', reservedPrefix: 'idaas_' });
		expect(refusal(() => normalizeValue(param, 'IDaaS_x'))).toBe(
			'Group External ID (groupExternalId) "IDaaS_x" is not allowed: values starting with idaas_ are reserved by IDaaS',
		);
		expect(normalizeValue(param, 'my_idaas_x')).toBe('my_idaas_x');
	});

	it('keeps a path value to one segment of letters, digits, _ and -', () => {
		const param = spec({ name: 'authorizationServerId', in: 'path' });
		expect(normalizeValue(param, 'as_Ab-9')).toBe('as_Ab-9');
		expect(normalizeValue(param, 'x'.repeat(128))).toBe('x'.repeat(128));
		expect(refusal(() => normalizeValue(param, 'as/../x'))).toBe(
			'Authorization Server ID (authorizationServerId) "as/../x" is not a valid ID: use letters, digits, _ and - only',
		);
		expect(() => normalizeValue(param, 'x'.repeat(129))).toThrow(ParameterError);
		expect(() => normalizeValue(param, '%2e')).toThrow(ParameterError);
		// The same value in the body is free text.
		expect(normalizeValue(spec({ name: 'authorizationServerId' }), 'as/../x')).toBe('as/../x');
	});

	it('holds a value to its choices', () => {
		const param = spec({ name: 'status', enum: ['enabled', 'disabled'] });
		expect(normalizeValue(param, 'disabled')).toBe('disabled');
		expect(refusal(() => normalizeValue(param, 'Enabled'))).toBe(
			'Status (status) must be one of enabled, disabled; got "Enabled"',
		);
	});
});

describe('IDs', () => {
	const user = spec({ name: 'userId', idKind: 'user', in: 'path' });

	it('trims an ID and keeps it', () => {
		expect(normalizeValue(user, ' user_abc ')).toBe('user_abc');
		expect(normalizeValue(user, `user_${'a'.repeat(123)}`)).toBe(`user_${'a'.repeat(123)}`);
	});

	it('names the kind of ID given for another', () => {
		expect(refusal(() => normalizeValue(user, 'group_abc'))).toBe(
			'User ID (userId) must be a user ID starting with user_, got a group ID',
		);
		expect(refusal(() => normalizeValue(user, 'ou_abc'))).toBe(
			'User ID (userId) must be a user ID starting with user_, got an organizational unit ID',
		);
		expect(refusal(() => normalizeValue(spec({ name: 'groupId', idKind: 'group' }), 'jane'))).toBe(
			'Group ID (groupId) must be a group ID starting with group_, got "jane"',
		);
	});

	it('keeps an ID to the path alphabet', () => {
		expect(refusal(() => normalizeValue(user, 'user_a/b'))).toBe(
			'User ID (userId) "user_a/b" is not a valid user ID',
		);
		expect(() => normalizeValue(user, `user_${'a'.repeat(124)}`)).toThrow(ParameterError);
		expect(() => normalizeValue(user, 'user_a b')).toThrow(ParameterError);
		expect(() => normalizeValue(user, 'user_é')).toThrow(ParameterError);
	});
});

describe('whole numbers', () => {
	const ranged = spec({ name: 'pageSize', valueType: 'integer', min: 1, max: 100 });

	it.each([
		[1, 1],
		[100, 100],
		[' 42 ', 42],
		['-0', -0],
	])('%j is %j', (value, expected) => {
		expect(normalizeValue(spec({ valueType: 'integer' }), value)).toBe(expected);
		if (typeof expected === 'number' && expected >= 1)
			expect(normalizeValue(ranged, value)).toBe(expected);
	});

	it('reads a negative number without a range', () => {
		expect(normalizeValue(spec({ valueType: 'integer' }), '-5')).toBe(-5);
		expect(normalizeValue(spec({ valueType: 'integer' }), -5)).toBe(-5);
	});

	it.each([
		['0x10'],
		['1e3'],
		['0b1'],
		['1.5'],
		[1.5],
		['12a'],
		['a12'],
		[''],
		[2 ** 53],
		[true],
		[null],
	])('%j is not a whole number', (value) => {
		expect(refusal(() => normalizeValue(spec({ valueType: 'integer' }), value))).toBe(
			`Value (value) must be a whole number, got "${typeof value === 'string' ? value : JSON.stringify(value)}"`,
		);
	});

	it('holds a number to its range, the bounds included', () => {
		expect(refusal(() => normalizeValue(ranged, 0))).toBe(
			'Page Size (pageSize) must be between 1 and 100, got 0',
		);
		expect(refusal(() => normalizeValue(ranged, '101'))).toBe(
			'Page Size (pageSize) must be between 1 and 100, got 101',
		);
		expect(refusal(() => normalizeValue(spec({ valueType: 'integer', min: 1 }), -3))).toBe(
			'Value (value) must be between 1 and ∞, got -3',
		);
		expect(refusal(() => normalizeValue(spec({ valueType: 'integer', max: 10 }), 11))).toBe(
			'Value (value) must be between -∞ and 10, got 11',
		);
		expect(normalizeValue(spec({ valueType: 'integer', max: 10 }), -1000)).toBe(-1000);
		expect(normalizeValue(spec({ valueType: 'integer', min: 1 }), 1e9)).toBe(1e9);
	});
});

describe('true or false', () => {
	const flag = spec({ name: 'emailVerified', valueType: 'boolean' });

	it.each([
		[true, true],
		[false, false],
		['true', true],
		['false', false],
	])('%j is %j', (value, expected) => {
		expect(normalizeValue(flag, value)).toBe(expected);
	});

	it.each([['TRUE'], ['yes'], [1], [0]])('%j is refused', (value) => {
		expect(refusal(() => normalizeValue(flag, value))).toBe(
			`Email Verified (emailVerified) must be true or false, got "${String(value)}"`,
		);
	});
});

describe('lists', () => {
	const ids = spec({
		name: 'userIds',
		displayName: 'User IDs',
		valueType: 'stringList',
		idKind: 'user',
		required: true,
	});

	it('splits text at commas, drops blanks and repeats', () => {
		expect(normalizeValue(ids, 'user_a, user_b,,user_a, ')).toEqual(['user_a', 'user_b']);
		expect(normalizeValue(ids, ['user_a', '', null, 'user_b'])).toEqual(['user_a', 'user_b']);
	});

	it('checks every entry, but not the list length as text', () => {
		expect(refusal(() => normalizeValue(ids, 'user_a, group_b'))).toBe(
			'User IDs (userIds) must be a user ID starting with user_, got a group ID',
		);
		expect(
			normalizeValue(spec({ name: 'tags', valueType: 'stringList', maxLength: 3 }), 'abc,def'),
		).toEqual(['abc', 'def']);
	});

	it('refuses an empty list only when required', () => {
		expect(refusal(() => normalizeValue(ids, ' , '))).toBe(
			'User IDs (userIds) is empty: give at least one',
		);
		expect(normalizeValue(spec({ name: 'tags', valueType: 'stringList' }), ' , ')).toEqual([]);
	});

	it('takes 100 entries and not 101', () => {
		const list = (n: number) => Array.from({ length: n }, (_, i) => `user_${i}`);
		expect(normalizeValue(ids, list(100))).toHaveLength(100);
		expect(refusal(() => normalizeValue(ids, list(101)))).toBe(
			'User IDs (userIds) has 101 entries; at most 100 per request',
		);
	});

	it('refuses what is neither text nor a list', () => {
		expect(refusal(() => normalizeValue(ids, 5))).toBe(
			'User IDs (userIds) must be a list, got number',
		);
		expect(refusal(() => normalizeValue(ids, { a: 'user_a' }))).toBe(
			'User IDs (userIds) must be a list, got object',
		);
	});
});

describe('objects', () => {
	const fields = [spec({ name: 'fieldName', required: true }), spec({ name: 'fieldValue' })];
	const object = spec({ name: 'password', valueType: 'object', fields });

	it('reads JSON text and the editor shape { values: {…} }', () => {
		expect(normalizeValue(object, '{"fieldName":"a","fieldValue":" b "}')).toEqual({
			fieldName: 'a',
			fieldValue: 'b',
		});
		expect(normalizeValue(object, { values: { fieldName: 'a' } })).toEqual({ fieldName: 'a' });
	});

	it('does not unwrap what only looks like the editor shape', () => {
		expect(
			refusal(() => normalizeValue(object, { values: { fieldName: 'a' }, fieldName: 'b' })),
		).toBe('Password (password) has unknown field(s): values');
		expect(refusal(() => normalizeValue(object, { values: 'a' }))).toBe(
			'Password (password) has unknown field(s): values',
		);
		expect(refusal(() => normalizeValue(object, { values: null }))).toBe(
			'Password (password) has unknown field(s): values',
		);
		const named = spec({
			name: 'wrapper',
			valueType: 'object',
			fields: [spec({ name: 'values', valueType: 'object', fields })],
		});
		expect(normalizeValue(named, { values: { fieldName: 'a' } })).toEqual({
			values: { fieldName: 'a' },
		});
		// A field named values among others is that field, not the editor's wrapper.
		const among = spec({
			name: 'wrapper',
			valueType: 'object',
			fields: [spec({ name: 'values', valueType: 'object', fields }), spec({ name: 'note' })],
		});
		expect(normalizeValue(among, { values: { fieldName: 'a' } })).toEqual({
			values: { fieldName: 'a' },
		});
	});

	it('names a nested field by its path', () => {
		expect(refusal(() => normalizeValue(object, { fieldValue: 'b' }))).toBe(
			'Password: Field Name (password.fieldName) is required',
		);
		expect(refusal(() => normalizeValue(object, { fieldName: 'a', other: 1, more: 2 }))).toBe(
			'Password (password) has unknown field(s): other, more',
		);
	});

	it('refuses what is not an object, or not JSON', () => {
		for (const value of [null, [], 5, '[1]', 'null'])
			expect(refusal(() => normalizeValue(object, value))).toBe(
				'Password (password) must be an object',
			);
		expect(refusal(() => normalizeValue(object, '{fieldName:'))).toBe(
			'Password (password) is not valid JSON',
		);
	});

	it('takes a free map as it is, with text values when it says so', () => {
		const claims = spec({ name: 'customClaims', valueType: 'object', mapValues: 'string' });
		expect(normalizeValue(claims, { dept: 'sales', values: 'x' })).toEqual({
			dept: 'sales',
			values: 'x',
		});
		expect(refusal(() => normalizeValue(claims, { dept: 'sales', level: 3 }))).toBe(
			'Custom Claims (customClaims): the value of "level" must be text',
		);
		const any = spec({ name: 'extra', valueType: 'object', mapValues: 'any' });
		expect(normalizeValue(any, { level: 3, nested: { a: 1 } })).toEqual({
			level: 3,
			nested: { a: 1 },
		});
	});

	it('gives an object without fields no values', () => {
		expect(normalizeValue(spec({ valueType: 'object' }), { a: 1 })).toEqual({});
	});
});

describe('lists of objects', () => {
	const list = spec({
		name: 'customFields',
		valueType: 'objectList',
		fields: [spec({ name: 'fieldName', required: true }), spec({ name: 'fieldValue' })],
	});

	it('reads each entry, from JSON text too', () => {
		expect(normalizeValue(list, '[{"fieldName":"a"},{"fieldName":"b","fieldValue":"c"}]')).toEqual([
			{ fieldName: 'a' },
			{ fieldName: 'b', fieldValue: 'c' },
		]);
	});

	it('names the entry, by number and by key', () => {
		expect(refusal(() => normalizeValue(list, [{ fieldName: 'a' }, { fieldValue: 'b' }]))).toBe(
			'Custom Fields entry 2: Field Name (customFields[1].fieldName) is required',
		);
		expect(refusal(() => normalizeValue(list, [{ fieldName: 'a' }, 'x']))).toBe(
			'Custom Fields (customFields) entry 2 must be an object',
		);
		expect(refusal(() => normalizeValue(list, [null]))).toBe(
			'Custom Fields (customFields) entry 1 must be an object',
		);
		expect(refusal(() => normalizeValue(list, [[]]))).toBe(
			'Custom Fields (customFields) entry 1 must be an object',
		);
		expect(refusal(() => normalizeValue(list, [{ fieldValue: 'b' }], 'Row'))).toBe(
			'Row entry 1: Field Name (fieldName) is required',
		);
	});

	it('gives entries of a list without fields no values', () => {
		expect(normalizeValue(spec({ valueType: 'objectList' }), [{ a: 1 }, {}])).toEqual([{}, {}]);
	});

	it('refuses what is not a list', () => {
		expect(refusal(() => normalizeValue(list, { fieldName: 'a' }))).toBe(
			'Custom Fields (customFields) must be a list of objects',
		);
		expect(refusal(() => normalizeValue(list, 'nope'))).toBe(
			'Custom Fields (customFields) is not valid JSON',
		);
	});
});

describe('required fields', () => {
	it('reads "given" and "equal to" conditions', () => {
		expect(requiredWithMet('email', { email: 'a@b.co' })).toBe(true);
		expect(requiredWithMet('email', { email: ' ' })).toBe(false);
		expect(requiredWithMet('grant_type=password', { grant_type: 'password' })).toBe(true);
		expect(requiredWithMet('grant_type=password', { grant_type: 'client_credentials' })).toBe(
			false,
		);
	});

	it('drops blank optional values, and refuses blank required ones saying when they are required', () => {
		const params = [
			spec({ name: 'username', required: true }),
			spec({ name: 'grant_type' }),
			spec({ name: 'password', requiredWith: 'grant_type=password' }),
			spec({ name: 'displayName' }),
		];
		expect(
			normalizeValues(params, {
				username: 'jane',
				displayName: ' ',
				grant_type: 'client_credentials',
			}),
		).toEqual({ username: 'jane', grant_type: 'client_credentials' });
		expect(refusal(() => normalizeValues(params, { displayName: 'Jane' }))).toBe(
			'Username (username) is required',
		);
		expect(
			refusal(() => normalizeValues(params, { username: 'jane', grant_type: 'password' })),
		).toBe('Password (password) is required when grant_type is password is set');
	});

	it('names nested fields after their parent, given as text or as a field', () => {
		const params = [spec({ name: 'apiKey', displayName: 'API Key', required: true })];
		expect(refusal(() => normalizeValues(params, {}, 'Credential Content'))).toBe(
			'Credential Content: API Key (apiKey) is required',
		);
		expect(
			refusal(() =>
				normalizeValues(params, {}, new Field('Credential Content', 'credentialContent')),
			),
		).toBe('Credential Content: API Key (credentialContent.apiKey) is required');
	});
});
