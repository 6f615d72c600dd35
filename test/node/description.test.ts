import type { INodeProperties } from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers, nodeNameToToolName } from 'n8n-workflow';

import { CATALOG, RESOURCES } from '../../nodes/AlibabaIdaas/catalog';
import { toolText } from '../../nodes/AlibabaIdaas/description/toolText';
import { mapWithConcurrency } from '../../nodes/AlibabaIdaas/transport/concurrency';
import { node } from './support';

const properties = node.description.properties;
const operationProperties = properties.filter((p) => p.name === 'operation');
const pickers = operationProperties;
const optionsOf = (p: INodeProperties) => p.options as Array<{ value: string; action?: string }>;

/** A node of this type as n8n resolves it: its parameters with the defaults of its version. */
function resolved(parameters: Record<string, unknown>, typeVersion: number, tool = false) {
	const type = tool
		? { ...node.description, name: `${node.description.name}Tool` }
		: node.description;
	const n = {
		id: '1',
		name: 'IDaaS',
		type: type.name,
		typeVersion,
		position: [0, 0] as [number, number],
		parameters: {},
	};
	return {
		...n,
		parameters:
			NodeHelpers.getNodeParameters(properties, parameters as never, true, false, n, type) ?? {},
	};
}

test('every catalog operation is in its resource picker with the catalog action label', () => {
	for (const op of CATALOG) {
		for (const picker of pickers.filter((p) =>
			p.displayOptions?.show?.resource?.includes(op.resource),
		)) {
			expect(optionsOf(picker).find((o) => o.value === op.operation)?.action).toBe(op.panelText);
		}
	}
	expect([...new Set(pickers.map((p) => p.displayOptions?.show?.resource?.[0]))]).toEqual(
		RESOURCES.map((r) => r.value),
	);
	for (const p of [...operationProperties, properties.find((q) => q.name === 'resource')!])
		expect(p.noDataExpression).toBe(true);
});

test('a tool dropped onto an agent as it is reads: from version 1.1 user, OU and group default to Get; 1 keeps Create', () => {
	const defaults = (v: number) =>
		Object.fromEntries(
			RESOURCES.map((r) => [r.value, resolved({ resource: r.value }, v).parameters.operation]),
		);
	expect(defaults(1.1)).toEqual({
		user: 'get',
		organizationalUnit: 'get',
		group: 'get',
		application: 'getProvisioningScope',
		token: 'generate',
		cloudAccountRole: 'obtainAccessCredential',
		// PAM: their first operations write (a credential, a JWT); the defaults read.
		credential: 'obtain',
		authenticationToken: 'getAll',
		oauthAuthorizationSession: 'get',
	});
	expect(defaults(1)).toMatchObject({
		user: 'create',
		organizationalUnit: 'create',
		group: 'create',
	});
	expect(node.description).toMatchObject({ version: [1, 1.1, 1.2], defaultVersion: 1.2 });
	for (const op of CATALOG.filter((o) => o.method === 'GET'))
		expect(
			resolved({ resource: op.resource, operation: op.operation }, 1.1).parameters.operation,
		).toBe(op.operation);
});

/** The AI tool variant n8n derives from the node (cli convertNodeToAiTool): same properties, name ending in Tool. */
const toolType = {
	...node.description,
	name: `${node.description.name}Tool`,
	inputs: [],
	outputs: [NodeConnectionTypes.AiTool],
};

test('n8n describes each operation to a model with its catalog tool text, and names nodes with the short panel text', () => {
	for (const op of CATALOG) {
		const parameters = { resource: op.resource, operation: op.operation };
		const tool = resolved(parameters, 1.1, true);
		expect(tool.parameters.operation).toBe(op.operation);
		expect(
			NodeHelpers.getToolDescriptionForNode(tool as never, { description: toolType } as never),
		).toBe(toolText(op));
		// A node added from the nodes panel is named after the action; as a tool, that name is the tool's name (OpenAI: at most 64 characters).
		expect(NodeHelpers.makeNodeName(parameters, node.description)).toBe(op.panelText);
		const toolName = nodeNameToToolName(NodeHelpers.makeNodeName(parameters, toolType));
		expect(toolName).toBe(nodeNameToToolName(`${op.panelText} in Alibaba Cloud IDaaS`));
		expect(toolName.length).toBeLessThanOrEqual(64);
		// The plain node carries none of it.
		const plain = resolved(parameters, 1.1).parameters;
		expect([plain.descriptionType, plain.toolDescription]).toEqual([undefined, undefined]);
	}
	const text = (resource: string, operation: string) =>
		NodeHelpers.getToolDescriptionForNode(
			resolved({ resource, operation }, 1.1, true) as never,
			{ description: toolType } as never,
		);
	expect(text('user', 'get')).toBe(
		'Get a user (User: a user ID, user_…; returns the user with its ID) in Alibaba Cloud IDaaS',
	);
	expect(text('user', 'getIdByUsername')).toBe(
		'Get a user ID by username (Username; returns userId: user_…) in Alibaba Cloud IDaaS',
	);
	expect(text('group', 'addUsers')).toBe(
		'Add users to a group (Group: a group ID, group_…; Users: user IDs, user_…; returns success: true) in Alibaba Cloud IDaaS',
	);
	expect(text('user', 'upsert')).toBe(
		'Create or update a user (creates it, or updates the one that already exists) in Alibaba Cloud IDaaS',
	);
	expect(text('user', 'getAll')).toBe(
		'Get many users (optional Organizational Unit: an organizational unit ID, ou_…; returns a list of users with their IDs) in Alibaba Cloud IDaaS',
	);
	expect(text('token', 'generate')).toBe(
		'Generate a token (Grant Type; returns the answer of IDaaS; access_token, refresh_token, id_token read [redacted] unless "Include Token Values" is on in the node) in Alibaba Cloud IDaaS',
	);
});

test('Tool Description "Set Manually" starts from the operation\'s text and keeps what the user wrote', () => {
	const manual = resolved(
		{ resource: 'user', operation: 'get', descriptionType: 'manual' },
		1.1,
		true,
	);
	expect(manual.parameters.toolDescription).toBe(
		'Get a user (User: a user ID, user_…; returns the user with its ID) in Alibaba Cloud IDaaS',
	);
	const own = resolved(
		{
			resource: 'user',
			operation: 'get',
			descriptionType: 'manual',
			toolDescription: 'Look a person up',
		},
		1.1,
		true,
	);
	expect(
		NodeHelpers.getToolDescriptionForNode(own as never, { description: toolType } as never),
	).toBe('Look a person up');
	// The editor shows the manual text only on the tool, and only when chosen.
	const shown = (p: Record<string, unknown>, tool: boolean) =>
		properties.filter(
			(q) =>
				q.name === 'toolDescription' &&
				q.type !== 'hidden' &&
				NodeHelpers.displayParameter(
					p as never,
					q,
					resolved(p, 1.1, tool) as never,
					tool ? toolType : node.description,
				),
		);
	expect(
		shown({ resource: 'user', operation: 'get', descriptionType: 'manual' }, true),
	).toHaveLength(1);
	expect(
		shown({ resource: 'user', operation: 'get', descriptionType: 'manual' }, false),
	).toHaveLength(0);
	expect(shown({ resource: 'user', operation: 'get' }, true)).toHaveLength(0);
});

test('n8n conventions: Limit, Return All, Simplify, booleans, metadata', () => {
	const desc = node.description;
	expect(desc).toMatchObject({
		name: 'alibabaIdaas',
		usableAsTool: true,
		credentials: [{ name: 'alibabaIdaasApi', required: true }],
	});
	expect(desc.icon).toEqual({ light: 'file:alibabaIdaas.svg', dark: 'file:alibabaIdaas.dark.svg' });
	const all = (list: INodeProperties[]): INodeProperties[] =>
		list.flatMap((p) => [
			p,
			...all(
				((p.options ?? []) as INodeProperties[]).flatMap((o) =>
					'values' in o ? (o.values as INodeProperties[]) : 'type' in o ? [o] : [],
				),
			),
		]);
	const flat = all(properties);
	for (const p of flat.filter((x) => x.name === 'limit'))
		expect(p).toMatchObject({
			default: 50,
			typeOptions: { minValue: 1 },
			description: 'Max number of results to return',
		});
	for (const p of flat.filter((x) => x.name === 'returnAll'))
		expect(p.description).toBe('Whether to return all results or only up to a given limit');
	for (const p of flat.filter((x) => x.name === 'simplify'))
		expect(p).toMatchObject({
			default: true,
			description: 'Whether to return a simplified version of the response instead of the raw data',
		});
	for (const p of flat.filter((x) => x.type === 'boolean'))
		expect(p.description).toMatch(/^Whether /);
	const lists = CATALOG.filter((op) => op.pagination).map((op) => `${op.resource}:${op.operation}`);
	const limited = flat
		.filter((p) => p.name === 'limit')
		.map((p) => `${p.displayOptions?.show?.resource}:${p.displayOptions?.show?.operation}`);
	expect(limited.sort()).toEqual(lists.sort());
	const concurrency = flat.find((p) => p.name === 'concurrency');
	expect(concurrency).toMatchObject({ default: 5, typeOptions: { minValue: 1, maxValue: 50 } });
});

test('user, OU and group fields are resource locators; users also by username and email', () => {
	const locators = properties.filter((p) => p.type === 'resourceLocator');
	expect(new Set(locators.map((p) => p.name))).toEqual(
		new Set([
			'userId',
			'organizationalUnitId',
			'groupId',
			'primaryOrganizationalUnitId',
			'parentId',
			'authorityOrganizationalUnitId',
			'leaversOrganizationalUnitId',
		]),
	);
	const user = locators.find((p) => p.name === 'userId');
	expect(user?.modes?.map((m) => m.name)).toEqual(['list', 'id', 'username', 'email']);
	expect(user?.modes?.[1].validation?.[0]).toMatchObject({
		properties: { regex: '^user_[A-Za-z0-9_-]+$' },
	});
});

test('mapWithConcurrency keeps order, bounds parallelism and reports the first failing item', async () => {
	let running = 0;
	let peak = 0;
	const out = await mapWithConcurrency(20, 3, async (i) => {
		running++;
		peak = Math.max(peak, running);
		await new Promise((r) => setImmediate(r));
		running--;
		return i * 2;
	});
	expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
	expect(peak).toBe(3);
	await expect(
		mapWithConcurrency(10, 4, async (i) => {
			await new Promise((r) => setImmediate(r));
			if (i === 2 || i === 3) throw new Error(`item ${i}`);
			return i;
		}),
	).rejects.toThrow('item 2');
});
