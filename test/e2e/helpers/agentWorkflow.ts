/**
 * n8n AI Agent workflows for the end-to-end tests: Manual Trigger → AI Agent (3.1) with an OpenAI Chat Model
 * (its credential's Base URL points at the stand-in, helpers/chatModel.ts) and IDaaS tool nodes attached, as a user
 * builds them in the editor: each model-defined field holds the `$fromAI()` the editor's "let the model define
 * this parameter" button writes (key from the field's label, no description).
 */
import { NODE_TYPE } from './n8n';

export const TOOL_TYPE = `${NODE_TYPE}Tool`;
export const OPENAI_CREDENTIAL = { id: 'agentE2eOpenAi01', name: 'Stand-in OpenAI' };

/** What the editor's override button writes for a field (label → key; the description left empty). */
export function fromAi(key: string, type: 'string' | 'number' | 'boolean' = 'string'): string {
	return `={{ $fromAI('${key}', \`\`, '${type}') }}`;
}

/** A resource locator given by ID from the model. */
export function idFromAi(key: string): { __rl: true; mode: 'id'; value: string } {
	return { __rl: true, mode: 'id', value: fromAi(key) };
}

export interface ToolNode {
	name: string;
	parameters: Record<string, unknown>;
	/** n8n's On Error setting; undefined: stop the workflow. */
	onError?: 'continueRegularOutput' | 'continueErrorOutput';
}

export function agentWorkflow(o: {
	id: string;
	prompt: string;
	tools: ToolNode[];
	idaasCredential: { id: string; name: string };
	/** OpenAI's Responses API (the model node's default from 1.3) or Chat Completions. */
	responsesApi: boolean;
	toolTypeVersion?: number;
}): any {
	const agent = 'AI Agent';
	const model = 'OpenAI Chat Model';
	const tools = o.tools.map((tool, i) => ({
		id: `7a9e0000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
		name: tool.name,
		type: TOOL_TYPE,
		typeVersion: o.toolTypeVersion ?? 1.1,
		position: [200 + 160 * i, 240],
		parameters: tool.parameters,
		credentials: { alibabaIdaasApi: o.idaasCredential },
		...(tool.onError ? { onError: tool.onError } : {}),
	}));
	return {
		id: o.id,
		name: `e2e agent ${o.id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: '7a9e0000-0000-4000-8000-a00000000001',
				name: 'Manual Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '7a9e0000-0000-4000-8000-a00000000002',
				name: agent,
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [240, 0],
				parameters: { promptType: 'define', text: o.prompt, options: {} },
			},
			{
				id: '7a9e0000-0000-4000-8000-a00000000003',
				name: model,
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.3,
				position: [0, 240],
				parameters: {
					model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' },
					responsesApiEnabled: o.responsesApi,
					options: {},
				},
				credentials: { openAiApi: OPENAI_CREDENTIAL },
			},
			...tools,
		],
		connections: {
			'Manual Trigger': { main: [[{ node: agent, type: 'main', index: 0 }]] },
			[model]: { ai_languageModel: [[{ node: agent, type: 'ai_languageModel', index: 0 }]] },
			...Object.fromEntries(
				tools.map((t) => [t.name, { ai_tool: [[{ node: agent, type: 'ai_tool', index: 0 }]] }]),
			),
		},
	};
}

/** The agent's final answer in a run. */
export function agentAnswer(run: any): string | undefined {
	return run?.data?.resultData?.runData?.['AI Agent']?.[0]?.data?.main?.[0]?.[0]?.json?.output;
}

/**
 * A shipped chat example made runnable by `n8n execute`: the chat trigger becomes a manual trigger with the
 * question as the agent's prompt (there is no chat session, so no memory), and its chat model uses the stand-in.
 */
export function exampleForCli(example: any, question: string, responsesApi: boolean): any {
	const copy = JSON.parse(JSON.stringify(example));
	const trigger = copy.nodes.find((n: any) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger');
	const memory = copy.nodes.find((n: any) => n.type.startsWith('@n8n/n8n-nodes-langchain.memory'));
	const model = copy.nodes.find((n: any) => n.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi');
	const agent = copy.nodes.find((n: any) => n.type === '@n8n/n8n-nodes-langchain.agent');
	Object.assign(trigger, { type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
	delete trigger.webhookId;
	agent.parameters = { ...agent.parameters, promptType: 'define', text: question };
	model.parameters = {
		...model.parameters,
		model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' },
		responsesApiEnabled: responsesApi,
	};
	model.credentials = { openAiApi: OPENAI_CREDENTIAL };
	copy.nodes = copy.nodes.filter((n: any) => n !== memory);
	delete copy.connections[memory.name];
	return copy;
}
