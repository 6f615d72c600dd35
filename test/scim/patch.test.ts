import type { IDataObject } from 'n8n-workflow';

import { ScimError } from '../../nodes/AlibabaIdaasScimTrigger/scim/errors';
import { applyPatch, readPatch } from '../../nodes/AlibabaIdaasScimTrigger/scim/patch';

/** PATCH per RFC 7644 §3.5.2, with what Okta and Entra actually send. */

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patch = (resource: IDataObject, ...Operations: IDataObject[]) =>
	applyPatch(resource, readPatch({ schemas: [PATCH], Operations }));
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const user = (): IDataObject => ({
	schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
	userName: 'alice',
	active: true,
	name: { givenName: 'Alice', familyName: 'Liddell' },
	emails: [{ type: 'work', value: 'alice@example.com', primary: true }],
});
const group = (): IDataObject => ({
	displayName: 'Eng',
	members: [{ value: 'u1' }, { value: 'u2' }, { value: 'u3' }],
});

it("replace with a path, op in any case, and Entra's boolean as text", () => {
	expect(patch(user(), { op: 'Replace', path: 'active', value: 'False' }).active).toBe(false);
	expect(patch(user(), { op: 'REPLACE', path: 'active', value: false }).active).toBe(false);
	expect(patch(user(), { op: 'replace', path: 'name.givenName', value: 'Al' }).name).toEqual({
		givenName: 'Al',
		familyName: 'Liddell',
	});
});

it("replace without a path sets each attribute of the value, Entra's dotted keys and extension URNs included", () => {
	const result = patch(user(), {
		op: 'replace',
		value: {
			active: false,
			displayName: 'A',
			'name.familyName': 'L',
			[ENTERPRISE]: { department: 'R&D' },
		},
	});
	expect(result).toMatchObject({
		active: false,
		displayName: 'A',
		name: { givenName: 'Alice', familyName: 'L' },
		[ENTERPRISE]: { department: 'R&D' },
	});
	expect(result.schemas).toContain(ENTERPRISE);
});

it('an extension attribute by its full path', () => {
	expect(
		patch(user(), { op: 'add', path: `${ENTERPRISE}:employeeNumber`, value: '42' })[ENTERPRISE],
	).toEqual({ employeeNumber: '42' });
});

it('value filters: replace a sub-attribute of the selected element, or create it when a type equality selects none (Entra)', () => {
	expect(
		patch(user(), { op: 'replace', path: 'emails[type eq "work"].value', value: 'a@new.example' })
			.emails,
	).toEqual([{ type: 'work', value: 'a@new.example', primary: true }]);
	const noWork = { ...user(), emails: [{ type: 'home', value: 'h@example.com' }] };
	expect(
		patch(noWork, { op: 'replace', path: 'emails[type eq "work"].value', value: 'w@example.com' })
			.emails,
	).toEqual([
		{ type: 'home', value: 'h@example.com' },
		{ type: 'work', value: 'w@example.com' },
	]);
	expect(() =>
		patch(noWork, { op: 'replace', path: 'emails[value co "zzz"].value', value: 'w' }),
	).toThrow(expect.objectContaining({ status: 400, scimType: 'noTarget' }));
});

it('add to a multi-valued attribute appends, without duplicates', () => {
	expect(
		patch(group(), { op: 'add', path: 'members', value: [{ value: 'u3' }, { value: 'u4' }] })
			.members,
	).toEqual([{ value: 'u1' }, { value: 'u2' }, { value: 'u3' }, { value: 'u4' }]);
	expect(patch(group(), { op: 'add', value: { members: [{ value: 'u5' }] } }).members).toHaveLength(
		4,
	);
});

it('removes members by value filter (Okta), by value list (Entra), and all of them by path alone', () => {
	expect(patch(group(), { op: 'remove', path: 'members[value eq "u2"]' }).members).toEqual([
		{ value: 'u1' },
		{ value: 'u3' },
	]);
	expect(
		patch(group(), { op: 'Remove', path: 'members', value: [{ value: 'u1' }, { value: 'u3' }] })
			.members,
	).toEqual([{ value: 'u2' }]);
	expect(patch(group(), { op: 'remove', path: 'members' }).members).toBeUndefined();
	expect(
		patch(group(), { op: 'replace', path: 'members', value: [{ value: 'u9' }] }).members,
	).toEqual([{ value: 'u9' }]);
});

it('removes an attribute and a sub-attribute', () => {
	const result = patch(
		user(),
		{ op: 'remove', path: 'name.givenName' },
		{ op: 'remove', path: 'emails' },
	);
	expect(result.name).toEqual({ familyName: 'Liddell' });
	expect(result.emails).toBeUndefined();
});

it('operations apply in order, on a copy', () => {
	const original = user();
	const result = patch(
		original,
		{ op: 'replace', path: 'active', value: false },
		{ op: 'replace', path: 'active', value: true },
		{ op: 'add', path: 'title', value: 'CEO' },
	);
	expect(result).toMatchObject({ active: true, title: 'CEO' });
	expect(original.title).toBeUndefined();
});

it('refuses what RFC 7644 refuses, in its error schema', () => {
	const error = (body: unknown) => {
		try {
			readPatch(body);
		} catch (e) {
			return (e as ScimError).body();
		}
		return undefined;
	};
	expect(error({ schemas: [PATCH], Operations: [{ op: 'remove' }] })).toMatchObject({
		status: '400',
		scimType: 'noTarget',
	});
	expect(
		error({ schemas: [PATCH], Operations: [{ op: 'move', path: 'a', value: 1 }] }),
	).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
	expect(error({ schemas: [PATCH], Operations: [] })).toMatchObject({
		status: '400',
		scimType: 'invalidSyntax',
	});
	expect(
		error({ schemas: ['urn:other'], Operations: [{ op: 'add', path: 'a', value: 1 }] }),
	).toMatchObject({ scimType: 'invalidSyntax' });
	expect(error({ schemas: [PATCH], Operations: [{ op: 'add', path: 'title' }] })).toMatchObject({
		scimType: 'invalidValue',
	});
	expect(
		error({
			schemas: [PATCH],
			Operations: [{ op: 'add', path: 'emails[type eq "work"', value: 1 }],
		}),
	).toMatchObject({ scimType: 'invalidPath' });
	expect(() => patch(user(), { op: 'replace', path: 'id', value: 'x' })).toThrow(
		expect.objectContaining({ scimType: 'mutability' }),
	);
});
