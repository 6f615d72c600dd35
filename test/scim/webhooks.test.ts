import type { INode, IWebhookDescription } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { AlibabaIdaasScimTrigger } from '../../nodes/AlibabaIdaasScimTrigger/AlibabaIdaasScimTrigger.node';

/**
 * The URL layout, computed with n8n's own functions: NodeHelpers.getNodeWebhookPath gives the path n8n
 * stores in its webhook table (keyed by method and path), getNodeWebhookUrl the URL it shows. Every
 * SCIM path must come out under one base URL, and no stored path may be the same for two nodes.
 */

const trigger = new AlibabaIdaasScimTrigger();
const webhooks = trigger.description.webhooks!;
const BASE = 'https://n8n.example/webhook';

function nodeWith(webhookId: string): { node: INode; workflow: Workflow } {
	const node: INode = {
		id: 'n',
		name: 'SCIM',
		type: 'scim',
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters: { respond: 'lastNode' },
	};
	const workflow = new Workflow({
		id: 'wf',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: {
			getByName: () => trigger,
			getByNameAndVersion: () => trigger,
			getKnownTypes: () => ({}),
		} as never,
	});
	return { node, workflow };
}

/** What n8n's WebhookService.getNodeWebhooks does with a description (packages/cli/src/webhooks/webhook.service.ts). */
function registered(webhookId: string, description: IWebhookDescription) {
	const { node, workflow } = nodeWith(webhookId);
	const path = String(
		workflow.expression.getSimpleParameterValue(node, description.path, 'internal', {}),
	);
	const isFullPath = workflow.expression.getSimpleParameterValue(
		node,
		description.isFullPath,
		'internal',
		{},
		undefined,
		false,
	) as boolean;
	return {
		stored: NodeHelpers.getNodeWebhookPath('wf', node, path, isFullPath),
		url: NodeHelpers.getNodeWebhookUrl(BASE, 'wf', node, path, isFullPath),
		responseMode: workflow.expression.getSimpleParameterValue(
			node,
			description.responseMode,
			'internal',
			{},
		),
		responseCode: workflow.expression.getSimpleParameterValue(
			node,
			description.responseCode,
			'internal',
			{},
		),
	};
}

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

it('every SCIM path is under the base URL the node shows, <base>/<webhookId>/<webhookId>', () => {
	const urls = webhooks.map((w) => `${w.httpMethod} ${registered(A, w).url}`);
	const base = `${BASE}/${A}/${A}`;
	expect(urls.sort()).toEqual(
		[
			`GET ${base}`,
			`GET ${base}/ServiceProviderConfig`,
			`GET ${base}/Schemas`,
			`GET ${base}/Schemas/:id`,
			`GET ${base}/ResourceTypes`,
			`GET ${base}/ResourceTypes/:id`,
			`GET ${base}/Users`,
			`POST ${base}/Users`,
			...['GET', 'PUT', 'PATCH', 'DELETE'].map((m) => `${m} ${base}/Users/:id`),
			`GET ${base}/Groups`,
			`POST ${base}/Groups`,
			...['GET', 'PUT', 'PATCH', 'DELETE'].map((m) => `${m} ${base}/Groups/:id`),
			`POST ${base}/token`,
		].sort(),
	);
	// The node shows one URL: the base.
	expect(webhooks.filter((w) => !w.ndvHideUrl).map((w) => registered(A, w).url)).toEqual([base]);
});

it("two SCIM triggers never store the same method and path (n8n's webhook table key)", () => {
	const keys = (id: string) => webhooks.map((w) => `${w.httpMethod} ${registered(id, w).stored}`);
	expect(new Set(keys(A)).size).toBe(webhooks.length);
	expect(keys(A).filter((key) => keys(B).includes(key))).toEqual([]);
	// A `:param` path is stored as written, below the webhook ID n8n puts in front of it.
	expect(
		registered(A, webhooks.find((w) => w.name === ('user' as never) && w.httpMethod === 'PATCH')!)
			.stored,
	).toBe(`${A}/Users/:id`);
});

it("hands n8n the respond mode from the parameter, and 201 / 204 / 200 for the workflow's answer", () => {
	const of = (name: string, method: string) =>
		registered(A, webhooks.find((w) => w.name === (name as never) && w.httpMethod === method)!);
	expect(of('users', 'POST')).toMatchObject({ responseMode: 'lastNode', responseCode: 201 });
	expect(of('user', 'DELETE')).toMatchObject({ responseCode: 204 });
	expect(of('user', 'PUT')).toMatchObject({ responseCode: 200 });
	expect(of('token', 'POST')).toMatchObject({ responseCode: 200 });
});
