import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeParameters,
	IWebhookData,
	IWebhookDescription,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AlibabaIdaasScimApi } from '../../credentials/AlibabaIdaasScimApi.credentials';
import type { AlibabaIdaasScimTrigger as TriggerClass } from '../../nodes/AlibabaIdaasScimTrigger/AlibabaIdaasScimTrigger.node';
import { clearDirectories } from '../../nodes/AlibabaIdaasScimTrigger/scim/idMap';
import { TestCredentialsHelper } from '../harness/credentialsHelper';
import { recordOutput, recordSecret, TOKEN_OPT_IN } from '../setup/leakGuard';

/**
 * The SCIM Trigger as n8n runs it, in process: a request is matched to one of the node's webhook
 * descriptions by method and path (n8n's webhook table), the node's webhook() runs in n8n-core's
 * own WebhookContext, with the workflow's static data loaded from the "database" (a JSON string)
 * when the request comes and saved back, serialized, after webhook() returned
 * (packages/cli/src/webhooks/live-webhooks.ts). Saves can be held and landed in any order, to play
 * concurrent requests whose saves overtake each other. A call that returns workflowData counts as
 * one execution.
 */

// The explicit .ts: under tsx, `….node` would resolve to the codex .node.json.

const { AlibabaIdaasScimTrigger } =
	require('../../nodes/AlibabaIdaasScimTrigger/AlibabaIdaasScimTrigger.node.ts') as {
		AlibabaIdaasScimTrigger: typeof TriggerClass;
	};
export const trigger = new AlibabaIdaasScimTrigger();
const CREDENTIAL_ID = 'cred-scim-1';
export const WEBHOOK_ID = '5f0c1f7e-0000-4000-8000-00000000scim';
export const BEARER = 'scim-test-bearer-token-0123456789abcdef';
const WEBHOOK_BASE = 'http://127.0.0.1:5678/webhook';
export const BASE_PATH = `/webhook/${WEBHOOK_ID}/${WEBHOOK_ID}`;

export interface Answer {
	status: number;
	headers: Record<string, string>;
	body: IDataObject | undefined;
	/** The node left the answer to n8n (a Respond to Webhook node or the last node). */
	deferred: boolean;
	items: IDataObject[];
}

export interface Call {
	method: string;
	/** The path below the SCIM base URL, e.g. `/Users?filter=…`. */
	path: string;
	body?: unknown;
	/** The raw body as sent, when not `body` as JSON. */
	raw?: string;
	contentType?: string;
	authorization?: string | null;
	mode?: WorkflowExecuteMode;
}

class ResponseShim {
	statusCode = 200;
	headers: Record<string, string> = {};
	text: string | undefined;
	ended = false;

	status(code: number): this {
		this.statusCode = code;
		return this;
	}

	setHeader(name: string, value: string): this {
		this.headers[name.toLowerCase()] = value;
		return this;
	}

	end(text?: string): this {
		this.text = text;
		this.ended = true;
		return this;
	}
}

/** n8n's match of a request path against the node's webhook paths (static first, then `:param` ones). */
function route(
	method: string,
	rest: string,
): { description: IWebhookDescription; params: IDataObject } | undefined {
	const segments = rest.split('/').filter(Boolean);
	const candidates = (trigger.description.webhooks ?? []).filter((w) => w.httpMethod === method);
	for (const dynamicPass of [false, true]) {
		for (const description of candidates) {
			const template = String(description.path)
				.replace('={{$webhookId}}', WEBHOOK_ID)
				.split('/')
				.filter(Boolean);
			if (
				template.some((s) => s.startsWith(':')) !== dynamicPass ||
				template.length !== segments.length
			)
				continue;
			const params: IDataObject = {};
			if (
				template.every((s, i) =>
					s.startsWith(':')
						? ((params[s.slice(1)] = decodeURIComponent(segments[i])), true)
						: s === segments[i],
				)
			) {
				return { description, params };
			}
		}
	}
	return undefined;
}

export class Provider {
	/** The workflow's static data as the database holds it. */
	stored = '{}';
	/** n8n keeps a listening editor's (test webhook's) static data apart from the saved one. */
	storedTest = '{}';
	parameters: INodeParameters = { events: ['*'], respond: 'onReceived', options: {} };
	readonly executions: IDataObject[][] = [];
	readonly logs: string[] = [];
	/** Per call: whether webhook() left static data marked changed (n8n then writes it to the database). */
	readonly changedFlags: boolean[] = [];
	/** When true, saves wait in `heldSaves` until the test lands them. */
	holdSaves = false;
	readonly heldSaves: Array<() => void> = [];
	url = '';
	private server?: Server;
	private readonly credentials = new TestCredentialsHelper({
		alibabaIdaasScimApi: new AlibabaIdaasScimApi(),
	});

	constructor(credential: IDataObject = { bearerToken: BEARER }) {
		this.setCredential(credential);
	}

	setCredential(credential: IDataObject): void {
		recordSecret(credential.bearerToken);
		recordSecret(credential.clientSecret);
		this.credentials.setCredential(CREDENTIAL_ID, 'alibabaIdaasScimApi', credential as never);
	}

	/** What a restarted n8n forgets: the directories in memory. */
	restart(): void {
		clearDirectories();
	}

	items(): IDataObject[] {
		return this.executions.flat();
	}

	storedDirectory(): { users: IDataObject[]; groups: IDataObject[] } {
		const data = JSON.parse(this.stored) as IDataObject;
		const global = (data.global ?? {}) as IDataObject;
		return (global['scimDirectory:node-scim-trigger'] ?? { users: [], groups: [] }) as {
			users: IDataObject[];
			groups: IDataObject[];
		};
	}

	async call(call: Call): Promise<Answer> {
		const [pathname, search = ''] = call.path.split('?');
		const query = Object.fromEntries(new URLSearchParams(search)) as IDataObject;
		const raw = call.raw ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
		const contentType = call.contentType ?? 'application/scim+json';
		const headers: IDataObject = { 'content-type': contentType };
		if (call.authorization !== null)
			headers.authorization = call.authorization ?? `Bearer ${BEARER}`;
		// n8n parses application/json and forms for the node; SCIM's own type only as raw bytes.
		let body: unknown = {};
		if (raw !== undefined && contentType.startsWith('application/json')) body = JSON.parse(raw);
		if (raw !== undefined && contentType.startsWith('application/x-www-form-urlencoded'))
			body = Object.fromEntries(new URLSearchParams(raw));
		return await this.run(
			call.method,
			pathname,
			{ headers, query, body, rawBody: raw === undefined ? undefined : Buffer.from(raw) },
			call.mode ?? 'webhook',
		);
	}

	private async run(
		method: string,
		pathname: string,
		request: Record<string, unknown>,
		mode: WorkflowExecuteMode,
	): Promise<Answer> {
		const rest = pathname.replace(/^\/+/, '');
		const found = route(method, `${WEBHOOK_ID}/${rest}`);
		const res = new ResponseShim();
		if (!found)
			return {
				status: 404,
				headers: {},
				body: { message: 'webhook not registered' },
				deferred: false,
				items: [],
			};
		const node: INode = {
			id: 'node-scim-trigger',
			name: 'SCIM',
			type: 'alibabaIdaasScimTrigger',
			typeVersion: 1,
			position: [0, 0],
			webhookId: WEBHOOK_ID,
			parameters: this.parameters,
			credentials: { alibabaIdaasScimApi: { id: CREDENTIAL_ID, name: 'SCIM test' } },
		};
		const workflow = new Workflow({
			id: 'wf-scim',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: {
				getByName: () => trigger,
				getByNameAndVersion: () => trigger,
				getKnownTypes: () => ({}),
			} as never,
			// Loaded from the database when the request comes.
			staticData: JSON.parse(mode === 'manual' ? this.storedTest : this.stored) as IDataObject,
			settings: { executionOrder: 'v1' },
		});
		const httpRequest = { ...request, method, params: found.params, path: `${BASE_PATH}/${rest}` };
		const additionalData = {
			credentialsHelper: this.credentials,
			httpRequest,
			httpResponse: res,
			variables: {},
			restApiUrl: '',
			instanceBaseUrl: '',
			webhookBaseUrl: WEBHOOK_BASE,
			webhookWaitingBaseUrl: '',
			webhookTestBaseUrl: '',
			formWaitingBaseUrl: '',
			currentNodeExecutionIndex: 0,
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData = {
			httpMethod: method,
			node: node.name,
			path: found.description.path,
			webhookDescription: found.description,
			workflowId: 'wf-scim',
			workflowExecuteAdditionalData: additionalData,
		} as IWebhookData;
		const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
		const log = (message: string) => this.logs.push(message);
		Object.defineProperty(context, 'logger', {
			value: { debug: () => {}, info: () => {}, warn: log, error: log },
		});
		const result = await trigger.webhook.call(context);
		this.changedFlags.push((workflow.staticData as IDataObject).__dataChanged === true);
		// n8n saves the static data after the webhook call: whether it does is decided when it is called
		// (the changed flag), the column is serialized when the write reaches the database (held saves).
		const save = () => {
			if ((workflow.staticData as IDataObject).__dataChanged !== true) return;
			const write = () => {
				if (mode === 'manual') this.storedTest = JSON.stringify(workflow.staticData);
				else this.stored = JSON.stringify(workflow.staticData);
			};
			if (this.holdSaves) this.heldSaves.push(write);
			else write();
		};
		// n8n's WorkflowRunner builds a Workflow of its own on the same static data object before the
		// execution (packages/cli/src/workflow-runner.ts, establishContextForPersistence), wrapping it in
		// observable proxies again, which resets its changed flag. A node that answered itself has had its
		// static data saved before that (webhook-helpers.ts calls the response callback first); when n8n
		// answers after the workflow, the save comes after it.
		const startExecution = () => {
			if (result.workflowData)
				new Workflow({
					id: 'wf-scim',
					nodes: [node],
					connections: {},
					active: true,
					nodeTypes: workflow.nodeTypes,
					staticData: workflow.staticData,
				});
		};
		const deferred = !result.noWebhookResponse;
		if (deferred) startExecution();
		save();
		if (!deferred) startExecution();
		const items = (result.workflowData?.[0] ?? []).map((i) => i.json);
		const optIn =
			(this.parameters.options as IDataObject | undefined)?.includePasswords === true
				? ` ${TOKEN_OPT_IN}`
				: '';
		recordOutput(`scim trigger${optIn}`, { items, answer: res.text });
		if (result.workflowData) this.executions.push(items);
		return {
			status: res.statusCode,
			headers: res.headers,
			body: res.text ? (JSON.parse(res.text) as IDataObject) : undefined,
			deferred,
			items,
		};
	}

	/** Behind a real HTTP port: `url` is the SCIM base URL. */
	async start(): Promise<this> {
		this.server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${BASE_PATH}`;
		return this;
	}

	async close(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		let answer: Answer;
		try {
			answer = await this.call({
				method: req.method ?? 'GET',
				path: url.pathname.slice(BASE_PATH.length) + url.search,
				raw,
				contentType: req.headers['content-type'] ?? 'application/scim+json',
				authorization: req.headers.authorization ?? null,
			});
		} catch (error) {
			answer = {
				status: 500,
				headers: {},
				body: { message: String(error) },
				deferred: false,
				items: [],
			};
		}
		const headers = { ...answer.headers };
		if (answer.deferred) {
			// What n8n sends after the workflow when the node left the answer to it: here, the first item.
			res
				.writeHead(200, { 'content-type': 'application/json' })
				.end(JSON.stringify(answer.items[0] ?? {}));
			return;
		}
		res
			.writeHead(answer.status, headers)
			.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
	}
}
