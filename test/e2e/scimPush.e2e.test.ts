/**
 * End to end, the SCIM Trigger in a real `n8n start` (2.8.4, and 2.41.1 on Node 24 unless E2E_SKIP_LATEST=1): the
 * scim-provisioning example (set to every change) is published, the emulator's SCIM client (emulator/scim/, idaas
 * preset, four requests at once) pushes into its production URL, and the example creates and deactivates accounts
 * in a stand-in app. 200 users created, 20 updated, 10 deactivated, 5 deleted, 3 groups with members added, removed
 * and one renamed: every change is exactly one item; a full push of the same directory and two pushes at once add
 * nothing; a wrong token is answered 401 and starts nothing.
 *
 * Counting without a clock: after each round, one more user (a marker) is created. Every request of the round was
 * answered before the marker's was sent, and n8n starts a request's execution as soon as the trigger has answered,
 * so when the marker's execution (three nodes, an HTTP call) has ended, every execution of the round has started,
 * and counting once they all ended sees each of them: a change pushed twice would show as a line twice.
 */
import { randomBytes } from 'crypto';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { startEmulator, type Emulator } from '../../emulator/server';
import { recordOutput, recordSecret } from '../setup/leakGuard';
import {
	describeE2E,
	ensureBuilt,
	ensureN8n,
	loadExample,
	N8nPaths,
	N8nSandbox,
	requireFromN8n,
	waitFor,
} from './helpers/n8n';

// Timeouts only catch a hang: a loaded machine (other n8n instances, mutation runs) makes a round take minutes.
jest.setTimeout(25 * 60_000);

const SCIM_TRIGGER = 'n8n-nodes-alibaba-idaas.alibabaIdaasScimTrigger';
/** E2E_SCIM_VERSIONS=2.41.1 runs one version only (as E2E_WALK_VERSIONS does for the walk). */
const VERSIONS = (process.env.E2E_SCIM_VERSIONS ?? '2.8.4,2.41.1')
	.split(',')
	.map((v) => v.trim())
	.filter((v) => v && !(v !== '2.8.4' && process.env.E2E_SKIP_LATEST === '1'));

/** The example's "accounts.example.com": records what the workflow asks of it, refusing calls without its API key. */
class StandInApp {
	created: any[] = [];
	deactivated: string[] = [];
	refused = 0;
	url = '';
	readonly apiKey = randomBytes(16).toString('hex');
	private server?: Server;

	async start(): Promise<this> {
		this.server = createServer(async (req, res) => {
			let text = '';
			for await (const chunk of req) text += chunk;
			const deactivate = /^\/api\/accounts\/([^/]+)\/deactivate$/.exec(req.url ?? '');
			let status = 200;
			if (req.headers['x-api-key'] !== this.apiKey) {
				this.refused++;
				status = 401;
			} else if (req.method === 'POST' && req.url === '/api/accounts')
				this.created.push(JSON.parse(text));
			else if (req.method === 'POST' && deactivate)
				this.deactivated.push(decodeURIComponent(deactivate[1]));
			else status = 404;
			res
				.writeHead(status, { 'content-type': 'application/json' })
				.end(JSON.stringify({ ok: status === 200 }));
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	close(): Promise<void> {
		this.server?.closeAllConnections();
		return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}

describeE2E('SCIM push into the SCIM Trigger', () => {
	describe.each(VERSIONS)('n8n %s', (version) => {
		let paths: N8nPaths;
		let emu: Emulator;
		let app: StandInApp;
		let n8n: N8nSandbox;
		let appId = '';
		let ouId = '';
		let markers = 0;
		const bearer = randomBytes(24).toString('hex');
		const started = Date.now();
		let workflow: any;
		let trigger: any;
		const base = () => `${n8n.baseUrl}/webhook/${trigger.webhookId}/${trigger.webhookId}`;
		/** Execution ID → its trigger items, for every finished execution read so far. */
		const read = new Map<string, any[]>();

		/**
		 * Every execution of the workflow, 100 a page (n8n's cap), newest first. n8n 2.8.4 pages by ID (firstId, lastId);
		 * later versions refuse those and hand out a `nextCursor` instead.
		 */
		async function executions(): Promise<any[]> {
			const byId = new Map<string, any>();
			const filter = `filter=${encodeURIComponent(JSON.stringify({ workflowId: workflow.id }))}&limit=100`;
			const byCursor = version !== '2.8.4';
			let next = byCursor ? '' : `&firstId=0&lastId=${Number.MAX_SAFE_INTEGER}`;
			for (;;) {
				const body = (await n8n.rest(`/rest/executions?${filter}${next}`)).data;
				const page: any[] = body.results ?? body;
				for (const e of page) byId.set(String(e.id), e);
				if (byCursor ? !body.nextCursor : page.length < 100) return [...byId.values()];
				next = byCursor
					? `&cursor=${body.nextCursor}`
					: `&firstId=0&lastId=${Math.min(...page.map((e) => Number(e.id)))}`;
			}
		}

		/** The trigger's items of every finished execution (each execution read once). */
		async function items(): Promise<any[]> {
			const { parse } = requireFromN8n(paths, 'flatted');
			const unread = (await executions()).filter(
				(e) => !read.has(e.id) && (e.finished || e.status === 'success'),
			);
			// Eight at a time: a round has hundreds.
			for (let i = 0; i < unread.length; i += 8) {
				await Promise.all(
					unread.slice(i, i + 8).map(async (e) => {
						const full = (await n8n.rest(`/rest/executions/${e.id}`)).data;
						const runData = parse(full.data).resultData.runData;
						read.set(
							e.id,
							runData[trigger.name][0].data.main[0].map((item: any) => item.json),
						);
					}),
				);
			}
			const all = [...read.values()].flat();
			recordOutput(`e2e ${version} scim trigger items`, all);
			return all;
		}

		/** One line per user changed or member added or removed. */
		const lines = (list: any[]) =>
			list.flatMap((item) =>
				item.objectType === 'user'
					? [`${item.event} ${item.user.username}`]
					: item.members && item.event !== 'group.created'
						? item.members.map((m: any) => `${item.event} ${item.group.groupName} ${m.username}`)
						: [`${item.event} ${item.group.groupName}`],
			);

		/** Waits until the push is done and a marker user's execution has finished; returns every item since `from`. */
		async function roundItems(from: number): Promise<string[]> {
			expect(await emu.scim.settled(600_000)).toBe(true);
			const marker = `marker.${++markers}`;
			emu.store.createUser({ username: marker, primaryOrganizationalUnitId: ouId } as never);
			expect(await emu.scim.settled(600_000)).toBe(true);
			await waitFor(
				async () =>
					(await items()).some((i) => i.event === 'user.created' && i.user.username === marker),
				{ timeoutMs: 600_000, intervalMs: 1000, what: marker },
			);
			await waitFor(
				async () =>
					(await executions()).every((e) => !['new', 'running', 'waiting'].includes(e.status)),
				{ timeoutMs: 600_000, intervalMs: 1000, what: 'every execution ended' },
			);
			expect(
				(await executions())
					.filter((e) => e.status !== 'success')
					.map((e) => `${e.id} ${e.status}`),
			).toEqual([]);
			return lines((await items()).slice(from)).filter((l) => l !== `user.created ${marker}`);
		}

		const count = (list: string[], prefix: string) =>
			list.filter((l) => l.startsWith(prefix)).length;

		beforeAll(async () => {
			ensureBuilt();
			paths = ensureN8n(version);
			emu = await startEmulator({ seed: 'demo' });
			app = await new StandInApp().start();
			recordSecret(bearer);
			recordSecret(app.apiKey);
			const example = loadExample('scim-provisioning');
			workflow = JSON.parse(
				JSON.stringify(example).replaceAll('https://accounts.example.com', app.url),
			);
			trigger = workflow.nodes.find((n: any) => n.type === SCIM_TRIGGER);
			trigger.parameters.events = ['*'];
			n8n = await N8nSandbox.create(paths, `scim-${version}`);
			await n8n.importCredentials([
				{
					...trigger.credentials.alibabaIdaasScimApi,
					type: 'alibabaIdaasScimApi',
					data: { bearerToken: bearer },
				},
				{
					...workflow.nodes.find((n: any) => n.name === 'Create the account').credentials
						.httpHeaderAuth,
					type: 'httpHeaderAuth',
					data: { name: 'X-Api-Key', value: app.apiKey },
				},
			]);
			await n8n.importWorkflows([workflow]);
			await n8n.publish(workflow.id);
			await n8n.startServer();
			await n8n.setupOwner();
			await waitFor(async () => (await fetch(`${base()}/ServiceProviderConfig`)).ok, {
				timeoutMs: 60_000,
				what: 'the SCIM base URL',
			});
			// Only a new unit and the groups created below are in the synchronization scope.
			appId = emu.application.applicationId;
			ouId = emu.store.createOu({
				organizationalUnitName: 'SCIM hires',
				parentId: emu.store.rootOrganizationalUnitId,
			} as never).organizationalUnitId;
			emu.store.updateApplication(appId, {
				provisioningScope: { organizationalUnitIds: [ouId], groupIds: [] },
			} as never);
		}, 20 * 60_000);

		afterAll(async () => {
			process.stderr.write(
				`[e2e] n8n ${version} SCIM push: ${((Date.now() - started) / 1000).toFixed(0)} s in all\n`,
			);
			await n8n?.dispose();
			await emu?.close();
			await app?.close();
		});

		test('a wrong token is answered 401 with a SCIM error and starts nothing', async () => {
			const r = await fetch(`${base()}/Users`, {
				method: 'POST',
				headers: { authorization: 'Bearer wrong', 'content-type': 'application/scim+json' },
				body: JSON.stringify({ userName: 'x' }),
			});
			expect(r.status).toBe(401);
			expect(await r.json()).toMatchObject({
				schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
				status: '401',
			});
			// The emulator's push with the wrong token: refused, not retried, reported.
			emu.scim.configure(appId, {
				url: base(),
				preset: 'idaas',
				auth: { mode: 'bearer', token: 'wrong-token' },
				retryDelayMs: 0,
			});
			const refused = emu.store.createUser({
				username: 'refused.user',
				primaryOrganizationalUnitId: ouId,
			} as never);
			expect(await emu.scim.settled(60_000)).toBe(true);
			expect(emu.scim.log.requests.map((q) => q.status)).toEqual([401]);
			expect(emu.scim.log.failures).toHaveLength(1);
			emu.store.deleteUser(refused.userId); // never pushed: deleting it sends nothing
			expect(await emu.scim.settled(60_000)).toBe(true);
			expect(await executions()).toEqual([]);
			expect(app.created).toEqual([]);
		});

		test('200 created, 20 updated, 10 deactivated, 5 deleted, 3 groups: every change exactly once as an item', async () => {
			const t0 = Date.now();
			emu.scim.configure(appId, {
				url: base(),
				preset: 'idaas',
				auth: { mode: 'bearer', token: bearer },
				retryDelayMs: 500,
				concurrency: 4,
			});
			emu.scim.log.reset();
			const { store } = emu;
			const users = Array.from({ length: 200 }, (_, i) => {
				const n = String(i + 1).padStart(3, '0');
				return store.createUser({
					username: `scim.${n}`,
					displayName: `SCIM Hire ${n}`,
					email: `scim.${n}@example.com`,
					primaryOrganizationalUnitId: ouId,
				} as never);
			});
			for (const u of users.slice(0, 20))
				store.patchUser(u.userId, { displayName: `${u.displayName} (moved)` } as never);
			for (const u of users.slice(20, 30)) store.setStatus(u.userId, 'disabled');
			for (const u of users.slice(30, 35)) store.deleteUser(u.userId);
			const groups = ['SCIM Alpha', 'SCIM Beta', 'SCIM Gamma'].map((groupName, g) => {
				const group = emu.createGroup({ groupName });
				const members = users.slice(40 + g * 10, 50 + g * 10).map((u) => u.userId);
				store.addUsersToGroup(group.groupId, members);
				store.removeUsersFromGroup(group.groupId, members.slice(0, 3));
				return group;
			});
			store.patchGroup(groups[2].groupId, { groupName: 'SCIM Gamma (renamed)' });
			const lines = await roundItems(0);
			process.stderr.write(
				`[e2e] n8n ${version}: ${emu.scim.log.toJSON().requests} SCIM requests, ${lines.length} changes, ${read.size} executions in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
			);

			expect([
				count(lines, 'user.created '),
				count(lines, 'user.updated '),
				count(lines, 'user.deactivated '),
				count(lines, 'user.deleted '),
			]).toEqual([200, 20, 10, 5]);
			expect([
				count(lines, 'group.created '),
				count(lines, 'group.membersAdded '),
				count(lines, 'group.membersRemoved '),
				count(lines, 'group.renamed '),
			]).toEqual([3, 30, 9, 1]);
			expect(lines).toHaveLength(200 + 20 + 10 + 5 + 3 + 30 + 9 + 1);
			expect(new Set(lines).size).toBe(lines.length);
			expect(emu.scim.log.failures).toEqual([]);
			// The example's work: an account per hire, deactivated for each leaver (disabled or deleted).
			expect(
				app.created
					.map((a) => a.username)
					.filter((u) => !u.startsWith('marker.'))
					.sort(),
			).toEqual(users.map((u) => u.username).sort());
			expect(app.created.find((a) => a.username === 'scim.001')).toEqual({
				username: 'scim.001',
				email: 'scim.001@example.com',
				displayName: 'SCIM Hire 001',
				idaasUserId: users[0].userId,
			});
			expect(app.deactivated.sort()).toEqual(
				users
					.slice(20, 35)
					.map((u) => u.username)
					.sort(),
			);
			expect(app.refused).toBe(0);
		});

		test('a full push of the same directory, then two at once with two hires meanwhile: only the hires are new', async () => {
			const before = (await items()).length;
			expect(emu.scim.fullPush(appId)).toEqual({ users: 195 + markers, groups: 3 });
			expect(await roundItems(before)).toEqual([]);

			const again = (await items()).length;
			emu.scim.configure(appId, { ...emu.scim.config(appId), concurrency: 8 });
			emu.scim.fullPush(appId);
			emu.scim.fullPush(appId);
			emu.store.createUser({ username: 'late.one', primaryOrganizationalUnitId: ouId } as never);
			emu.store.createUser({ username: 'late.two', primaryOrganizationalUnitId: ouId } as never);
			expect((await roundItems(again)).sort()).toEqual([
				'user.created late.one',
				'user.created late.two',
			]);
			expect(emu.scim.log.failures).toEqual([]);
			expect(emu.scim.log.requests.filter((q) => q.status === 409)).toEqual([]);
		});
	});
});
