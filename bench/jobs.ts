import type { IDataObject, INodeParameters, INodeType, IVersionedNodeType } from 'n8n-workflow';

import { emulatorCredential } from '../test/harness/credential';
import { N8nHarness } from '../test/harness/n8n';
import type { EmulatorProcess } from './emulatorProcess';
import type { Target } from './undiciRunner';
import { RawClient, mapConcurrent } from './undiciRunner';

/**
 * The benchmark jobs, each done three ways against the same emulator data:
 * - `node`: this package's node inside n8n-core's execution code,
 * - `httpRequest`: n8n's own HTTP Request node, the way users do it without this package
 *   (one token request, then one request per item, each item carrying the token),
 * - `undici`: raw HTTP at the same concurrency, the floor.
 */

export type Approach = 'node' | 'httpRequest' | 'undici';

export interface JobContext {
	emulator: EmulatorProcess;
	/** Requests in flight for raw undici, and the node's fixed Concurrency; 'auto' leaves the node on its default. */
	concurrency: number | 'auto';
	idaasNode: INodeType;
	httpRequestNode?: IVersionedNodeType;
}

/** The credential for the emulator process: its URL as the custom endpoint, and its application. */
export function credentialFor(target: Target) {
	return emulatorCredential({
		url: target.baseUrl,
		instanceId: target.instanceId,
		application: target,
	});
}

export function harnessFor(ctx: JobContext): N8nHarness {
	return new N8nHarness(credentialFor(ctx.emulator.target));
}

export function assertRun(
	result: { error?: Error; items: unknown[] },
	expected: number,
	what: string,
): void {
	if (result.error) throw new Error(`${what}: ${result.error.message}`);
	if (result.items.length !== expected)
		throw new Error(`${what}: ${result.items.length} items, expected ${expected}`);
}

/** How a careful user sets the HTTP Request node up for a tenant limit: batches, and items that fail kept. */
export interface HttpRequestSetup {
	/** The node's Batching option: this many items, then a pause of `interval` ms. */
	batching?: { size: number; interval: number };
	/** On Error: Continue, so a failed item is counted instead of stopping the run. */
	continueOnFail?: boolean;
}

/** n8n's HTTP Request node: one run for the token, then one run over all items; returns the items that failed. */
export async function httpRequestRun(
	ctx: JobContext,
	items: IDataObject[],
	request: { method: string; path: string; jsonBody?: string },
	setup: HttpRequestSetup = {},
): Promise<number> {
	const node = ctx.httpRequestNode;
	if (!node) throw new Error('n8n HTTP Request node not available');
	const { target } = ctx.emulator;
	const harness = new N8nHarness({});
	const prefix = `${target.baseUrl}/v2/${target.instanceId}/${target.applicationId}`;
	const token = await harness.execute(
		node,
		{
			method: 'POST',
			url: `${prefix}/oauth2/token`,
			sendBody: true,
			contentType: 'form-urlencoded',
			bodyParameters: {
				parameters: [
					{ name: 'grant_type', value: 'client_credentials' },
					{ name: 'client_id', value: target.clientId },
					{ name: 'client_secret', value: target.clientSecret },
				],
			},
			options: {},
		},
		{ typeName: 'httpRequest', typeVersion: 4.2 },
	);
	const accessToken = token.items[0]?.json.access_token as string;
	if (!accessToken) throw new Error(`HTTP Request token step failed: ${token.error?.message}`);
	const withToken = items.map((item) => ({ ...item, token: accessToken }));
	const result = await harness.execute(
		node,
		{
			method: request.method,
			url: `=${prefix}${request.path}`,
			sendHeaders: true,
			headerParameters: {
				parameters: [{ name: 'Authorization', value: '=Bearer {{ $json.token }}' }],
			},
			...(request.jsonBody
				? { sendBody: true, contentType: 'json', specifyBody: 'json', jsonBody: request.jsonBody }
				: {}),
			options: setup.batching
				? {
						batching: {
							batch: { batchSize: setup.batching.size, batchInterval: setup.batching.interval },
						},
					}
				: {},
		},
		{
			typeName: 'httpRequest',
			typeVersion: 4.2,
			items: withToken,
			continueOnFail: setup.continueOnFail,
		},
	);
	assertRun(result, items.length, 'HTTP Request node');
	return failedItems(result.items);
}

/** Output items that carry an error (On Error: Continue). */
export function failedItems(items: Array<{ json: IDataObject }>): number {
	return items.filter((item) => item.json.error !== undefined).length;
}

/** The node's Options: a fixed Concurrency, or none (its automatic default). */
export function nodeOptions(ctx: JobContext): INodeParameters {
	return ctx.concurrency === 'auto' ? {} : { concurrency: ctx.concurrency };
}

/** Raw undici's requests in flight: the fixed number, or the automatic mode's cap. */
export function rawWidth(ctx: JobContext): number {
	return ctx.concurrency === 'auto' ? 50 : ctx.concurrency;
}

async function rawClient(ctx: JobContext): Promise<RawClient> {
	const client = new RawClient(ctx.emulator.target, rawWidth(ctx));
	await client.authenticate();
	return client;
}

/** Creates `count` users; returns how many items failed (only with `setup.continueOnFail`, else a failure throws). */
export async function createUsers(
	ctx: JobContext,
	approach: Approach,
	count: number,
	setup: HttpRequestSetup = {},
): Promise<number> {
	const rows = Array.from({ length: count }, (_, i) => ({
		username: `bench.${approach}.${i}`,
		displayName: `Bench ${approach} ${i}`,
	}));
	const ou = ctx.emulator.rootOu;
	if (approach === 'node') {
		const result = await harnessFor(ctx).execute(
			ctx.idaasNode,
			{
				resource: 'user',
				operation: 'create',
				username: '={{ $json.username }}',
				primaryOrganizationalUnitId: { __rl: true, mode: 'id', value: ou },
				displayName: '={{ $json.displayName }}',
				additionalFields: {},
				options: nodeOptions(ctx),
			},
			{ items: rows, continueOnFail: setup.continueOnFail },
		);
		assertRun(result, count, 'node');
		return failedItems(result.items);
	}
	if (approach === 'httpRequest') {
		return await httpRequestRun(
			ctx,
			rows,
			{
				method: 'POST',
				path: '/users',
				jsonBody: `={{ JSON.stringify({ username: $json.username, displayName: $json.displayName, primaryOrganizationalUnitId: "${ou}" }) }}`,
			},
			setup,
		);
	}
	const client = await rawClient(ctx);
	try {
		await mapConcurrent(rows, rawWidth(ctx), (row) =>
			client.json('POST', '/users', { ...row, primaryOrganizationalUnitId: ou }),
		);
	} finally {
		await client.close();
	}
	return 0;
}

/** `wrap` names a function the node's expressions call on each field (bench/attribution.ts), so n8n must evaluate them. */
export async function patchUsers(
	ctx: JobContext,
	approach: Approach,
	userIds: string[],
	wrap = '',
): Promise<number> {
	const rows = userIds.map((userId, i) => ({ userId, displayName: `Patched ${approach} ${i}` }));
	if (approach === 'node') {
		const field = (name: string) =>
			wrap ? `={{ ${wrap}($json.${name}) }}` : `={{ $json.${name} }}`;
		const result = await harnessFor(ctx).execute(
			ctx.idaasNode,
			{
				resource: 'user',
				operation: 'update',
				userId: { __rl: true, mode: 'id', value: field('userId') },
				updateFields: { displayName: field('displayName') },
				options: nodeOptions(ctx),
			},
			{ items: rows },
		);
		assertRun(result, rows.length, 'node');
		return rows.length;
	}
	if (approach === 'httpRequest') {
		await httpRequestRun(ctx, rows, {
			method: 'PATCH',
			path: '/users/{{ $json.userId }}',
			jsonBody: '={{ JSON.stringify({ displayName: $json.displayName }) }}',
		});
		return rows.length;
	}
	const client = await rawClient(ctx);
	try {
		await mapConcurrent(rows, rawWidth(ctx), (row) =>
			client.json('PATCH', `/users/${row.userId}`, { displayName: row.displayName }),
		);
	} finally {
		await client.close();
	}
	return rows.length;
}

/** Reads every user with ListUsers at the largest page size. */
export async function listAllUsers(
	ctx: JobContext,
	approach: Approach,
	expected: number,
): Promise<number> {
	if (approach === 'node') {
		const result = await harnessFor(ctx).execute(ctx.idaasNode, {
			resource: 'user',
			operation: 'getAll',
			returnAll: true,
			simplify: false,
			filters: {},
			// The same bound as raw undici's pages (the writes do the same).
			options: nodeOptions(ctx),
		});
		assertRun(result, expected, 'node');
		return expected;
	}
	if (approach === 'httpRequest') {
		// Users page by hand in a loop; the HTTP Request node's own pagination option does that.
		const node = ctx.httpRequestNode;
		if (!node) throw new Error('n8n HTTP Request node not available');
		const { target } = ctx.emulator;
		const harness = new N8nHarness({});
		const result = await harness.execute(
			node,
			{
				method: 'GET',
				url: `${target.baseUrl}/v2/${target.instanceId}/${target.applicationId}/users`,
				sendQuery: true,
				queryParameters: { parameters: [{ name: 'pageSize', value: '100' }] },
				sendHeaders: true,
				headerParameters: {
					parameters: [{ name: 'Authorization', value: `Bearer ${await tokenOf(ctx)}` }],
				},
				options: {
					pagination: {
						pagination: {
							parameters: {
								parameters: [{ type: 'qs', name: 'pageNumber', value: '={{ $pageCount + 1 }}' }],
							},
							paginationCompleteWhen: 'other',
							completeExpression: '={{ $response.body.data.length < 100 }}',
							limitPagesFetched: false,
						},
					},
				},
			},
			{ typeName: 'httpRequest', typeVersion: 4.2 },
		);
		if (result.error) throw new Error(`HTTP Request node: ${result.error.message}`);
		const total = result.items.reduce(
			(sum, item) => sum + ((item.json.data as unknown[]) ?? []).length,
			0,
		);
		if (total !== expected)
			throw new Error(`HTTP Request node listed ${total}, expected ${expected}`);
		return total;
	}
	// As the node does: page 1 gives the total, then the other pages at the same concurrency.
	const client = await rawClient(ctx);
	let total = 0;
	try {
		const page = async (n: number) =>
			(await client.json('GET', `/users?pageNumber=${n}&pageSize=100`)) as {
				data: unknown[];
				totalCount: number;
			};
		const first = await page(1);
		const rest = Array.from(
			{ length: Math.max(0, Math.ceil(first.totalCount / 100) - 1) },
			(_, i) => i + 2,
		);
		const pages = [first, ...(await mapConcurrent(rest, rawWidth(ctx), page))];
		total = pages.reduce((sum, body) => sum + body.data.length, 0);
	} finally {
		await client.close();
	}
	if (total !== expected) throw new Error(`undici listed ${total}, expected ${expected}`);
	return total;
}

async function tokenOf(ctx: JobContext): Promise<string> {
	const { target } = ctx.emulator;
	const response = await fetch(
		`${target.baseUrl}/v2/${target.instanceId}/${target.applicationId}/oauth2/token`,
		{
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'client_credentials',
				client_id: target.clientId,
				client_secret: target.clientSecret,
			}),
		},
	);
	return ((await response.json()) as { access_token: string }).access_token;
}

/** All user IDs, for the patch job's input (not measured). */
export async function userIdsOf(ctx: JobContext, count: number): Promise<string[]> {
	const client = await rawClient(ctx);
	const ids: string[] = [];
	try {
		await client.eachPage<{ userId: string }>('/users', (data) =>
			ids.push(...data.map((user) => user.userId)),
		);
	} finally {
		await client.close();
	}
	return ids.slice(0, count);
}
