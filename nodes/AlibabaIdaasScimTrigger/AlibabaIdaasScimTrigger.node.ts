import { randomUUID } from 'crypto';
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
	INodeType,
	INodeTypeDescription,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
	WebhookType,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { EVENTS, toItem } from './items';
import { authorized, credentialProblem, readCredential, tokenAnswer } from './scim/auth';
import { resourceTypes, schemas, serviceProviderConfig } from './scim/discovery';
import { ScimError, unauthorized } from './scim/errors';
import { changed, directoryFor, save, stateKey } from './scim/idMap';
import { readBody, readForm, send, sendScim } from './scim/http';
import { type Collection, handle } from './scim/routes';

/**
 * Makes n8n a SCIM 2.0 service provider (RFC 7644): IDaaS's SCIM provisioning (and Okta's or
 * Entra's) pushes users and groups to the base URL shown in the node, the trigger answers every
 * SCIM request itself from its own directory (scim/idMap.ts), and each change starts the workflow
 * as one item (items.ts).
 *
 * One node serves every SCIM path: n8n registers each webhook description of a node as its own
 * route, and a webhook's path may hold `:param` segments (n8n's MCP Server Trigger serves several
 * methods from one node the same way, writing its answers itself). The paths start with the
 * node's webhook ID so that two SCIM triggers never share a route: n8n keys its webhook table by
 * method and path, and a path with a `:param` is registered as written (isFullPath), so
 * `Users/:id` alone would collide with any other workflow's `Users/:id`.
 */

const ALL = '*';
const WEBHOOK_ID = '{{$webhookId}}';

/** What answers a change: the trigger at once, or n8n after the workflow ran. */
const RESPOND_MODE = '={{$parameter["respond"] || "onReceived"}}';

interface Route {
	name: string;
	path: string;
	methods: string[];
}

/** The SCIM endpoints, by webhook name (RFC 7644 §3.2). */
const ROUTES: Route[] = [
	{ name: 'default', path: '', methods: ['GET'] },
	{ name: 'serviceProviderConfig', path: 'ServiceProviderConfig', methods: ['GET'] },
	{ name: 'schemas', path: 'Schemas', methods: ['GET'] },
	{ name: 'schema', path: 'Schemas/:id', methods: ['GET'] },
	{ name: 'resourceTypes', path: 'ResourceTypes', methods: ['GET'] },
	{ name: 'resourceType', path: 'ResourceTypes/:id', methods: ['GET'] },
	{ name: 'users', path: 'Users', methods: ['GET', 'POST'] },
	{ name: 'user', path: 'Users/:id', methods: ['GET', 'PUT', 'PATCH', 'DELETE'] },
	{ name: 'groups', path: 'Groups', methods: ['GET', 'POST'] },
	{ name: 'group', path: 'Groups/:id', methods: ['GET', 'PUT', 'PATCH', 'DELETE'] },
	{ name: 'token', path: 'token', methods: ['POST'] },
];

const COLLECTION: Record<string, { collection: Collection; byId: boolean }> = {
	users: { collection: 'Users', byId: false },
	user: { collection: 'Users', byId: true },
	groups: { collection: 'Groups', byId: false },
	group: { collection: 'Groups', byId: true },
};

/**
 * The webhook descriptions. A static path is `<webhookId>/<path>` (isFullPath false prefixes the
 * webhook ID once more), a `:param` path is registered as written (isFullPath true) and n8n puts
 * the webhook ID before it; both come out under the same base URL, `…/webhook/<id>/<id>`.
 */
function webhooks(): IWebhookDescription[] {
	return ROUTES.flatMap((route) =>
		route.methods.map((httpMethod) => {
			const dynamic = route.path.includes(':');
			return {
				// n8n's type lists only 'default' and 'setup', but any name works: n8n matches a request
				// by method and path and hands the name to the node (getWebhookName), which routes by it.
				name: route.name as WebhookType,
				httpMethod,
				path: `=${WEBHOOK_ID}${route.path ? `/${route.path}` : ''}`,
				isFullPath: dynamic,
				responseMode: RESPOND_MODE,
				// Used when the workflow answers ("When Last Node Finishes"): a create answers 201, a delete 204 (RFC 7644 §3.3, §3.6).
				// (An expression: the description's type takes text, and n8n needs the code as a number.)
				responseCode: `={{${httpMethod === 'POST' && route.name !== 'token' ? 201 : httpMethod === 'DELETE' ? 204 : 200}}}`,
				responseData: 'firstEntryJson',
				ndvHideUrl: route.name !== 'default',
				ndvHideMethod: true,
			};
		}),
	);
}

export class AlibabaIdaasScimTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alibaba Cloud IDaaS SCIM Trigger',
		name: 'alibabaIdaasScimTrigger',
		icon: {
			light: 'file:../AlibabaIdaas/alibabaIdaas.svg',
			dark: 'file:../AlibabaIdaas/alibabaIdaas.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).join(", ")}}',
		description:
			'Starts the workflow when IDaaS (or any SCIM 2.0 client) provisions users and groups to n8n over SCIM',
		defaults: { name: 'Alibaba Cloud IDaaS SCIM Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// The credential's Test button checks it here: there is no service to call (the trigger is the service).
		credentials: [{ name: 'alibabaIdaasScimApi', required: true, testedBy: 'scimCredentialTest' }],
		webhooks: webhooks(),
		properties: [
			{
				displayName:
					"The URL above is the SCIM base URL. In the IDaaS console, open the application → Provisioning → SCIM, paste the Production URL as the SCIM base URL, and enter the credential's bearer token (or its client ID and secret, with the base URL followed by /token as the token endpoint). Activate the workflow first.",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: [
					{ name: 'All Changes', value: ALL, description: 'Every user and group change' },
					...EVENTS.map(({ name, value, description }) => ({ name, value, description })),
				],
				default: [ALL],
				description:
					'Changes to start the workflow for; the others are still applied and answered, without an execution',
			},
			{
				displayName: 'Respond',
				name: 'respond',
				type: 'options',
				options: [
					{
						name: 'Immediately',
						value: 'onReceived',
						description: 'The trigger answers the SCIM client at once; the workflow runs after',
					},
					{
						name: "Using 'Respond to Webhook' Node",
						value: 'responseNode',
						description:
							"A Respond to Webhook node answers changes (it must be version 1: later versions accept only n8n's own webhook triggers)",
					},
					{
						name: 'When Last Node Finishes',
						value: 'lastNode',
						description:
							"Changes are answered with the last node's first item once the workflow finished; a failed workflow answers 500, so the client sees the failure",
					},
				],
				default: 'onReceived',
				description:
					'Who answers requests that change users or groups. Look-ups and errors are always answered by the trigger at once.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Include Passwords',
						name: 'includePasswords',
						type: 'boolean',
						default: false,
						description:
							'Whether to put a password the SCIM client sends into the item. Off: the item says passwordWithheld. The trigger never stores passwords.',
					},
				],
			},
		],
	};

	methods = {
		credentialTest: {
			async scimCredentialTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const problem = credentialProblem(readCredential(credential.data ?? {}));
				return problem
					? { status: 'Error', message: problem }
					: { status: 'OK', message: 'The credential can authenticate SCIM requests' };
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const name = this.getWebhookName();
		const request = this.getRequestObject();
		const method = request.method.toUpperCase();
		const now = new Date();
		const nowSeconds = Math.floor(now.getTime() / 1000);
		const baseUrl = this.getNodeWebhookUrl('default') ?? '';
		const headers = this.getHeaderData() as IDataObject;
		try {
			const credential = readCredential(await this.getCredentials('alibabaIdaasScimApi'));
			if (name === 'token') {
				const answer = tokenAnswer(
					credential,
					headers.authorization,
					await readForm(request),
					nowSeconds,
				);
				send(this.getResponseObject(), answer.status, answer.body, { 'Cache-Control': 'no-store' });
				return { noWebhookResponse: true };
			}
			// Discovery documents describe the service and hold no data; RFC 7644 §4 lets them be public.
			const discovery = [
				'default',
				'serviceProviderConfig',
				'schemas',
				'schema',
				'resourceTypes',
				'resourceType',
			].includes(name);
			if (!discovery && !authorized(credential, headers.authorization, nowSeconds)) {
				this.logger.warn(
					'Alibaba Cloud IDaaS SCIM Trigger: refused a request without a valid bearer token (401)',
					{
						node: this.getNode().name,
						workflowId: this.getWorkflow().id,
					},
				);
				sendScim(this.getResponseObject(), 401, unauthorized().body(), {
					'WWW-Authenticate': 'Bearer realm="SCIM"',
				});
				return { noWebhookResponse: true };
			}
			const id = (this.getParamsData() as IDataObject).id as string | undefined;
			switch (name) {
				case 'default':
				case 'serviceProviderConfig':
					sendScim(this.getResponseObject(), 200, serviceProviderConfig(baseUrl));
					return { noWebhookResponse: true };
				case 'schemas':
				case 'schema':
					sendScim(
						this.getResponseObject(),
						200,
						schemas(baseUrl, name === 'schema' ? id : undefined),
					);
					return { noWebhookResponse: true };
				case 'resourceTypes':
				case 'resourceType':
					sendScim(
						this.getResponseObject(),
						200,
						resourceTypes(baseUrl, name === 'resourceType' ? id : undefined),
					);
					return { noWebhookResponse: true };
			}
			const target = COLLECTION[name];
			if (!target) {
				sendScim(this.getResponseObject(), 404, new ScimError(404, 'Not found').body());
				return { noWebhookResponse: true };
			}
			const body = ['POST', 'PUT', 'PATCH'].includes(method) ? await readBody(request) : undefined;
			// From here to the answer, nothing awaits: no other request can change the directory in between (idMap.ts).
			const mode = this.getMode() === 'manual' ? 'test' : 'production';
			const staticData = this.getWorkflowStaticData('global');
			const key = stateKey(this.getNode().id);
			const directory = directoryFor(
				`${this.getWorkflow().id ?? ''}:${this.getNode().id}:${mode}`,
				staticData,
				key,
			);
			const handled = handle(directory, {
				method,
				collection: target.collection,
				id: target.byId ? id : undefined,
				query: this.getQueryData() as IDataObject,
				body,
				now: now.toISOString(),
				baseUrl,
				newId: randomUUID,
			});
			if (method !== 'GET') changed(directory);
			const events = new Set(this.getNodeParameter('events', [ALL]) as string[]);
			const options = this.getNodeParameter('options', {}) as IDataObject;
			const context = {
				method,
				receivedAt: now.toISOString(),
				includePasswords: options.includePasswords === true,
			};
			const items = handled.changes
				.filter((change) => events.has(ALL) || events.has(change.event))
				.map((change) => toItem(change, directory, context));
			const respond = this.getNodeParameter('respond', 'onReceived') as string;
			// The workflow answers: n8n writes the response of the Respond to Webhook node or the last node.
			if (items.length > 0 && respond !== 'onReceived')
				return { workflowData: [this.helpers.returnJsonArray(items)] };
			save(staticData, key, directory);
			const { answer } = handled;
			sendScim(
				this.getResponseObject(),
				answer.status,
				answer.body,
				answer.location ? { Location: answer.location } : {},
			);
			if (items.length === 0) return { noWebhookResponse: true };
			return { noWebhookResponse: true, workflowData: [this.helpers.returnJsonArray(items)] };
		} catch (error) {
			const scimError =
				error instanceof ScimError
					? error
					: new ScimError(500, 'The request could not be processed');
			if (!(error instanceof ScimError)) {
				this.logger.error(
					`Alibaba Cloud IDaaS SCIM Trigger: ${method} ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
					{
						node: this.getNode().name,
						workflowId: this.getWorkflow().id,
					},
				);
			}
			sendScim(this.getResponseObject(), scimError.status, scimError.body());
			return { noWebhookResponse: true };
		}
	}
}
