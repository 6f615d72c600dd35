import type { IDataObject } from 'n8n-workflow';

import { BEARER, Provider } from './provider';

/**
 * The trigger behind a real HTTP port, driven with the request sequences of the SCIM clients it must
 * serve: Okta's (look-up, create, PUT updates, no DELETE, `members[value eq …]` removals) and Entra
 * ID's (look-up, create, PATCH with capitalised ops and booleans as text, soft delete by active:false).
 * Each change arrives once as an item.
 */

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let provider: Provider;
beforeAll(async () => {
	provider = await new Provider().start();
});
afterAll(async () => {
	await provider.close();
	provider.restart();
});

async function scim(
	method: string,
	path: string,
	body?: unknown,
): Promise<{ status: number; type: string | null; location: string | null; body: IDataObject }> {
	const response = await fetch(provider.url + path, {
		method,
		headers: {
			authorization: `Bearer ${BEARER}`,
			'content-type': 'application/scim+json',
			accept: 'application/scim+json',
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return {
		status: response.status,
		type: response.headers.get('content-type'),
		location: response.headers.get('location'),
		body: text ? (JSON.parse(text) as IDataObject) : {},
	};
}
const filter = (text: string) => `?filter=${encodeURIComponent(text)}`;

it("Okta's sequence", async () => {
	const before = provider.items().length;
	expect(
		(
			await scim(
				'GET',
				`/Users${filter('userName eq "okta.user@example.com"')}&startIndex=1&count=100`,
			)
		).body,
	).toMatchObject({ totalResults: 0, Resources: [] });
	const created = await scim('POST', '/Users', {
		schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
		userName: 'okta.user@example.com',
		name: { givenName: 'Okta', familyName: 'User' },
		emails: [{ primary: true, value: 'okta.user@example.com', type: 'work' }],
		active: true,
		password: 'Okta-Initial-1!',
		groups: [],
	});
	expect(created).toMatchObject({ status: 201, type: 'application/scim+json; charset=utf-8' });
	const id = String(created.body.id);
	expect(created.location).toBe(
		`http://127.0.0.1:5678/webhook/${provider.url.split('/').slice(-1)[0]}/${provider.url.split('/').slice(-1)[0]}/Users/${id}`,
	);
	expect(
		(await scim('GET', `/Users${filter('userName eq "okta.user@example.com"')}`)).body,
	).toMatchObject({ totalResults: 1, Resources: [{ id }] });
	const user = (await scim('GET', `/Users/${id}`)).body;
	expect(
		(
			await scim('PUT', `/Users/${id}`, {
				...user,
				name: { givenName: 'Okta', familyName: 'Renamed' },
			})
		).status,
	).toBe(200);
	// Okta deactivates instead of deleting.
	expect(
		(
			await scim('PUT', `/Users/${id}`, {
				...user,
				name: { givenName: 'Okta', familyName: 'Renamed' },
				active: false,
			})
		).body,
	).toMatchObject({ active: false });
	const group = await scim('POST', '/Groups', {
		schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
		displayName: 'Okta Group',
		members: [{ value: id, display: 'okta.user@example.com' }],
	});
	const gid = String(group.body.id);
	expect(
		(
			await scim('PATCH', `/Groups/${gid}`, {
				schemas: [PATCH],
				Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }],
			})
		).status,
	).toBe(200);
	expect(
		provider
			.items()
			.slice(before)
			.map((i) => i.event),
	).toEqual([
		'user.created',
		'user.updated',
		'user.deactivated',
		'group.created',
		'group.membersAdded',
		'group.membersRemoved',
	]);
});

it("Entra ID's sequence", async () => {
	const before = provider.items().length;
	expect(
		(await scim('GET', `/Users${filter('userName eq "entra.user@example.com"')}`)).body,
	).toMatchObject({ totalResults: 0 });
	const created = await scim('POST', '/Users', {
		schemas: [
			'urn:ietf:params:scim:schemas:core:2.0:User',
			'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
		],
		externalId: 'entra-object-id-1',
		userName: 'entra.user@example.com',
		active: true,
		displayName: 'Entra User',
		emails: [{ primary: true, type: 'work', value: 'entra.user@example.com' }],
		'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Sales' },
	});
	const id = String(created.body.id);
	expect(
		(await scim('GET', `/Users${filter('externalId eq "entra-object-id-1"')}`)).body,
	).toMatchObject({ totalResults: 1 });
	const patched = await scim('PATCH', `/Users/${id}`, {
		schemas: [PATCH],
		Operations: [
			{ op: 'Replace', path: 'displayName', value: 'Entra User (Sales)' },
			{
				op: 'Add',
				path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
				value: 'Field Sales',
			},
			{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'entra.user2@example.com' },
		],
	});
	expect(patched.body).toMatchObject({
		displayName: 'Entra User (Sales)',
		emails: [{ value: 'entra.user2@example.com' }],
		'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Field Sales' },
	});
	expect(
		(
			await scim('PATCH', `/Users/${id}`, {
				schemas: [PATCH],
				Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
			})
		).body,
	).toMatchObject({ active: false });
	expect(
		(
			await scim(
				'GET',
				`/Groups${filter('displayName eq "Entra Group"')}&excludedAttributes=members`,
			)
		).body,
	).toMatchObject({ totalResults: 0 });
	const group = await scim('POST', '/Groups', {
		schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
		externalId: 'g-1',
		displayName: 'Entra Group',
		members: [],
	});
	const gid = String(group.body.id);
	await scim('PATCH', `/Groups/${gid}`, {
		schemas: [PATCH],
		Operations: [{ op: 'Add', path: 'members', value: [{ value: id }] }],
	});
	await scim('PATCH', `/Groups/${gid}`, {
		schemas: [PATCH],
		Operations: [{ op: 'Remove', path: 'members', value: [{ value: id }] }],
	});
	expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
	expect((await scim('GET', `/Users/${id}`)).body).toMatchObject({
		status: '404',
		schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
	});
	expect(
		provider
			.items()
			.slice(before)
			.map((i) => i.event),
	).toEqual([
		'user.created',
		'user.updated',
		'user.deactivated',
		'group.created',
		'group.membersAdded',
		'group.membersRemoved',
		'user.deleted',
	]);
	const updated = provider.items().slice(before)[1];
	expect(updated.changedAttributes).toEqual([
		'displayName',
		'emails',
		'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
	]);
});
