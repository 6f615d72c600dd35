import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeParameters,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AlibabaIdaasEventsApi } from '../../credentials/AlibabaIdaasEventsApi.credentials';
import type { AlibabaIdaasEventTrigger as TriggerClass } from '../../nodes/AlibabaIdaasEventTrigger/AlibabaIdaasEventTrigger.node';
import { clearClaimAnswers } from '../../nodes/AlibabaIdaasEventTrigger/claim';
import { clearKeyCache } from '../../nodes/AlibabaIdaasEventTrigger/jwks';
import { clearLedgers } from '../../nodes/AlibabaIdaasEventTrigger/ledger';
import { TestCredentialsHelper } from '../harness/credentialsHelper';
import { recordOutput, recordSecret, TOKEN_OPT_IN } from '../setup/leakGuard';

/**
 * The Event Trigger behind a real HTTP port, called through n8n-core's own WebhookContext, and
 * answered the way n8n's webhook handler answers for an `onReceived` node: webhookResponse as
 * JSON with 200, or nothing when the node wrote the response itself. Each call that returns
 * workflowData counts as one execution. Static data is kept between calls as n8n keeps it in its
 * database; restart() forgets what a restarted n8n process forgets (in-memory caches).
 */

// The explicit .ts: under tsx (the benchmark), `….node` would resolve to the codex .node.json.
const { AlibabaIdaasEventTrigger } =
	require('../../nodes/AlibabaIdaasEventTrigger/AlibabaIdaasEventTrigger.node.ts') as {
		AlibabaIdaasEventTrigger: typeof TriggerClass;
	};
const trigger = new AlibabaIdaasEventTrigger();
const CREDENTIAL_ID = 'cred-events-1';

export interface Execution {
	items: IDataObject[];
}

export class Receiver {
	readonly executions: Execution[] = [];
	readonly answers: Array<{ status: number; body: unknown }> = [];
	/** What the trigger wrote to n8n's log (warnings and above). */
	readonly logs: string[] = [];
	staticData: IDataObject = {};
	/** n8n keeps a listening editor's (test webhook's) static data apart from the saved one. */
	testStaticData: IDataObject = {};
	parameters: INodeParameters = {};
	/** Delay before answering, to play a slow receiver. */
	delayMs = 0;
	url = '';
	private server?: Server;
	private readonly credentials = new TestCredentialsHelper({
		alibabaIdaasEventsApi: new AlibabaIdaasEventsApi(),
	});

	constructor(credential: IDataObject) {
		this.setCredential(credential);
	}

	setCredential(credential: IDataObject): void {
		recordSecret(credential.encryptionSecret);
		this.credentials.setCredential(CREDENTIAL_ID, 'alibabaIdaasEventsApi', credential as never);
	}

	async start(): Promise<this> {
		this.server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook/idaas-events`;
		return this;
	}

	restart(): void {
		clearLedgers();
		clearKeyCache();
		clearClaimAnswers();
	}

	items(): IDataObject[] {
		return this.executions.flatMap((e) => e.items);
	}

	async close(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
	}

	/** One webhook call, without HTTP (for requests a sender could not produce). */
	async call(body: unknown, mode: WorkflowExecuteMode = 'webhook') {
		const res = new ResponseShim();
		const result = await this.run({ body: body as IDataObject, headers: {}, query: {} }, res, mode);
		return { ...result, status: res.statusCode, body: res.body };
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		let body: unknown = {};
		try {
			body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
		} catch {
			/* n8n leaves an unparsable body empty */
		}
		const shim = new ResponseShim();
		try {
			await this.run(
				{ body: body as IDataObject, headers: req.headers as IDataObject, query: {} },
				shim,
				'webhook',
			);
		} catch (error) {
			shim.status(500).json({ message: String(error) });
		}
		if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
		this.answers.push({ status: shim.statusCode, body: shim.body });
		const text = JSON.stringify(shim.body ?? {});
		if (!res.destroyed)
			res
				.writeHead(shim.statusCode, { 'content-type': 'application/json; charset=utf-8' })
				.end(text);
	}

	private async run(request: IDataObject, res: ResponseShim, mode: WorkflowExecuteMode) {
		const node: INode = {
			id: 'node-event-trigger',
			name: 'IDaaS Events',
			type: 'alibabaIdaasEventTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: this.parameters,
			credentials: { alibabaIdaasEventsApi: { id: CREDENTIAL_ID, name: 'IDaaS events test' } },
		};
		const workflow = new Workflow({
			id: 'wf-events',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: {
				getByName: () => trigger,
				getByNameAndVersion: () => trigger,
				getKnownTypes: () => ({}),
			} as never,
			staticData: JSON.parse(
				JSON.stringify(mode === 'manual' ? this.testStaticData : this.staticData),
			) as IDataObject,
			settings: { executionOrder: 'v1' },
		});
		const additionalData = {
			credentialsHelper: this.credentials,
			httpRequest: request,
			httpResponse: res,
			variables: {},
			restApiUrl: '',
			instanceBaseUrl: '',
			webhookBaseUrl: '',
			webhookWaitingBaseUrl: '',
			webhookTestBaseUrl: '',
			formWaitingBaseUrl: '',
			currentNodeExecutionIndex: 0,
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData = {
			httpMethod: 'POST',
			node: node.name,
			path: 'idaas-events',
			webhookDescription: trigger.description.webhooks![0],
			workflowId: 'wf-events',
			workflowExecuteAdditionalData: additionalData,
		} as IWebhookData;
		const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
		const log = (message: string) => this.logs.push(message);
		Object.defineProperty(context, 'logger', {
			value: { debug: () => {}, info: () => {}, warn: log, error: log },
		});
		const result = await trigger.webhook.call(context);
		// n8n saves the static data after every webhook call.
		const saved = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
		if (mode === 'manual') this.testStaticData = saved;
		else this.staticData = saved;
		const items = (result.workflowData?.[0] ?? []).map((i) => i.json);
		const optIn =
			(this.parameters.options as IDataObject | undefined)?.includePasswords === true
				? ` ${TOKEN_OPT_IN}`
				: '';
		recordOutput(`event trigger${optIn}`, { items, answer: res.body });
		if (result.workflowData) this.executions.push({ items });
		// n8n's handler for onReceived nodes: a node that answered itself gets nothing more.
		if (!result.noWebhookResponse)
			res.status(200).json(result.webhookResponse ?? { message: 'Workflow was started' });
		return { items, webhookResponse: res.body as IDataObject | undefined };
	}
}

/** The part of express's response the node uses. */
class ResponseShim {
	statusCode = 200;
	body: unknown;

	status(code: number): this {
		this.statusCode = code;
		return this;
	}

	json(body: unknown): this {
		this.body = body;
		return this;
	}
}
