import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { N8nHarness } from '../test/harness/n8n';
import type { JobContext } from './jobs';
import { assertRun, harnessFor, rawWidth } from './jobs';
import { RawClient } from './undiciRunner';

/**
 * `npm run bench -- --reconcile`: User → Reconcile over the generated directory (every user in
 * the root and its sub-units) against an HR source with 2% changes: display names, moves, leavers
 * and as many new hires. Beside it the same diff done the usual way without this package: n8n's
 * HTTP Request node reads the units and the users of each (its own pagination), a Code node's
 * worth of JavaScript computes the changes, and one HTTP Request run per kind of change sends them.
 */

export type ReconcileWay = 'node' | 'nodeAutoMap' | 'httpRequest';

interface Person extends IDataObject {
	id: string;
	login: string;
	name: string;
	mail: string;
	ou: string;
}

export interface ReconcileData {
	rows: Person[];
	changes: number;
}

/** The directory as it is (read raw, not measured), and the HR rows: it with every 50th person changed. */
export async function reconcileSource(ctx: JobContext): Promise<ReconcileData> {
	const client = new RawClient(ctx.emulator.target, rawWidth(ctx));
	await client.authenticate();
	const people: Person[] = [];
	try {
		const ous = [ctx.emulator.rootOu];
		for (let i = 0; i < ous.length; i++) {
			const body = (await client.json(
				'GET',
				`/organizationalUnits?parentId=${ous[i]}&pageSize=100`,
			)) as { data: Array<{ organizationalUnitId: string }> };
			ous.push(...body.data.map((ou) => ou.organizationalUnitId));
		}
		for (const ou of ous) {
			for (let page = 1; ; page++) {
				const body = (await client.json(
					'GET',
					`/users?organizationalUnitId=${ou}&pageSize=100&pageNumber=${page}`,
				)) as { data: IDataObject[] };
				for (const u of body.data)
					people.push({
						id: String(u.userExternalId),
						login: String(u.username),
						name: String(u.displayName),
						mail: String(u.email),
						ou,
					});
				if (body.data.length < 100) break;
			}
		}
		const units = ous;
		const rows: Person[] = [];
		let changes = 0;
		people.forEach((person, i) => {
			if (i % 50 !== 0) return void rows.push(person);
			changes++;
			const kind = (i / 50) % 3;
			if (kind === 0) rows.push({ ...person, name: `${person.name} (renamed)` });
			else if (kind === 1)
				rows.push({ ...person, ou: units[(units.indexOf(person.ou) + 1) % units.length] });
			else {
				// A leaver, and a new hire in their place.
				changes++;
				rows.push({
					id: `HIRE-${i}`,
					login: `hire${i}`,
					name: `Hire ${i}`,
					mail: `hire${i}@example.com`,
					ou: person.ou,
				});
			}
		});
		return { rows, changes };
	} finally {
		await client.close();
	}
}

async function reconcileNode(
	ctx: JobContext,
	data: ReconcileData,
	autoMap: boolean,
): Promise<number> {
	const mapped = { dataMode: 'autoMapInputData' };
	const items = autoMap
		? data.rows.map((r) => ({
				userExternalId: r.id,
				username: r.login,
				displayName: r.name,
				email: r.mail,
				primaryOrganizationalUnitId: r.ou,
			}))
		: data.rows;
	const result = await harnessFor(ctx).execute(
		ctx.idaasNode,
		autoMap
			? {
					resource: 'user',
					operation: 'reconcile',
					authorityOrganizationalUnitId: { __rl: true, mode: 'id', value: ctx.emulator.rootOu },
					dryRun: false,
					maxRemovals: 1000,
					...mapped,
					options: { concurrency: ctx.concurrency },
				}
			: {
					resource: 'user',
					operation: 'reconcile',
					authorityOrganizationalUnitId: { __rl: true, mode: 'id', value: ctx.emulator.rootOu },
					dryRun: false,
					maxRemovals: 1000,
					userExternalId: '={{ $json.id }}',
					username: '={{ $json.login }}',
					displayName: '={{ $json.name }}',
					primaryOrganizationalUnitId: { __rl: true, mode: 'id', value: '={{ $json.ou }}' },
					additionalFields: { email: '={{ $json.mail }}' },
					options: { concurrency: ctx.concurrency },
				},
		{ items },
	);
	if (result.error) throw new Error(`node: ${result.error.message}`);
	const changed = result.items.filter((item) => item.json.applied === true).length;
	if (changed !== data.changes)
		throw new Error(`node applied ${changed} changes, expected ${data.changes}`);
	return changed;
}

/** The HTTP Request node's way: list with its pagination, diff in JavaScript, one run per kind of write. */
async function reconcileHttpRequest(ctx: JobContext, data: ReconcileData): Promise<number> {
	const node = ctx.httpRequestNode;
	if (!node) throw new Error('n8n HTTP Request node not available');
	const { target } = ctx.emulator;
	const prefix = `${target.baseUrl}/v2/${target.instanceId}/${target.applicationId}`;
	const harness = new N8nHarness({});
	const http = async (parameters: INodeParameters, items: IDataObject[] = [{}]) => {
		const result = await harness.execute(
			node,
			{
				sendHeaders: true,
				headerParameters: {
					parameters: [{ name: 'Authorization', value: '=Bearer {{ $json.token }}' }],
				},
				options: {},
				...parameters,
			},
			{ typeName: 'httpRequest', typeVersion: 4.2, items },
		);
		if (result.error) throw new Error(`HTTP Request node: ${result.error.message}`);
		return result.items;
	};
	const [tokenItem] = await http({
		method: 'POST',
		url: `${prefix}/oauth2/token`,
		sendHeaders: false,
		sendBody: true,
		contentType: 'form-urlencoded',
		bodyParameters: {
			parameters: [
				{ name: 'grant_type', value: 'client_credentials' },
				{ name: 'client_id', value: target.clientId },
				{ name: 'client_secret', value: target.clientSecret },
			],
		},
	});
	const token = String(tokenItem.json.access_token);
	const paged = (url: string) => ({
		method: 'GET',
		url,
		options: {
			pagination: {
				pagination: {
					parameters: {
						parameters: [
							{ type: 'qs', name: 'pageNumber', value: '={{ $pageCount + 1 }}' },
							{ type: 'qs', name: 'pageSize', value: '100' },
						],
					},
					paginationCompleteWhen: 'other',
					completeExpression: '={{ $response.body.data.length < 100 }}',
					limitPagesFetched: false,
				},
			},
		},
	});
	// The units level by level, then each unit's users (one input item per unit, each paginated).
	const ous = [ctx.emulator.rootOu];
	let level = [ctx.emulator.rootOu];
	while (level.length > 0) {
		const pages = await http(
			paged(`=${prefix}/organizationalUnits?parentId={{ $json.ou }}`),
			level.map((ou) => ({ ou, token })),
		);
		level = pages.flatMap((page) =>
			((page.json.data as IDataObject[]) ?? []).map((ou) => String(ou.organizationalUnitId)),
		);
		ous.push(...level);
	}
	const userPages = await http(
		paged(`=${prefix}/users?organizationalUnitId={{ $json.ou }}`),
		ous.map((ou) => ({ ou, token })),
	);
	// The Code node: index the directory by external ID and compare every HR row with it.
	const current = new Map<string, IDataObject>();
	for (const page of userPages) {
		const ou = ous[(page.pairedItem as { item: number }).item];
		for (const user of (page.json.data as IDataObject[]) ?? [])
			current.set(String(user.userExternalId), { ...user, ou });
	}
	const seen = new Set<string>();
	const patches: IDataObject[] = [];
	const moves: IDataObject[] = [];
	const creates: IDataObject[] = [];
	for (const row of data.rows) {
		const user = current.get(row.id);
		seen.add(row.id);
		if (!user)
			creates.push({
				token,
				body: {
					username: row.login,
					displayName: row.name,
					email: row.mail,
					emailVerified: true,
					userExternalId: row.id,
					primaryOrganizationalUnitId: row.ou,
				},
			});
		else {
			if (user.displayName !== row.name)
				patches.push({ token, userId: user.userId, body: { displayName: row.name } });
			if (user.ou !== row.ou)
				moves.push({ token, userId: user.userId, body: { organizationalUnitId: row.ou } });
		}
	}
	const disables = [...current.values()]
		.filter((u) => !seen.has(String(u.userExternalId)) && u.status !== 'disabled')
		.map((u) => ({ token, userId: u.userId }));
	const send = async (method: string, path: string, items: IDataObject[], withBody = true) => {
		if (items.length === 0) return 0;
		const out = await http(
			{
				method,
				url: `=${prefix}${path}`,
				...(withBody
					? {
							sendBody: true,
							contentType: 'json',
							specifyBody: 'json',
							jsonBody: '={{ JSON.stringify($json.body) }}',
						}
					: {}),
			},
			items,
		);
		assertRun({ items: out }, items.length, `HTTP Request node ${method} ${path}`);
		return items.length;
	};
	const changed =
		(await send('PATCH', '/users/{{ $json.userId }}', patches)) +
		(await send(
			'POST',
			'/users/{{ $json.userId }}/actions/setUserPrimaryOrganizationalUnit',
			moves,
		)) +
		(await send('POST', '/users/{{ $json.userId }}/actions/disable', disables, false)) +
		(await send('POST', '/users', creates));
	if (changed !== data.changes)
		throw new Error(`HTTP Request node made ${changed} changes, expected ${data.changes}`);
	return changed;
}

export async function reconcileJob(
	ctx: JobContext,
	way: ReconcileWay,
	data: ReconcileData,
): Promise<number> {
	return way === 'httpRequest'
		? await reconcileHttpRequest(ctx, data)
		: await reconcileNode(ctx, data, way === 'nodeAutoMap');
}
