import { randomBytes } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { BEARER, Provider, trigger } from './provider';

/**
 * The SCIM Trigger's webhook() run by n8n-core's WebhookContext, with static data loaded and saved
 * around each call as n8n does: authentication, bodies, items, the event filter, the respond modes,
 * and the ID map across concurrent requests and restarts.
 */

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let provider: Provider;
beforeEach(() => {
	provider = new Provider();
});
afterEach(() => provider.restart());

const post = (path: string, body: unknown) => provider.call({ method: 'POST', path, body });

describe('authentication', () => {
	it.each([
		['no Authorization header', null],
		['a wrong token', 'Bearer not-the-token'],
		['the token without the Bearer scheme', BEARER],
		['a longer token', `Bearer ${BEARER}x`],
	])(
		'%s: 401 in the SCIM error schema, no execution, nothing stored',
		async (_name, authorization) => {
			for (const [method, path, body] of [
				['POST', '/Users', { userName: 'mallory' }],
				['GET', '/Users', undefined],
				['GET', '/Groups?filter=displayName%20eq%20%22x%22', undefined],
				['DELETE', '/Users/whatever', undefined],
			] as const) {
				const answer = await provider.call({ method, path, body, authorization });
				expect([method, path, answer.status]).toEqual([method, path, 401]);
				expect(answer.body).toEqual({
					schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
					status: '401',
					detail: expect.any(String),
				});
				expect(answer.headers['www-authenticate']).toBe('Bearer realm="SCIM"');
			}
			expect(provider.executions).toHaveLength(0);
			expect(provider.stored).toBe('{}');
			expect(provider.logs.join('\n')).not.toContain(BEARER.slice(0, 12));
		},
	);

	it('the discovery documents need no token', async () => {
		for (const path of [
			'',
			'/ServiceProviderConfig',
			'/Schemas',
			'/ResourceTypes',
			'/ResourceTypes/User',
			'/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group',
		]) {
			expect([
				path,
				(await provider.call({ method: 'GET', path, authorization: null })).status,
			]).toEqual([path, 200]);
		}
		expect((await provider.call({ method: 'GET', path: '/Schemas/urn:nope' })).status).toBe(404);
	});

	it("client credentials: the token endpoint's token opens /Users, a wrong secret gets none", async () => {
		const secret = randomBytes(20).toString('hex');
		provider.setCredential({ bearerToken: '', clientId: 'idaas', clientSecret: secret });
		const refused = await provider.call({
			method: 'POST',
			path: '/token',
			raw: 'grant_type=client_credentials&client_id=idaas&client_secret=wrong',
			contentType: 'application/x-www-form-urlencoded',
			authorization: null,
		});
		expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
		const issued = await provider.call({
			method: 'POST',
			path: '/token',
			raw: `grant_type=client_credentials&client_id=idaas&client_secret=${secret}`,
			contentType: 'application/x-www-form-urlencoded',
			authorization: null,
		});
		expect(issued.status).toBe(200);
		expect(issued.headers['cache-control']).toBe('no-store');
		const token = String(issued.body!.access_token);
		expect(
			(await provider.call({ method: 'GET', path: '/Users', authorization: `Bearer ${token}` }))
				.status,
		).toBe(200);
		// The credential's (now empty) bearer token opens nothing.
		expect(
			(await provider.call({ method: 'GET', path: '/Users', authorization: 'Bearer ' })).status,
		).toBe(401);
	});
});

describe('bodies', () => {
	it('reads application/scim+json from the raw body, which n8n leaves unparsed, and application/json as n8n parsed it', async () => {
		expect(
			(
				await provider.call({
					method: 'POST',
					path: '/Users',
					body: { userName: 'scim' },
					contentType: 'application/scim+json; charset=utf-8',
				})
			).status,
		).toBe(201);
		expect(
			(
				await provider.call({
					method: 'POST',
					path: '/Users',
					body: { userName: 'json' },
					contentType: 'application/json',
				})
			).status,
		).toBe(201);
		const list = await provider.call({ method: 'GET', path: '/Users' });
		expect((list.body!.Resources as IDataObject[]).map((u) => u.userName)).toEqual([
			'scim',
			'json',
		]);
	});

	it('refuses a body that is not JSON, and a missing body, with 400 invalidSyntax and no execution', async () => {
		expect(
			await provider.call({ method: 'POST', path: '/Users', raw: '{"userName":' }),
		).toMatchObject({ status: 400, body: { status: '400', scimType: 'invalidSyntax' } });
		expect(await provider.call({ method: 'POST', path: '/Users' })).toMatchObject({
			status: 400,
			body: { scimType: 'invalidSyntax' },
		});
		expect(provider.executions).toHaveLength(0);
	});
});

describe('items', () => {
	it('one execution per request, one item per change, normalized and with the raw resource', async () => {
		const created = await post('/Users', {
			schemas: [
				'urn:ietf:params:scim:schemas:core:2.0:User',
				'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
			],
			userName: 'alice@example.com',
			externalId: 'user_alice',
			name: { givenName: 'Alice', familyName: 'Liddell' },
			displayName: 'Alice Liddell',
			emails: [{ type: 'work', value: 'alice@example.com', primary: true }],
			'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D' },
		});
		const id = String(created.body!.id);
		expect(created.items).toEqual([
			{
				event: 'user.created',
				objectType: 'user',
				user: {
					userId: id,
					username: 'alice@example.com',
					userExternalId: 'user_alice',
					displayName: 'Alice Liddell',
					givenName: 'Alice',
					familyName: 'Liddell',
					email: 'alice@example.com',
					department: 'R&D',
					active: true,
					status: 'enabled',
				},
				resource: created.body,
				request: { method: 'POST', receivedAt: expect.any(String) },
			},
		]);
		const put = await provider.call({
			method: 'PUT',
			path: `/Users/${id}`,
			body: { userName: 'alice@example.com', displayName: 'Alice L.', active: false },
		});
		expect(put.items.map((i) => i.event)).toEqual(['user.deactivated', 'user.updated']);
		expect(put.items[1]).toMatchObject({
			changedAttributes: expect.arrayContaining(['displayName', 'name', 'emails']),
			previous: { displayName: 'Alice Liddell' },
		});
		expect((await provider.call({ method: 'DELETE', path: `/Users/${id}` })).items).toMatchObject([
			{ event: 'user.deleted', user: { userId: id } },
		]);
		expect(provider.executions.map((e) => e.length)).toEqual([1, 2, 1]);
	});

	it('a node that changes its item in place does not change the directory', async () => {
		const created = await post('/Users', { userName: 'nina' });
		(created.items[0].resource as IDataObject).userName = 'changed-by-a-node';
		expect(
			(await provider.call({ method: 'GET', path: `/Users/${String(created.body!.id)}` })).body,
		).toMatchObject({ userName: 'nina' });
	});

	it('group items name the members', async () => {
		const bob = await post('/Users', { userName: 'bob', displayName: 'Bob' });
		const group = await post('/Groups', { displayName: 'Eng' });
		const added = await provider.call({
			method: 'PATCH',
			path: `/Groups/${String(group.body!.id)}`,
			body: {
				schemas: [PATCH],
				Operations: [
					{
						op: 'Add',
						path: 'members',
						value: [{ value: bob.body!.id }, { value: 'not-pushed-yet' }],
					},
				],
			},
		});
		expect(added.items).toEqual([
			expect.objectContaining({
				event: 'group.membersAdded',
				group: {
					groupId: group.body!.id,
					groupName: 'Eng',
					memberIds: [bob.body!.id, 'not-pushed-yet'],
				},
				members: [
					{ userId: bob.body!.id, username: 'bob', displayName: 'Bob' },
					{ userId: 'not-pushed-yet' },
				],
			}),
		]);
	});

	it('the event filter: other changes are applied and answered without an execution', async () => {
		provider.parameters.events = ['user.deactivated'];
		const created = await post('/Users', { userName: 'carol' });
		expect(created.status).toBe(201);
		const id = String(created.body!.id);
		expect(provider.executions).toHaveLength(0);
		await provider.call({
			method: 'PATCH',
			path: `/Users/${id}`,
			body: {
				schemas: [PATCH],
				Operations: [{ op: 'replace', value: { active: false, title: 'x' } }],
			},
		});
		expect(provider.items().map((i) => i.event)).toEqual(['user.deactivated']);
		expect((await provider.call({ method: 'GET', path: `/Users/${id}` })).body).toMatchObject({
			active: false,
			title: 'x',
		});
	});

	it('a password is never stored or answered; the item carries it only with Include Passwords', async () => {
		const withheld = await post('/Users', { userName: 'dave', password: 'Dave-Pa55word!' });
		expect(withheld.items[0]).toMatchObject({ passwordWithheld: true });
		expect(JSON.stringify([withheld.body, withheld.items, provider.stored])).not.toContain(
			'Dave-Pa55word!',
		);
		provider.parameters.options = { includePasswords: true };
		const included = await post('/Users', { userName: 'erin', password: 'Erin-Pa55word!' });
		expect(included.items[0].password).toBe('Erin-Pa55word!');
		expect(JSON.stringify([included.body, provider.stored])).not.toContain('Erin-Pa55word!');
	});
});

describe('respond modes', () => {
	it.each(['lastNode', 'responseNode'])(
		'%s: changes are left to n8n to answer after the workflow; look-ups, errors and no-ops are answered at once',
		async (respond) => {
			provider.parameters.respond = respond;
			const created = await post('/Users', { userName: 'frank' });
			expect(created).toMatchObject({ deferred: true, body: undefined });
			expect(created.items).toMatchObject([
				{ event: 'user.created', resource: { userName: 'frank' } },
			]);
			const id = String(created.items[0].resource && (created.items[0].resource as IDataObject).id);
			expect(await provider.call({ method: 'GET', path: `/Users/${id}` })).toMatchObject({
				deferred: false,
				status: 200,
			});
			expect(await post('/Users', { userName: 'frank' })).toMatchObject({
				deferred: false,
				status: 409,
			});
			expect(
				await provider.call({ method: 'PUT', path: `/Users/${id}`, body: { userName: 'frank' } }),
			).toMatchObject({ deferred: false, status: 200, items: [] });
		},
	);

	it.each(['lastNode', 'responseNode'])(
		'%s: a change the workflow answers leaves static data unchanged; the next request the trigger answers saves it',
		async (respond) => {
			provider.parameters.respond = respond;
			await provider.call({ method: 'GET', path: '/ServiceProviderConfig' });
			await provider.call({ method: 'GET', path: '/Users' });
			// n8n 2.8 would write changed static data before the Respond to Webhook node answers, and end the response empty.
			await post('/Users', { userName: 'kate' });
			expect(provider.changedFlags.slice(-1)).toEqual([false]);
			expect(provider.storedDirectory().users).toEqual([]);
			await provider.call({ method: 'GET', path: '/Users?filter=userName%20eq%20%22liam%22' });
			expect(provider.storedDirectory().users.map((u) => u.userName)).toEqual(['kate']);
			await post('/Users', { userName: 'liam' });
			provider.restart();
			// Saved up to the look-up: liam's create, answered by the workflow, had not been saved yet.
			expect((await provider.call({ method: 'GET', path: '/Users' })).body).toMatchObject({
				totalResults: 1,
			});
		},
	);

	it('a look-up that finds the directory as stored changes no static data (n8n writes nothing)', async () => {
		await post('/Users', { userName: 'mia' });
		const stored = provider.stored;
		provider.restart();
		await provider.call({ method: 'GET', path: '/Users' });
		expect((await provider.call({ method: 'GET', path: '/Users' })).body).toMatchObject({
			totalResults: 1,
		});
		expect(provider.changedFlags.slice(-2)).toEqual([false, false]);
		expect(provider.stored).toBe(stored);
	});

	it('the webhook descriptions hand the mode to n8n from the parameter', () => {
		expect(new Set(trigger.description.webhooks!.map((w) => w.responseMode))).toEqual(
			new Set(['={{$parameter["respond"] || "onReceived"}}']),
		);
	});
});

describe('the ID map', () => {
	it("two creates at once both land, whichever of n8n's static-data saves lands last", async () => {
		provider.holdSaves = true;
		const [a, b] = await Promise.all([
			post('/Users', { userName: 'u-a' }),
			post('/Users', { userName: 'u-b' }),
		]);
		expect([a.status, b.status]).toEqual([201, 201]);
		// Each request loaded the same old static data; the earlier request's save lands last.
		provider.heldSaves.reverse().forEach((save) => save());
		expect(
			provider
				.storedDirectory()
				.users.map((u) => u.userName)
				.sort(),
		).toEqual(['u-a', 'u-b']);
		provider.restart();
		provider.holdSaves = false;
		const list = await provider.call({ method: 'GET', path: '/Users' });
		expect(list.body).toMatchObject({ totalResults: 2 });
	});

	it('many concurrent creates, updates and a duplicate: every change once, the duplicate refused', async () => {
		provider.holdSaves = true;
		const answers = await Promise.all([
			...Array.from({ length: 30 }, (_, i) => post('/Users', { userName: `bulk${i}` })),
			post('/Users', { userName: 'BULK7' }),
		]);
		expect(answers.filter((a) => a.status === 201)).toHaveLength(30);
		expect(answers.filter((a) => a.status === 409)).toHaveLength(1);
		provider.heldSaves.reverse().forEach((save) => save());
		expect(provider.storedDirectory().users).toHaveLength(30);
		expect(provider.items().filter((i) => i.event === 'user.created')).toHaveLength(30);
	});

	it('survives a restart: ids, look-ups and uniqueness come back from static data', async () => {
		const created = await post('/Users', { userName: 'grace', externalId: 'ext-g' });
		provider.restart();
		const found = await provider.call({
			method: 'GET',
			path: `/Users?filter=${encodeURIComponent('externalId eq "ext-g" and userName eq "GRACE"')}`,
		});
		expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: created.body!.id }] });
		expect((await post('/Users', { userName: 'grace' })).status).toBe(409);
	});

	it('a newer directory saved by another process is adopted', async () => {
		await post('/Users', { userName: 'henry' });
		// Another process added a user and saved a higher revision.
		const data = JSON.parse(provider.stored);
		data.global['scimDirectory:node-scim-trigger'].revision += 5;
		data.global['scimDirectory:node-scim-trigger'].users.push({
			id: 'elsewhere',
			userName: 'ivy',
			schemas: [],
			meta: {},
		});
		provider.stored = JSON.stringify(data);
		expect((await provider.call({ method: 'GET', path: '/Users' })).body).toMatchObject({
			totalResults: 2,
		});
	});

	it('the test URL and the production URL keep separate directories', async () => {
		await provider.call({
			method: 'POST',
			path: '/Users',
			body: { userName: 'jack' },
			mode: 'manual',
		});
		expect((await provider.call({ method: 'GET', path: '/Users' })).body).toMatchObject({
			totalResults: 0,
		});
		expect(
			(await provider.call({ method: 'GET', path: '/Users', mode: 'manual' })).body,
		).toMatchObject({ totalResults: 1 });
	});
});
