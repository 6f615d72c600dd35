import type { IDataObject } from 'n8n-workflow';

import { ScimError } from '../../nodes/AlibabaIdaasScimTrigger/scim/errors';
import { Directory } from '../../nodes/AlibabaIdaasScimTrigger/scim/idMap';
import {
	type Collection,
	handle,
	type ScimRequest,
} from '../../nodes/AlibabaIdaasScimTrigger/scim/routes';

/** The /Users and /Groups endpoints on a directory, without n8n: answers, errors, and the changes they report. */

let directory: Directory;
let ids = 0;
beforeEach(() => {
	directory = new Directory();
	ids = 0;
});

const call = (method: string, collection: Collection, extra: Partial<ScimRequest> = {}) =>
	handle(directory, {
		method,
		collection,
		query: {},
		now: '2026-12-07T08:00:00.000Z',
		baseUrl: 'https://n8n.example/webhook/w/w',
		newId: () => `id-${++ids}`,
		...extra,
	});
const createUser = (body: IDataObject) => call('POST', 'Users', { body }).answer.body!;
const errorOf = (fn: () => unknown) => {
	let caught: unknown;
	try {
		fn();
	} catch (e) {
		caught = e;
	}
	expect(caught).toBeInstanceOf(ScimError);
	return (caught as ScimError).body();
};
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

it('create answers 201 with id, meta and location, keeps no password, and reports user.created with it', () => {
	const handled = call('POST', 'Users', {
		body: { userName: 'alice', password: 'S3cret!', id: 'client-chosen', meta: { x: 1 } },
	});
	expect(handled.answer.status).toBe(201);
	expect(handled.answer.body).toEqual({
		userName: 'alice',
		schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
		id: 'id-1',
		meta: {
			resourceType: 'User',
			created: '2026-12-07T08:00:00.000Z',
			lastModified: '2026-12-07T08:00:00.000Z',
			location: 'https://n8n.example/webhook/w/w/Users/id-1',
		},
	});
	expect(handled.answer.location).toBe('https://n8n.example/webhook/w/w/Users/id-1');
	expect(handled.changes).toMatchObject([{ event: 'user.created', password: 'S3cret!' }]);
	expect(JSON.stringify(directory.toJSON())).not.toContain('S3cret!');
});

it('a duplicate userName, in any case, is 409 uniqueness; so is a duplicate group displayName; nothing is stored', () => {
	createUser({ userName: 'alice' });
	expect(errorOf(() => call('POST', 'Users', { body: { userName: 'ALICE' } }))).toMatchObject({
		status: '409',
		scimType: 'uniqueness',
		schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
	});
	call('POST', 'Groups', { body: { displayName: 'Eng' } });
	expect(errorOf(() => call('POST', 'Groups', { body: { displayName: 'eng' } }))).toMatchObject({
		status: '409',
		scimType: 'uniqueness',
	});
	expect(directory.users.size + directory.groups.size).toBe(2);
	// Renaming onto another user's userName is refused the same way.
	const bob = createUser({ userName: 'bob' });
	expect(
		errorOf(() => call('PUT', 'Users', { id: String(bob.id), body: { userName: 'Alice' } })),
	).toMatchObject({ status: '409' });
});

it('refuses a user without userName, a group without displayName, and a body that is not an object', () => {
	expect(errorOf(() => call('POST', 'Users', { body: { displayName: 'x' } }))).toMatchObject({
		status: '400',
		scimType: 'invalidValue',
	});
	expect(errorOf(() => call('POST', 'Groups', { body: { members: [] } }))).toMatchObject({
		status: '400',
	});
	expect(errorOf(() => call('POST', 'Users', { body: [1] }))).toMatchObject({
		status: '400',
		scimType: 'invalidSyntax',
	});
	expect(
		errorOf(() => call('POST', 'Users', { body: { userName: 'a', active: 'yes' } })),
	).toMatchObject({ status: '400' });
});

it('an unknown id is 404 for every method', () => {
	for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
		expect(
			errorOf(() => call(method, 'Users', { id: 'nope', body: { userName: 'x' } })),
		).toMatchObject({ status: '404', detail: 'User nope not found' });
	}
});

it('pages with startIndex and count, and filters first', () => {
	for (let i = 1; i <= 7; i++) createUser({ userName: `u${i}`, active: i % 2 === 1 });
	const page = (query: IDataObject) => call('GET', 'Users', { query }).answer.body!;
	expect(page({ startIndex: '3', count: '2' })).toMatchObject({
		totalResults: 7,
		startIndex: 3,
		itemsPerPage: 2,
		Resources: [{ userName: 'u3' }, { userName: 'u4' }],
	});
	expect(page({ startIndex: '7', count: '5' })).toMatchObject({ totalResults: 7, itemsPerPage: 1 });
	expect(page({ startIndex: '0', count: '1' })).toMatchObject({
		startIndex: 1,
		Resources: [{ userName: 'u1' }],
	});
	expect(page({ count: '0' })).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
	expect(page({ filter: 'active eq true', count: '2', startIndex: '2' })).toMatchObject({
		totalResults: 4,
		Resources: [{ userName: 'u3' }, { userName: 'u5' }],
	});
	expect(page({})).toMatchObject({ totalResults: 7, itemsPerPage: 7 });
	expect(errorOf(() => page({ count: 'ten' }))).toMatchObject({ status: '400' });
	expect(page({ filter: 'userName eq "u2"', attributes: 'userName' }).Resources).toEqual([
		{ userName: 'u2', schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'id-2' },
	]);
	expect(
		(
			page({ filter: 'userName eq "u2"', excludedAttributes: 'meta,active' })
				.Resources as IDataObject[]
		)[0],
	).not.toHaveProperty('meta');
});

it('PUT and PATCH report deactivated / reactivated and updated with the changed attributes; a repeat reports nothing', () => {
	const alice = createUser({ userName: 'alice', displayName: 'Alice', active: true });
	const id = String(alice.id);
	const put = call('PUT', 'Users', {
		id,
		body: { userName: 'alice', displayName: 'Alice L.', active: false },
	});
	expect(put.changes.map((c) => [c.event, c.changed])).toEqual([
		['user.deactivated', undefined],
		['user.updated', ['displayName']],
	]);
	expect(put.answer.body).toMatchObject({
		id,
		active: false,
		meta: { created: alice.meta && (alice.meta as IDataObject).created },
	});
	expect(
		call('PUT', 'Users', {
			id,
			body: { userName: 'alice', displayName: 'Alice L.', active: false },
		}).changes,
	).toEqual([]);
	const patched = call('PATCH', 'Users', {
		id,
		body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: true }] },
	});
	expect(patched.changes.map((c) => c.event)).toEqual(['user.reactivated']);
	expect(
		call('PATCH', 'Users', {
			id,
			body: { schemas: [PATCH], Operations: [{ op: 'replace', value: { title: 'CEO' } }] },
		}).changes,
	).toMatchObject([{ event: 'user.updated', changed: ['title'] }]);
});

it('groups: rename, members added and removed by PATCH and by PUT diff, delete; a deleted user leaves its groups', () => {
	const u1 = String(createUser({ userName: 'u1' }).id);
	const u2 = String(createUser({ userName: 'u2' }).id);
	const created = call('POST', 'Groups', {
		body: { displayName: 'Eng', members: [{ value: u1 }] },
	});
	expect(created.changes.map((c) => [c.event, c.members])).toEqual([
		['group.created', undefined],
		['group.membersAdded', [u1]],
	]);
	const gid = String(created.answer.body!.id);
	const add = call('PATCH', 'Groups', {
		id: gid,
		body: {
			schemas: [PATCH],
			Operations: [{ op: 'add', path: 'members', value: [{ value: u2 }] }],
		},
	});
	expect(add.changes.map((c) => [c.event, c.members])).toEqual([['group.membersAdded', [u2]]]);
	const okta = call('PATCH', 'Groups', {
		id: gid,
		body: { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${u1}"]` }] },
	});
	expect(okta.changes.map((c) => [c.event, c.members])).toEqual([['group.membersRemoved', [u1]]]);
	const put = call('PUT', 'Groups', {
		id: gid,
		body: { displayName: 'Engineering', members: [{ value: u1 }] },
	});
	expect(put.changes.map((c) => [c.event, c.members])).toEqual([
		['group.renamed', undefined],
		['group.membersAdded', [u1]],
		['group.membersRemoved', [u2]],
	]);
	expect(call('DELETE', 'Users', { id: u1 }).answer.status).toBe(204);
	expect(directory.groups.get(gid)!.members).toEqual([]);
	const deleted = call('DELETE', 'Groups', { id: gid });
	expect(deleted.changes.map((c) => c.event)).toEqual(['group.deleted']);
	expect(directory.groups.size).toBe(0);
});

it('a group member that must be an object with a value', () => {
	expect(
		errorOf(() => call('POST', 'Groups', { body: { displayName: 'G', members: ['u1'] } })),
	).toMatchObject({ status: '400' });
});

it('answers 405 for a method the endpoint does not have', () => {
	expect(errorOf(() => call('DELETE', 'Users'))).toMatchObject({
		status: '405',
		detail: 'DELETE is not supported here',
	});
});

it('a full push that sends the same user again, keys in another order, changes nothing', () => {
	const alice = createUser({
		userName: 'alice',
		name: { givenName: 'A', familyName: 'L' },
		emails: [{ type: 'work', value: 'a@x', primary: true }],
	});
	const again = call('PUT', 'Users', {
		id: String(alice.id),
		body: {
			emails: [{ primary: true, value: 'a@x', type: 'work' }],
			name: { familyName: 'L', givenName: 'A' },
			userName: 'alice',
			id: alice.id,
		},
	});
	expect(again.changes).toEqual([]);
	expect(again.answer.body).toBe(directory.users.get(String(alice.id)));
});
