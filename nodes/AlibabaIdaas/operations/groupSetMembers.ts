import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { OperationSpec } from '../catalog';
import { catalogOp } from '../catalog';
import { pathId } from '../catalog/params';
import { operationFields } from '../description/properties';
import type { ExecutionState } from './execution';
import type { PreparedRequest } from '../request/build';
import { readValues } from '../request/read';
import { checked, isBlank, normalizeValue } from '../request/build';
import { mapWithConcurrency } from '../transport/concurrency';
import { changeReportField, changeReportItem, wantsChangeReport } from './changeReport';
import { catalogParam } from './upsert';
import {
	guardReason,
	planFields,
	readPlanSettings,
	resultItem,
	wholeInputOperation,
} from './wholeInput';

/**
 * Group → Set Members: the group's members become exactly the users the input items name (by ID,
 * username, e-mail or external ID). Reads the members once (ListUsersForGroup), adds and removes
 * only the difference with AddUsersToGroup / RemoveUsersFromGroup, in batches; both are idempotent,
 * so a run that failed half-way is safe to repeat.
 */

const addUsers = catalogOp('AddUsersToGroup');
const removeUsers = catalogOp('RemoveUsersFromGroup');
const listMembers = catalogOp('ListUsersForGroup');
const show = { resource: ['group'], operation: ['setMembers'] };
/** Users per add or remove request. ASSUMPTION: the API documents no limit; 100 matches its page size. */
const BATCH = 100;

const groupSpec: OperationSpec = {
	...addUsers,
	operation: 'setMembers',
	params: [
		{ ...catalogParam(addUsers, 'groupId'), description: 'The group whose members are set' },
	],
};
const userIdParam = { ...pathId('userId', 'user'), displayName: 'Member' };

type Identifier = 'userId' | 'username' | 'email' | 'userExternalId';
const LOOKUPS: Record<Exclude<Identifier, 'userId'>, string> = {
	username: 'GetUserIdByUsername',
	email: 'GetUserIdByEmail',
	userExternalId: 'GetUserIdByUserExternalId',
};

const fields: INodeProperties[] = [
	...operationFields(groupSpec),
	{
		displayName: 'Members Given By',
		name: 'memberIdentifier',
		type: 'options',
		options: [
			{ name: 'Email', value: 'email' },
			{ name: 'External ID', value: 'userExternalId' },
			{ name: 'User ID', value: 'userId' },
			{ name: 'Username', value: 'username' },
		],
		default: 'userId',
		description: 'What each input item gives to name a member',
		displayOptions: { show },
	},
	{
		displayName: 'Member',
		name: 'member',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.username }}',
		description:
			'The member this item names: one item per member. Users no item names are removed from the group.',
		displayOptions: { show },
	},
	...planFields(show, 'Removals'),
	changeReportField(show),
];

interface Member {
	itemIndex: number;
	member: string;
	lookup?: PreparedRequest;
	userId?: string;
	reason?: string;
}

/** Every item's member checked and its look-up prepared, before any request. */
function readMembers(state: ExecutionState, itemCount: number): Member[] {
	const { ctx, client } = state;
	const identifier = ctx.getNodeParameter('memberIdentifier', 0, 'userId') as Identifier;
	if (!['userId', ...Object.keys(LOOKUPS)].includes(identifier)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Members Given By must be userId, username, email or userExternalId, got ${JSON.stringify(identifier)}`,
			{ itemIndex: 0, description: 'Check the "Members Given By" field.' },
		);
	}
	return Array.from({ length: itemCount }, (_, itemIndex) => {
		const raw = state.parameters.get('member', itemIndex, '');
		if (isBlank(raw) || typeof raw === 'object') {
			throw new NodeOperationError(
				ctx.getNode(),
				`Member is required: the ${identifier} of a user, got ${JSON.stringify(raw ?? '')}`,
				{ itemIndex, description: 'Check the "Member" field.' },
			);
		}
		const member = String(raw).trim();
		if (identifier === 'userId')
			return {
				itemIndex,
				member,
				userId: checked(
					ctx.getNode(),
					() => normalizeValue(userIdParam, member) as string,
					itemIndex,
				),
			};
		const source =
			identifier === 'userExternalId'
				? { userSourceType: 'build_in', userSourceId: client.connection.instanceId }
				: {};
		return {
			itemIndex,
			member,
			lookup: client.prepare(
				catalogOp(LOOKUPS[identifier]),
				{ [identifier]: member, ...source },
				itemIndex,
			),
		};
	});
}

/** Sends adds or removes in batches; the user IDs of batches that failed, with their error. */
async function inBatches(
	state: ExecutionState,
	op: OperationSpec,
	groupId: string,
	userIds: string[],
): Promise<Map<string, IDataObject>> {
	const failed = new Map<string, IDataObject>();
	const batches = Array.from({ length: Math.ceil(userIds.length / BATCH) }, (_, i) =>
		userIds.slice(i * BATCH, (i + 1) * BATCH),
	);
	await mapWithConcurrency(batches.length, state.concurrency, async (i) => {
		try {
			await state.client.call(op, { groupId, userIds: batches[i] }, { itemIndex: 0 });
		} catch (error) {
			const code =
				error instanceof NodeApiError
					? (error.errorResponse as IDataObject | undefined)?.code
					: undefined;
			for (const id of batches[i])
				failed.set(id, {
					error: (error as Error).message,
					...(typeof code === 'string' ? { code } : {}),
				});
		}
	});
	return failed;
}

async function setMembers(state: ExecutionState, itemCount: number): Promise<INodeExecutionData[]> {
	const { client } = state;
	const { groupId } = (await readValues(state, groupSpec, 0)) as { groupId: string };
	const group = client.prepare(listMembers, { groupId }, 0);
	const plan = readPlanSettings(state, 'Removals');
	const report = wantsChangeReport(state);
	const members = readMembers(state, itemCount);

	await mapWithConcurrency(members.length, state.concurrency, async (i) => {
		const member = members[i];
		if (!member.lookup) return;
		member.userId = await client.findId(member.lookup, { itemIndex: member.itemIndex });
		if (!member.userId)
			member.reason = `No user has ${member.lookup.op.params[0].name} "${member.member}"`;
	});
	const current = new Set(
		(await client.list(group, { itemIndex: 0 })).map((record) => String(record.userId)),
	);
	const wanted = new Set(members.flatMap((m) => (m.userId ? [m.userId] : [])));
	const adds = [...wanted].filter((id) => !current.has(id));
	const removes = [...current].filter((id) => !wanted.has(id));

	const blocked = guardReason(plan, removes.length, current.size, 'removes');
	const apply = !plan.dryRun && blocked === undefined;
	const addFailed = apply
		? await inBatches(state, addUsers, groupId, adds)
		: new Map<string, IDataObject>();
	const removeFailed = apply
		? await inBatches(state, removeUsers, groupId, removes)
		: new Map<string, IDataObject>();
	const common = {
		...(plan.dryRun ? { dryRun: true } : {}),
		...(blocked && !plan.dryRun ? { blocked } : {}),
		...(plan.dryRun && blocked
			? { warning: blocked.replace('Nothing applied', 'Would not be applied') }
			: {}),
	};

	const out = members.map((m) => {
		if (!m.userId)
			return resultItem(
				{ action: 'failed', applied: false, member: m.member, reason: m.reason, ...common },
				m.itemIndex,
			);
		const action = current.has(m.userId) ? 'unchanged' : 'added';
		const failure = addFailed.get(m.userId);
		const json = {
			action: failure ? 'failed' : action,
			applied: apply && action === 'added' && !failure,
			userId: m.userId,
			member: m.member,
			...common,
			...(failure ? { plannedAction: action, ...failure } : {}),
		};
		return resultItem(json, m.itemIndex);
	});
	for (const userId of removes) {
		const failure = removeFailed.get(userId);
		out.push(
			resultItem(
				{
					action: failure ? 'failed' : 'removed',
					applied: apply && !failure,
					userId,
					...common,
					...(failure ? { plannedAction: 'removed', ...failure } : {}),
				},
				undefined,
			),
		);
	}
	if (report) {
		const results = out.map((item) => item.json);
		const changes = results.flatMap((r) => {
			const who = String(r.member ?? r.userId ?? '');
			if (r.action === 'failed')
				return [
					{
						who,
						userId: r.userId,
						what: `${String(r.plannedAction ?? 'look-up')} failed`,
						before: '',
						after: String(r.error ?? r.reason ?? ''),
					},
				];
			if (r.action === 'added')
				return [{ who, userId: r.userId, what: 'added', before: 'not a member', after: 'member' }];
			if (r.action === 'removed')
				return [
					{ who, userId: r.userId, what: 'removed', before: 'member', after: 'not a member' },
				];
			return [];
		});
		out.push(changeReportItem('setMembers', results, changes, { groupId, ...common }));
	}
	return out;
}

export const groupSetMembers = wholeInputOperation({
	resource: 'group',
	option: {
		name: 'Set Members',
		value: 'setMembers',
		description:
			"Make the group's members exactly the users the input items name: adds and removes only the difference",
		action: 'Set the members of a group',
	},
	fields,
	readme: {
		does: "Makes a group's members exactly the users the items name (ID, username, email or external ID)",
		requests: 'the look-ups, ListUsersForGroup, then one add and one remove per 100 users',
	},
	runAll: setMembers,
});
