import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';

const { forSandbox } = require('../../scripts/lib/sandbox-examples.cjs') as {
	forSandbox: (workflow: Workflow, type: string) => { workflow: Workflow; disabled: string[] };
};

interface Workflow {
	nodes: Array<{
		name: string;
		type: string;
		credentials?: Record<string, unknown>;
		disabled?: boolean;
		notes?: string;
	}>;
}

const EXAMPLES = join(__dirname, '../../examples');
const load = (file: string) => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Workflow;

test('npm start disables the example steps that need a credential the sandbox lacks, and nothing else', () => {
	const disabledByFile = Object.fromEntries(
		readdirSync(EXAMPLES)
			.filter((f) => f.endsWith('.json'))
			.map((f) => [f, forSandbox(load(f), 'alibabaIdaasApi').disabled]),
	);
	expect(disabledByFile).toEqual({
		// The chat model is the user's to choose (and credential); the IDaaS tools stay on.
		'agent-secrets.json': [],
		'ask-the-directory.json': ['Chat model (choose yours)'],
		'hr-reconcile.json': ['Slack summary'],
		'hr-sync.json': [],
		'offboarding.json': ['Notify IT on Slack'],
		'onboarding.json': ['Notify IT on Slack'],
		'scim-provisioning.json': ['IDaaS SCIM', 'Create the account', 'Deactivate the account'],
		'welcome-events.json': ['IDaaS user created', 'Send welcome message'],
		'welcome.json': ['Send welcome e-mail'],
	});
});

test('a disabled step says why and how to turn it on; the IDaaS steps and the shipped file are untouched', () => {
	const shipped = load('onboarding.json');
	const { workflow } = forSandbox(shipped, 'alibabaIdaasApi');
	const slack = workflow.nodes.find((n) => n.name === 'Notify IT on Slack')!;
	expect(slack.disabled).toBe(true);
	expect(slack.notes).toBe(
		"Needs your Slack credential\nThe npm start sandbox has only the emulator's credential. Add yours, select it here, then enable this node.",
	);
	const idaas = workflow.nodes.filter((n) => n.type === 'n8n-nodes-alibaba-idaas.alibabaIdaas');
	expect(idaas.map((n) => n.disabled)).toEqual([undefined, undefined]);
	expect(shipped.nodes.find((n) => n.name === 'Notify IT on Slack')!.disabled).toBeUndefined();
});
