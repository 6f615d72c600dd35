import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { getOrganizationalUnits } from '../AlibabaIdaas/listSearch/getOrganizationalUnits';
import { IdaasClient } from '../AlibabaIdaas/transport/client';
import type { Budget } from './directory';
import { OPS, readDirectory } from './directory';
import { inScope, scopeOus, toItem } from './items';
import type { TriggerEvent } from './snapshot';
import { ALL_EVENTS, diff, hash32, isUsableState, nextState, pack, unpack } from './snapshot';

/**
 * Polls the directory and reports user changes by diffing against a compact snapshot kept in
 * the workflow's static data (see snapshot.ts for what it holds and directory.ts for how a poll
 * reads the directory).
 *
 * Guarantees:
 * - the first real poll (and the first after the credential's instance or application changes)
 *   records a baseline and emits nothing; manual runs ("Fetch Test Event") return a sample and
 *   never touch the state;
 * - the state is written only after a poll succeeded end to end; any failure (a page, GetUser,
 *   token, throttling beyond the transport's retries, the poll time budget) throws and leaves
 *   the old state, so the next good poll reports everything in between;
 * - deletions are confirmed with GetUser; a user the walk merely missed is kept and diffed
 *   with its fresh record;
 * - a user the trigger has never seen can be missed by a walk the directory changes under
 *   (pageNumber pages shift when an earlier user leaves the OU; a new user moved into an OU
 *   already read is not listed): its "created" comes with a later poll, never lost.
 *
 * The snapshot always covers the whole directory the application can see; the OU filter and
 * the event selection only choose which events become items. So changing the filter or the
 * events never loses or replays anything, and a move into or out of the watched OU is a move,
 * not a create or delete.
 *
 * Time budget: n8n 2.x (≥ 2.36) tells a poll how long it may run (getPollBudgetMs). A diff
 * needs the whole directory, so there is no useful partial result: when the budget runs out
 * the poll fails cleanly (state untouched) with an error that says so. Older n8n has no budget.
 */

const STATE_KEY = 'snapshot';
/** Margin kept from n8n's budget for the diff and writing the state. */
const BUDGET_MARGIN = 0.9;

export class AlibabaIdaasTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alibaba Cloud IDaaS Trigger',
		name: 'alibabaIdaasTrigger',
		icon: { light: 'file:../AlibabaIdaas/alibabaIdaas.svg', dark: 'file:../AlibabaIdaas/alibabaIdaas.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).join(", ")}}',
		description: 'Starts the workflow when users are created, changed, enabled, disabled, moved or deleted in Alibaba Cloud IDaaS',
		defaults: { name: 'Alibaba Cloud IDaaS Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'alibabaIdaasApi', required: true }],
		properties: [
			{
				displayName:
					'The first poll after activation records the directory and reports nothing; later polls report what changed since the previous poll.',
				name: 'baselineNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: [
					{ name: 'User Created', value: 'created' },
					{ name: 'User Deleted', value: 'deleted', description: 'Confirmed with a lookup before it is reported' },
					{ name: 'User Disabled', value: 'disabled' },
					{ name: 'User Enabled', value: 'enabled' },
					{ name: 'User Moved', value: 'moved', description: 'The primary organizational unit changed' },
					{
						name: 'User Updated',
						value: 'updated',
						description: 'Any other change; the item lists the changed fields',
					},
				],
				default: ['created', 'updated', 'deleted'],
			},
			{
				displayName: 'Users',
				name: 'scope',
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
								properties: { regex: '^ou_[A-Za-z0-9_-]+$', errorMessage: 'An organizational unit ID starts with ou_' },
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
				description: 'Whether to return a simplified version of the response instead of the raw data',
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
				description: 'Choose the user events this trigger should report.',
			});
		}
		const simplify = this.getNodeParameter('simplify', true) as boolean;
		let watched: { ou: string; includeSubUnits: boolean } | undefined;
		if (this.getNodeParameter('scope', 'all') === 'organizationalUnit') {
			const ou = organizationalUnitId(this.getNodeParameter('organizationalUnit', '', { extractValue: true }));
			if (!/^ou_[A-Za-z0-9_-]+$/.test(ou)) {
				throw new NodeOperationError(this.getNode(), 'The organizational unit ID is not valid', {
					description: 'Pick an organizational unit from the list, or give its ID (it starts with ou_).',
				});
			}
			watched = { ou, includeSubUnits: this.getNodeParameter('includeSubUnits', true) as boolean };
		}
		const client = await IdaasClient.create(this);

		if (this.getMode() === 'manual') return await sample.call(this, client, [...events][0], simplify, watched?.ou);

		const { baseUrl, instanceId, applicationId } = client.connection;
		const scopeKey = hash32(`${baseUrl}|${instanceId}|${applicationId}`).toString(36);
		const staticData = this.getWorkflowStaticData('node');
		const stored = staticData[STATE_KEY];
		const hasBaseline = isUsableState(stored, scopeKey);
		const previous = hasBaseline ? unpack(stored) : new Map();

		const read = await readDirectory(client, previous, pollBudget(this));
		const deletedSet = read.deleted;
		const found = diff(previous, read.current, deletedSet);
		const state = pack(nextState(previous, read.current, deletedSet), scopeKey);

		// Only now, with the whole poll done, does the state change.
		staticData[STATE_KEY] = state as unknown as IDataObject;
		if (!hasBaseline) return null;

		const ous = watched ? scopeOus(watched.ou, watched.includeSubUnits, read.parents) : undefined;
		const ouOf = (userId: string) => read.current.get(userId)?.fp.ou ?? previous.get(userId)?.ou;
		const items = found
			.filter((event) => events.has(event.event) && inScope(event, ouOf, ous))
			.map((event) => {
				const seen = read.current.get(event.userId);
				const fp = seen ? { ...seen.fp, ou: ouOf(event.userId) } : undefined;
				return { json: toItem(event, fp, simplify) };
			});
		return items.length > 0 ? [items] : null;
	}
}

/** The OU ID from the locator's value, or from a plain string saved by an older or hand-written workflow. */
function organizationalUnitId(raw: unknown): string {
	const value = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { value?: unknown }).value : raw;
	return typeof value === 'string' ? value.trim() : '';
}

function isEvent(value: string): value is TriggerEvent {
	return (ALL_EVENTS as readonly string[]).includes(value);
}

function pollBudget(ctx: IPollFunctions): Budget {
	const getBudget = (ctx as IPollFunctions & { getPollBudgetMs?: () => number }).getPollBudgetMs;
	const budgetMs = typeof getBudget === 'function' ? Number(getBudget.call(ctx)) : NaN;
	if (!Number.isFinite(budgetMs) || budgetMs <= 0) return { check: () => {} };
	const deadline = Date.now() + budgetMs * BUDGET_MARGIN;
	return {
		check: () => {
			if (Date.now() > deadline) {
				throw new NodeOperationError(ctx.getNode(), 'The poll ran out of its time budget; nothing was recorded', {
					description: `Reading the directory took longer than n8n allows a poll (${Math.round(budgetMs / 1000)} s). The next poll starts over and reports everything since the last complete poll. Raise the poll budget or narrow the application's provisioning scope.`,
				});
			}
		},
	};
}

/** "Fetch Test Event": one real user shaped like an item of the first selected event. */
async function sample(
	this: IPollFunctions,
	client: IdaasClient,
	event: TriggerEvent,
	simplify: boolean,
	ou: string | undefined,
): Promise<INodeExecutionData[][] | null> {
	const body = await client.call(OPS.listUsers, { pageNumber: 1, pageSize: 1, ...(ou ? { organizationalUnitId: ou } : {}) });
	const user = Array.isArray(body.data) ? (body.data[0] as IDataObject | undefined) : undefined;
	if (!user) return null;
	const item = toItem(
		{
			event,
			userId: String(user.userId),
			...(event === 'deleted' ? { previous: { status: user.status === 'disabled' ? 'disabled' : 'enabled' } } : { user }),
			...(event === 'updated' ? { changes: [{ field: 'displayName', new: user.displayName, oldKnown: false }] } : {}),
			...(event === 'moved' ? { from: ou, to: ou } : {}),
		},
		ou ? { userId: String(user.userId), status: 'enabled', booleans: [], ou, stamp: 0, hashes: [] } : undefined,
		simplify,
	);
	item.sample = true;
	return [this.helpers.returnJsonArray([item])];
}
