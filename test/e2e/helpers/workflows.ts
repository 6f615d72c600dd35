/**
 * Turns the shipped examples into what an end-to-end run can execute here. Notification nodes (Slack, Send Email)
 * need accounts on the internet, so each becomes a Set node with the same name, position, connections and
 * "execute once" setting, whose fields are the original message parameters: the message expressions are still
 * evaluated against the real items, and the rendered message is the stand-in's output. Nothing else changes.
 */
export const NOTIFICATION_TYPES = new Set(['n8n-nodes-base.slack', 'n8n-nodes-base.emailSend']);
const MESSAGE_FIELDS = ['channelId', 'toEmail', 'subject', 'text'];

export function withLocalNotifications(workflow: any): any {
	const copy = JSON.parse(JSON.stringify(workflow));
	for (const node of copy.nodes) {
		if (!NOTIFICATION_TYPES.has(node.type)) continue;
		const assignments = MESSAGE_FIELDS.filter((f) => node.parameters?.[f] !== undefined).map(
			(f, i) => {
				const v = node.parameters[f];
				return {
					id: `${node.id}-${i}`,
					name: f === 'channelId' ? 'channel' : f,
					value: typeof v === 'object' ? v.value : v,
					type: 'string',
				};
			},
		);
		node.type = 'n8n-nodes-base.set';
		node.typeVersion = 3.4;
		node.parameters = { assignments: { assignments }, options: {} };
		delete node.credentials;
		delete node.webhookId;
	}
	return copy;
}

/** The IDaaS credential references in a workflow; the tests import a credential with this ID. */
export function credentialRefs(workflow: any): Array<{ id: string; name: string }> {
	const refs = new Map<string, { id: string; name: string }>();
	for (const node of workflow.nodes) {
		const ref = node.credentials?.alibabaIdaasApi;
		if (ref) refs.set(ref.id, ref);
	}
	return [...refs.values()];
}

/** Replaces the trigger's poll times (tests poll faster than the shipped once a minute). */
export function withPollTimes(workflow: any, item: Record<string, unknown>): any {
	const copy = JSON.parse(JSON.stringify(workflow));
	for (const node of copy.nodes) {
		if (node.parameters?.pollTimes) node.parameters.pollTimes = { item: [item] };
	}
	return copy;
}

/**
 * A one-node workflow for the editor test: an IDaaS "Get a user" node whose user picker is in From List mode with
 * no value (the examples fill their pickers with expressions, for which n8n disables From List).
 */
export function pickerWorkflow(credential: { id: string; name: string }, nodeType: string): any {
	return {
		id: 'idaasE2ePicker01',
		name: 'e2e: IDaaS user picker',
		active: false,
		settings: {},
		connections: {},
		nodes: [
			{
				id: 'b3d4c1e2-0000-4000-8000-0000000000e2',
				name: 'Pick a user',
				type: nodeType,
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					resource: 'user',
					operation: 'get',
					userId: { __rl: true, mode: 'list', value: '' },
				},
				credentials: { alibabaIdaasApi: credential },
			},
		],
	};
}
