import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { getOrganizationalUnits } from '../AlibabaIdaas/listSearch/getOrganizationalUnits';
import { IdaasClient } from '../AlibabaIdaas/request/client';
import { MEMBERSHIP_EVENTS } from './groups/state';
import { onePollAtATime } from './overlap';
import { runPoll } from './poll';
import { sample } from './sample';
import { OU_EVENTS } from './units/state';
import { ALL_EVENTS } from './users/diff';

/**
 * Polls the directory and reports changes of users, group memberships and organizational units
 * by diffing against a compact state kept in the workflow's static data (state.ts says what it
 * holds, poll.ts how a poll runs, users/, groups/ and units/ each family's walk and state, walk.ts
 * what the walks share).
 *
 * Guarantees:
 * - the first real poll (and the first after the credential, the workflow or the node changes,
 *   or after the stored state turns out not to be exactly what this version writes) records a
 *   baseline and emits nothing; manual runs ("Fetch Test Event") return a sample and never
 *   touch the state;
 * - the state is written only after a poll succeeded end to end, only when it changed, and only
 *   if it is still the state this poll read; any failure (a page, a lookup, token, throttling
 *   beyond the transport's retries, the poll time budget) throws and leaves the old state, so
 *   the next good poll reports everything in between;
 * - deletions (users, OUs, groups, memberships) are confirmed with a lookup first; something the
 *   walk merely missed is kept and diffed with its fresh record;
 * - something the trigger has never seen can be missed by a walk the directory changes under
 *   (pages shift): its creation comes with a later poll, never lost;
 * - two polls of one trigger never run at once in one process: the second skips.
 *
 * Within a family the state covers the whole directory the application can see; the OU filter
 * and the event selection only choose which events become items. So changing the filter or
 * the events of a family never loses or replays anything, and a move into or out of the
 * watched OU is a move, not a create or delete.
 *
 * Time budget: n8n 2.x (≥ 2.36) tells a poll how long it may run (getPollBudgetMs). A diff
 * needs the whole directory, so there is no useful partial result: when the budget runs out
 * the poll fails cleanly (state untouched) with an error that says so. Older n8n has no budget.
 */

/** The events, in the order n8n's lint wants (by name). */
const EVENT_OPTIONS = [
	{ name: 'Organizational Unit Created', value: 'ouCreated' },
	{
		name: 'Organizational Unit Deleted',
		value: 'ouDeleted',
		description: 'Confirmed with a lookup before it is reported',
	},
	{ name: 'Organizational Unit Moved', value: 'ouMoved', description: 'Its parent changed' },
	{ name: 'Organizational Unit Renamed', value: 'ouRenamed' },
	{ name: 'User Added to Group', value: 'memberAdded' },
	{ name: 'User Created', value: 'created' },
	{
		name: 'User Deleted',
		value: 'deleted',
		description: 'Confirmed with a lookup before it is reported',
	},
	{ name: 'User Disabled', value: 'disabled' },
	{ name: 'User Enabled', value: 'enabled' },
	{ name: 'User Moved', value: 'moved', description: 'The primary organizational unit changed' },
	{
		name: 'User Removed From Group',
		value: 'memberRemoved',
		description: 'Also when the user or the group was deleted; confirmed with a lookup first',
	},
	{
		name: 'User Updated',
		value: 'updated',
		description: 'Any other change; the item lists the changed fields',
	},
];

/** The canvas line under the node's name: the chosen events in words ("User Created, User Deleted"), not their values. */
const EVENT_NAMES = Object.fromEntries(EVENT_OPTIONS.map(({ name, value }) => [value, name]));

export class AlibabaIdaasTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alibaba Cloud IDaaS Trigger',
		name: 'alibabaIdaasTrigger',
		icon: {
			light: 'file:../AlibabaIdaas/alibabaIdaas.svg',
			dark: 'file:../AlibabaIdaas/alibabaIdaas.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: `={{ ($parameter["events"] || []).map((event) => (${JSON.stringify(EVENT_NAMES)})[event] || event).join(", ") }}`,
		// n8n's nodes panel shows one entry for a node and its trigger, with the trigger's description
		// (editor-ui generateMergedNodesAndActions: `app.description = trigger.description`), so this
		// text describes both: the actions first, then the trigger.
		description:
			'Manage users, organizational units and groups in Alibaba Cloud IDaaS (EIAM), and start workflows when users, group memberships or organizational units change',
		defaults: { name: 'Alibaba Cloud IDaaS Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'alibabaIdaasApi', required: true }],
		properties: [
			{
				displayName:
					'The first poll after activation records the directory and reports nothing; later polls report what changed since the previous poll. Group and organizational unit events cost requests only when picked.',
				name: 'baselineNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: EVENT_OPTIONS,
				default: ['created', 'updated', 'deleted'],
			},
			{
				displayName: 'Users',
				name: 'scope',
				description:
					'Narrows user and organizational unit events; membership events are not narrowed',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'All Users', value: 'all' },
					{ name: 'Users of an Organizational Unit', value: 'organizationalUnit' },
				],
				default: 'all',
			},
			{
				// Saved workflows may hold { mode: 'id', value } (before From List existed) or, from an
				// expression or a hand-written workflow, a plain ID string: poll() accepts all three.
				displayName: 'Organizational Unit',
				name: 'organizationalUnit',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				required: true,
				displayOptions: { show: { scope: ['organizationalUnit'] } },
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						placeholder: 'Select an organizational unit...',
						typeOptions: { searchListMethod: 'getOrganizationalUnits', searchable: true },
					},
					{
						displayName: 'By ID',
						name: 'id',
						type: 'string',
						placeholder: 'ou_wovwffm62xifdziem7an7xxxxx',
						validation: [
							{
								type: 'regex',
								properties: {
									regex: '^ou_[A-Za-z0-9_-]+$',
									errorMessage: 'An organizational unit ID starts with ou_',
								},
							},
						],
					},
				],
			},
			{
				displayName: 'Include Sub-Units',
				name: 'includeSubUnits',
				type: 'boolean',
				default: true,
				displayOptions: { show: { scope: ['organizationalUnit'] } },
				description: 'Whether to report users of the organizational units below it too',
			},
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: true,
				description:
					'Whether to return a simplified version of the response instead of the raw data',
			},
		],
	};

	methods = {
		listSearch: { getOrganizationalUnits },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const events = new Set((this.getNodeParameter('events', []) as string[]).filter(isEvent));
		if (events.size === 0) {
			throw new NodeOperationError(this.getNode(), 'Pick at least one event', {
				description: 'Choose the events this trigger should report.',
			});
		}
		const simplify = this.getNodeParameter('simplify', true) as boolean;
		let watched: { ou: string; includeSubUnits: boolean } | undefined;
		if (this.getNodeParameter('scope', 'all') === 'organizationalUnit') {
			const ou = organizationalUnitId(
				this.getNodeParameter('organizationalUnit', '', { extractValue: true }),
			);
			if (!/^ou_[A-Za-z0-9_-]+$/.test(ou)) {
				throw new NodeOperationError(this.getNode(), 'The organizational unit ID is not valid', {
					description:
						'Pick an organizational unit from the list, or give its ID (it starts with ou_).',
				});
			}
			watched = { ou, includeSubUnits: this.getNodeParameter('includeSubUnits', true) as boolean };
		}
		const client = await IdaasClient.connect(this);

		if (this.getMode() === 'manual')
			return await sample(this, client, [...events][0], simplify, watched?.ou);

		const key = `${this.getWorkflow().id ?? ''}|${this.getNode().id}`;
		return await onePollAtATime(
			key,
			() => {
				this.logger.warn(
					'Alibaba Cloud IDaaS Trigger: the previous poll is still running; this poll is skipped.',
				);
				return null;
			},
			async () => await runPoll(this, client, { events, simplify, watched }),
		);
	}
}

/** The OU ID from the locator's value, or from a plain string saved by an older or hand-written workflow. */
function organizationalUnitId(raw: unknown): string {
	const value =
		raw !== null && typeof raw === 'object' && !Array.isArray(raw)
			? (raw as { value?: unknown }).value
			: raw;
	return typeof value === 'string' ? value.trim() : '';
}

const EVENTS: readonly string[] = [...ALL_EVENTS, ...MEMBERSHIP_EVENTS, ...OU_EVENTS];

function isEvent(value: string): boolean {
	return EVENTS.includes(value);
}
