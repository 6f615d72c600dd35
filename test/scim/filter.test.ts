import type { IDataObject } from 'n8n-workflow';

import { matches, parseFilter, parsePath } from '../../nodes/AlibabaIdaasScimTrigger/scim/filter';
import { ScimError } from '../../nodes/AlibabaIdaasScimTrigger/scim/errors';

/** SCIM filters (RFC 7644 §3.4.2.2) as IDaaS, Okta and Entra send them before a create or update. */

const alice: IDataObject = {
	id: 'Id-1',
	userName: 'Alice@Example.com',
	externalId: 'User_ABC',
	displayName: 'Alice Liddell',
	active: true,
	emails: [
		{ type: 'home', value: 'alice@home.example' },
		{ type: 'work', value: 'Alice@Example.com', primary: true },
	],
	name: { givenName: 'Alice', familyName: 'Liddell' },
	'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
		employeeNumber: '42',
		department: 'R&D',
	},
};
const group: IDataObject = {
	id: 'g1',
	displayName: 'Engineering',
	members: [{ value: 'Id-1' }, { value: 'id-2' }],
};

const test = (filter: string, record = alice) => matches(record, parseFilter(filter));

it.each([
	['userName eq "alice@example.com"', true], // userName is case-insensitive (RFC 7643 §4.1.1)
	['USERNAME EQ "alice@example.com"', true], // attribute names and operators too
	['userName eq "bob@example.com"', false],
	['externalId eq "User_ABC"', true],
	['externalId eq "user_abc"', false], // externalId is case-exact (RFC 7643 §3.1)
	['emails[type eq "work"].value eq "alice@example.com"', true],
	['emails[type eq "home"].value eq "alice@example.com"', false],
	['emails.value eq "alice@home.example"', true],
	['emails eq "alice@home.example"', true],
	['name.givenName sw "Al"', true],
	['displayName co "Lidd"', true],
	['displayName ew "dell"', true],
	['userName ne "alice@example.com"', false],
	['active eq true', true],
	['active eq false', false],
	['title pr', false],
	['name pr', true],
	['userName eq "alice@example.com" and externalId eq "User_ABC"', true],
	['userName eq "alice@example.com" and externalId eq "other"', false],
	['userName eq "x" or externalId eq "User_ABC"', true],
	['not (userName eq "x")', true],
	['(userName eq "x" or userName eq "alice@example.com") and active eq true', true],
	['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "alice@example.com"', true],
	['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "42"', true],
	['id eq "id-1"', false], // id is case-exact
	['userName eq "Alice\\u0040Example.com"', true], // a JSON string, escapes included
])('%s → %s', (filter, expected) => {
	expect(test(filter)).toBe(expected);
});

it('groups: displayName eq, and member IDs compared case-exactly', () => {
	expect(test('displayName eq "engineering"', group)).toBe(true);
	expect(test('members[value eq "Id-1"]', group)).toBe(true);
	expect(test('members[value eq "id-1"]', group)).toBe(false);
	expect(test('members.value eq "id-2"', group)).toBe(true);
});

it.each([
	'',
	'userName',
	'userName eq',
	'userName equals "x"',
	'userName eq "x" and',
	'(userName eq "x"',
	'userName eq "unterminated',
	'userName eq bare',
	'emails[type eq "work"',
])('refuses %j with 400 invalidFilter', (filter) => {
	let error: unknown;
	try {
		parseFilter(filter);
	} catch (e) {
		error = e;
	}
	expect(error).toBeInstanceOf(ScimError);
	expect((error as ScimError).body()).toMatchObject({ status: '400', scimType: 'invalidFilter' });
});

it('reads PATCH paths, with value filters and sub-attributes, and refuses a malformed one with invalidPath', () => {
	expect(parsePath('members[value eq "2819c223"]')).toMatchObject({
		attr: 'members',
		valueFilter: { kind: 'compare', op: 'eq', value: '2819c223' },
	});
	expect(parsePath('emails[type eq "work"].value')).toMatchObject({ attr: 'emails', sub: 'value' });
	expect(parsePath('name.familyName')).toEqual({ attr: 'name', sub: 'familyName' });
	expect(
		parsePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'),
	).toEqual({
		schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
		attr: 'department',
	});
	expect(() => parsePath('members[value eq "x"')).toThrow(ScimError);
	expect(() => parsePath('a b')).toThrow(expect.objectContaining({ scimType: 'invalidPath' }));
});
