/**
 * A stand-in for OpenAI's Chat Completions and Responses APIs on 127.0.0.1, for n8n's OpenAI Chat Model node
 * (credential Base URL pointed here). It answers with scripted tool calls instead of thinking, and keeps every
 * request it was sent: what a real model would have seen (tool names, descriptions, schemas, tool results).
 *
 * A script is chosen by a marker in the user's prompt; its step N answers the request that carries N tool results,
 * so the conversation goes: call step 0's tool, get its result, call step 1's tool, … then the final text.
 * Only non-streamed answers: n8n's agent, started by a manual trigger, does not stream.
 */
import { createServer, IncomingMessage, ServerResponse } from 'http';
import { AddressInfo } from 'net';

export type ScriptStep =
	| { tool: string; args: Record<string, unknown> }
	/** The final answer; given the tool results seen so far (their text, in order). */
	| { answer: (toolResults: string[]) => string };

export interface ModelTool {
	name: string;
	description: string;
	/** JSON schema of the arguments. */
	parameters: any;
}

export interface ModelRequest {
	api: 'chat' | 'responses';
	/** The script's marker found in the prompt, or undefined. */
	script?: string;
	tools: ModelTool[];
	/** Tool results the request carries, in order. */
	toolResults: string[];
	body: any;
}

export interface ChatModelStandIn {
	/** Base URL for the OpenAI credential, ending in /v1. */
	baseUrl: string;
	requests: ModelRequest[];
	/** Requests of one script. */
	requestsOf(script: string): ModelRequest[];
	close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((res, rej) => {
		let text = '';
		req.on('data', (d) => (text += d));
		req.on('end', () => res(text));
		req.on('error', rej);
	});
}

function contentText(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content))
		return content.map((part: any) => part?.text ?? part?.output ?? '').join('');
	return '';
}

/** The request as a model sees it, whichever of the two APIs carried it. */
function parse(
	api: ModelRequest['api'],
	body: any,
): Omit<ModelRequest, 'script'> & { prompt: string } {
	if (api === 'chat') {
		const messages: any[] = body.messages ?? [];
		return {
			api,
			body,
			prompt: messages
				.filter((m) => m.role === 'user')
				.map((m) => contentText(m.content))
				.join('\n'),
			toolResults: messages.filter((m) => m.role === 'tool').map((m) => contentText(m.content)),
			tools: (body.tools ?? []).map((t: any) => ({
				name: t.function.name,
				description: t.function.description,
				parameters: t.function.parameters,
			})),
		};
	}
	const input: any[] =
		typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : (body.input ?? []);
	return {
		api,
		body,
		prompt: input
			.filter((m) => m.role === 'user')
			.map((m) => contentText(m.content))
			.join('\n'),
		toolResults: input
			.filter((m) => m.type === 'function_call_output')
			.map((m) => contentText(m.output)),
		tools: (body.tools ?? [])
			.filter((t: any) => t.type === 'function')
			.map((t: any) => ({ name: t.name, description: t.description, parameters: t.parameters })),
	};
}

function chatAnswer(step: ScriptStep, toolResults: string[], n: number): any {
	const base = {
		id: `chatcmpl-standin-${n}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: 'gpt-4o-mini',
	};
	const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
	if ('tool' in step) {
		const call = {
			id: `call_standin_${n}`,
			type: 'function',
			function: { name: step.tool, arguments: JSON.stringify(step.args) },
		};
		return {
			...base,
			usage,
			choices: [
				{
					index: 0,
					finish_reason: 'tool_calls',
					message: { role: 'assistant', content: null, tool_calls: [call] },
				},
			],
		};
	}
	const text = step.answer(toolResults);
	return {
		...base,
		usage,
		choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: text } }],
	};
}

function responsesAnswer(step: ScriptStep, toolResults: string[], n: number): any {
	const base = {
		id: `resp_standin_${n}`,
		object: 'response',
		created_at: Math.floor(Date.now() / 1000),
		status: 'completed',
		model: 'gpt-4o-mini',
	};
	const usage = { input_tokens: 10, output_tokens: 10, total_tokens: 20 };
	if ('tool' in step) {
		const call = {
			type: 'function_call',
			id: `fc_standin_${n}`,
			call_id: `call_standin_${n}`,
			name: step.tool,
			arguments: JSON.stringify(step.args),
			status: 'completed',
		};
		return { ...base, usage, output: [call] };
	}
	const text = step.answer(toolResults);
	const message = {
		type: 'message',
		id: `msg_standin_${n}`,
		role: 'assistant',
		status: 'completed',
		content: [{ type: 'output_text', text, annotations: [] }],
	};
	return { ...base, usage, output: [message], output_text: text };
}

export async function startChatModelStandIn(
	scripts: Record<string, ScriptStep[]>,
): Promise<ChatModelStandIn> {
	const requests: ModelRequest[] = [];
	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		const send = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		const path = (req.url ?? '').split('?')[0];
		const api = path.endsWith('/chat/completions')
			? 'chat'
			: path.endsWith('/responses')
				? 'responses'
				: undefined;
		if (req.method !== 'POST' || !api)
			return send(404, { error: { message: `stand-in: no ${req.method} ${path}` } });
		const body = JSON.parse(await readBody(req));
		const { prompt, ...parsed } = parse(api, body);
		const script = Object.keys(scripts).find((marker) => prompt.includes(marker));
		requests.push({ ...parsed, script });
		if (body.stream)
			return send(400, { error: { message: 'stand-in: streaming is not scripted' } });
		if (!script)
			return send(400, {
				error: {
					message: `stand-in: no script for prompt ${JSON.stringify(prompt.slice(0, 200))}`,
				},
			});
		const steps = scripts[script];
		const step = steps[Math.min(parsed.toolResults.length, steps.length - 1)];
		const n = requests.length;
		send(
			200,
			api === 'chat'
				? chatAnswer(step, parsed.toolResults, n)
				: responsesAnswer(step, parsed.toolResults, n),
		);
	};
	const server = createServer((req, res) => {
		handle(req, res).catch((e) => {
			res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { message: String(e?.message ?? e) } }));
		});
	});
	await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		requestsOf: (script) => requests.filter((r) => r.script === script),
		close: () =>
			new Promise<void>((res) => {
				server.closeAllConnections?.();
				server.close(() => res());
			}),
	};
}
