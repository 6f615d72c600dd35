import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { accept, emptyAnswer, FAILED, refuse, SKIPPED, SUCCESS } from './answer';
import { answerClaim, claimRemotely, claimUrlOf, isClaimRequest } from './claim';
import { describeCode, EVENT_TYPES, type EventType } from './eventTypes';
import { type ItemContext, toItem } from './items';
import { EventRejected } from './jose';
import { claimNew, DEFAULT_LIMIT } from './ledger';
import { MAX_CLOCK_SKEW, MAX_REMEMBERED, MIN_REMEMBERED, readOptions } from './options';
import type { RawEvent } from './payload';
import { receive } from './receive';

/**
 * Receives IDaaS's own event callbacks ("synchronize to application", shortcut mode): every
 * change in the application's synchronization scope is pushed within seconds as a signed, and
 * optionally encrypted, token. The trigger verifies it, answers IDaaS at once (IDaaS waits at
 * most 10 s and then retries, up to five times), and starts the workflow with one item per
 * new event. See receive.ts for the checks, ledger.ts for exactly-once, answer.ts for the answer.
 *
 * The admin pastes the Production URL into the application's push configuration.
 */

const ALL = '*';
const CHANGE_EVENTS = EVENT_TYPES.filter((t) => t.kind === 'incremental');

export class AlibabaIdaasEventTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alibaba Cloud IDaaS Event Trigger',
		name: 'alibabaIdaasEventTrigger',
		icon: {
			light: 'file:../AlibabaIdaas/alibabaIdaas.svg',
			dark: 'file:../AlibabaIdaas/alibabaIdaas.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).join(", ")}}',
		description:
			'Starts the workflow when IDaaS pushes a user, organizational unit or group change (event callback)',
		defaults: { name: 'Alibaba Cloud IDaaS Event Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'alibabaIdaasEventsApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// webhook() writes the answer itself, before n8n starts the execution (see answer.ts).
				responseMode: 'onReceived',
				path: 'idaas-events',
			},
		],
		properties: [
			{
				displayName:
					'In the IDaaS console, open the application → Provisioning → Synchronize IDaaS Users on Application → IDaaS push, and paste the Production URL above as the URL for receiving synchronization requests. Activate the workflow first.',
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
					{
						name: 'All Changes',
						value: ALL,
						description:
							'Every user, organizational unit and group change, including event types added to IDaaS later',
					},
					// Alphabetical after All Changes, as n8n's UI guidelines ask (https://docs.n8n.io/integrations/creating-nodes/plan/node-ui-design/#lists).
					...CHANGE_EVENTS.map((t) => ({ name: t.name, value: t.key })).sort((a, b) =>
						a.name.localeCompare(b.name),
					),
				],
				default: [ALL],
				description:
					'Changes to start the workflow for; the others are acknowledged to IDaaS as skipped',
			},
			{
				displayName: 'Full Push',
				name: 'fullPush',
				type: 'options',
				options: [
					{ name: 'Acknowledge and Skip', value: 'skip' },
					{
						name: 'Emit Each Record',
						value: 'emit',
						description:
							'One item per user and organizational unit (events user.push and organizationalUnit.push)',
					},
				],
				default: 'emit',
				description: 'What to do with the records of a one-click full push from the console',
			},
			{
				displayName: 'Emit Test Events',
				name: 'emitTestEvents',
				type: 'boolean',
				default: false,
				description:
					"Whether the console's connection test starts the workflow too. It is always answered as passed.",
			},
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: true,
				description:
					'Whether to return a simplified version of the response instead of the raw data',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Claim URL',
						name: 'claimUrl',
						type: 'string',
						default: '',
						placeholder: 'http://n8n-main:5678/webhook/…/idaas-events',
						description:
							"Only for queue mode with several webhook processors: this trigger's Production URL on the main instance, as the processors reach it. Every processor asks it which events are new, so that no event starts twice. Leave empty for a single n8n.",
					},
					{
						displayName: 'Clock Skew (Seconds)',
						name: 'clockSkew',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: MAX_CLOCK_SKEW },
						default: 60,
						description: `How far the token's issue and expiry times may be off this server's clock (0 to ${MAX_CLOCK_SKEW} seconds)`,
					},
					{
						displayName: 'Include Passwords',
						name: 'includePasswords',
						type: 'boolean',
						default: false,
						description:
							'Whether to put the plaintext password into items, when the application has password sync on. Off: it is removed and the item says passwordWithheld.',
					},
					{
						displayName: 'Remembered Event IDs',
						name: 'rememberedEvents',
						type: 'number',
						typeOptions: { minValue: MIN_REMEMBERED, maxValue: MAX_REMEMBERED },
						default: DEFAULT_LIMIT,
						description: `How many recent event IDs are kept to drop repeated deliveries (${MIN_REMEMBERED} to ${MAX_REMEMBERED})`,
					},
					{
						displayName: 'Require Encryption',
						name: 'requireEncryption',
						type: 'boolean',
						default: false,
						description: 'Whether to refuse events whose data is not encrypted',
					},
				],
			},
		],
	};

	// IDaaS has no API for the push URL (only the console sets it), so there is nothing to
	// register or remove: activation only starts listening.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		let options;
		let claimUrl;
		let received;
		const body = this.getBodyData();
		const scope = `${this.getWorkflow().id ?? ''}:${this.getNode().id}:${this.getMode()}`;
		try {
			const raw = this.getNodeParameter('options', {}) as IDataObject;
			options = readOptions(raw);
			claimUrl = claimUrlOf(raw);
			const credentials = await this.getCredentials('alibabaIdaasEventsApi');
			received = await receive.call(this, credentials, {
				skewSeconds: options.skewSeconds,
				requireEncryption: options.requireEncryption,
			});
		} catch (error) {
			// Whatever went wrong, IDaaS gets an answer it retries on (500) or a refusal, and nothing starts.
			return refuse(
				this,
				error instanceof EventRejected
					? error
					: new EventRejected('The event could not be processed', 500),
			);
		}
		const { data } = received;
		if (isClaimRequest(body)) {
			// Another processor asks which of this verified delivery's events are new: decided here, nothing starts here.
			const ids = data.events.map((e) => e.eventId);
			this.getResponseObject()
				.status(200)
				.json(
					answerClaim(
						scope,
						this.getWorkflowStaticData('node'),
						body,
						ids,
						options.rememberedEvents,
					),
				);
			return { noWebhookResponse: true };
		}
		const wanted = wantedBy(
			this.getNodeParameter('events', [ALL]) as string[],
			this.getNodeParameter('fullPush', 'emit') === 'emit',
			this.getNodeParameter('emitTestEvents', false) === true,
		);
		const answer = emptyAnswer();
		const chosen = data.events.filter((event) => {
			const type = describeCode(event.eventType);
			if (wanted(type)) return true;
			// The console shows the connection test as passed only for a success (Alibaba's SDK does the same).
			if (type.kind === 'test') answer.successEvents.push(SUCCESS(event.eventId));
			else answer.skippedEvents.push(SKIPPED(event.eventId, 'not selected in the trigger'));
			return false;
		});
		const ctx = {
			applicationId: received.applicationId,
			instanceId: data.instanceId || received.instanceId,
			simplify: this.getNodeParameter('simplify', true) as boolean,
			includePasswords: options.includePasswords,
		};
		// Items first, IDs after: an event recorded as seen but never emitted would be lost for
		// good (the retry is answered duplicate). An event whose item cannot be built is answered
		// failed and not recorded; the others go ahead.
		const built = new Map<RawEvent, IDataObject | Error>();
		for (const event of chosen) built.set(event, buildItem(event, ctx));
		const claimable = chosen
			.filter((event) => !(built.get(event) instanceof Error))
			.map((e) => e.eventId);
		let fresh: Set<string>;
		try {
			fresh = claimUrl
				? await claimRemotely.call(this, claimUrl, String((body as IDataObject).event), claimable)
				: claimNew(scope, this.getWorkflowStaticData('node'), claimable, options.rememberedEvents);
		} catch (error) {
			return refuse(
				this,
				error instanceof EventRejected
					? error
					: new EventRejected('The event could not be processed', 500),
			);
		}
		const items: IDataObject[] = [];
		for (const event of chosen) {
			const item = built.get(event)!;
			if (item instanceof Error) {
				this.logger.warn(
					`Alibaba Cloud IDaaS Event Trigger: event ${event.eventId.slice(0, 64)} answered failed: ${item.message}`,
				);
				answer.failedEvents.push(FAILED(event.eventId, item.message.slice(0, 200)));
				continue;
			}
			// Repeated IDs, in this request or from before, were processed: success, so IDaaS stops.
			if (!fresh.delete(event.eventId)) {
				answer.successEvents.push(SUCCESS(event.eventId, 'duplicate'));
				continue;
			}
			answer.successEvents.push(SUCCESS(event.eventId));
			items.push(item);
		}
		accept(this, answer);
		if (items.length === 0) return { noWebhookResponse: true };
		return { noWebhookResponse: true, workflowData: [this.helpers.returnJsonArray(items)] };
	}
}

/** The event's item, or why it could not be built (the record does not have the documented shape). */
function buildItem(event: RawEvent, ctx: ItemContext): IDataObject | Error {
	if (event.problem) return new Error(event.problem);
	try {
		return toItem(event, describeCode(event.eventType), ctx);
	} catch (error) {
		return error instanceof Error ? error : new Error(String(error));
	}
}

/** Which event types the parameters select. */
function wantedBy(
	events: string[],
	fullPush: boolean,
	testEvents: boolean,
): (type: EventType) => boolean {
	const keys = new Set(events);
	return (type) => {
		if (type.kind === 'test') return testEvents;
		if (type.kind === 'fullPush') return fullPush;
		return keys.has(ALL) || keys.has(type.key);
	};
}
