import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { IdaasClient } from '../AlibabaIdaas/request/client';
import { hash32 } from './shared/codec';
import { diffGroups, MEMBERSHIP_EVENTS, nextGroups } from './groups/state';
import { readGroups } from './groups/walk';
import { inScope, scopeOus, toItem, toMembershipItem, toOuItem } from './items';
import type { DecodedState, ReadState, StoredState } from './state';
import { encodeState, readState, sameContent } from './state';
import type { OuChange } from './units/state';
import { diffOus, nextOus, OU_EVENTS } from './units/state';
import { readOus } from './units/walk';
import { ALL_EVENTS, diff } from './users/diff';
import { NO_USERS } from './users/stored';
import { readUsers } from './users/walk';
import type { Budget, Counter, Tree } from './shared/walk';
import { readTree } from './shared/walk';

/**
 * One real poll: read the state, walk what the picked event families need, diff, and write the
 * state back only if it changed and is still the one this poll read.
 *
 * Families: user events need the OU tree and each OU's users; membership events need the
 * groups and their members; OU events need the tree. A family not picked costs no request and
 * keeps no state; picked later, it starts with a baseline of its own (the other families keep
 * reporting).
 *
 * Overlap: a poll that finds another poll of the same trigger running in this process skips
 * (overlap.ts). A poll also checks, just before it writes, that the stored state is still the
 * generation it read: if another poll wrote in between (another process, or n8n handing two
 * polls the same static data), this poll's events are already reported or superseded, so it
 * writes nothing and reports nothing, and the next poll diffs against the newer state.
 */

export const STATE_KEY = 'snapshot';
/** Margin kept from n8n's budget for the diff and writing the state. */
const BUDGET_MARGIN = 0.9;

export interface PollSettings {
	events: ReadonlySet<string>;
	simplify: boolean;
	watched?: { ou: string; includeSubUnits: boolean };
}

/** Which stored state a poll read: its generation and checksum, or nothing. */
function generationOf(data: unknown): string {
	const state = data as Partial<StoredState> | undefined;
	return state && typeof state === 'object'
		? `${String(state.gen)}|${String(state.check)}`
		: 'none';
}

export function pollBudget(ctx: IPollFunctions): Budget {
	const getBudget = (ctx as IPollFunctions & { getPollBudgetMs?: () => number }).getPollBudgetMs;
	const budgetMs = typeof getBudget === 'function' ? Number(getBudget.call(ctx)) : NaN;
	if (!Number.isFinite(budgetMs) || budgetMs <= 0) return { check: () => {} };
	const deadline = Date.now() + budgetMs * BUDGET_MARGIN;
	return {
		check: () => {
			if (Date.now() > deadline) {
				throw new NodeOperationError(
					ctx.getNode(),
					'The poll ran out of its time budget; nothing was recorded',
					{
						description: `Reading the directory took longer than n8n allows a poll (${Math.round(budgetMs / 1000)} s). The next poll starts over and reports everything since the last complete poll. Raise the poll budget or narrow the application's provisioning scope.`,
					},
				);
			}
		},
	};
}

/** The item a poll emits when it could not use the stored state and started over. */
export function baselineItem(problem: string): IDataObject {
	return {
		event: 'baselineTaken',
		baselineTakenAt: new Date().toISOString(),
		reason: problem,
		message:
			'The trigger could not use its stored state and took a fresh baseline: changes made since its last successful poll are not reported. Check the directory by hand (or run a reconcile) if they matter.',
	};
}

export async function runPoll(
	ctx: IPollFunctions,
	client: IdaasClient,
	settings: PollSettings,
): Promise<INodeExecutionData[][] | null> {
	const { events } = settings;
	const wantsUsers = ALL_EVENTS.some((event) => events.has(event));
	const wantsGroups = MEMBERSHIP_EVENTS.some((event) => events.has(event));
	const wantsOus = OU_EVENTS.some((event) => events.has(event));

	const { baseUrl, instanceId, applicationId } = client.connection;
	const scope = hash32(
		`${baseUrl}|${instanceId}|${applicationId}|${ctx.getWorkflow().id ?? ''}|${ctx.getNode().id}`,
	).toString(36);
	const staticData = ctx.getWorkflowStaticData('node');
	const raw = staticData[STATE_KEY];
	const generation = generationOf(raw);
	const read = readState(raw, scope);
	if (read.problem)
		ctx.logger.warn(
			`Alibaba Cloud IDaaS Trigger: ${read.problem}. Taking a fresh baseline; this poll reports nothing.`,
		);
	const before: Partial<ReadState> = read.state ?? {};
	// A state that was there but cannot be used loses the changes since the last poll: the
	// workflow hears of it (and can alert) instead of only n8n's log.
	const items: IDataObject[] = read.problem ? [baselineItem(read.problem)] : [];

	const budget = pollBudget(ctx);
	const counter: Counter = { invalidIds: 0 };
	const tree: Tree | undefined =
		wantsUsers || wantsOus ? await readTree(client, budget, counter) : undefined;
	const next: DecodedState = { gen: (before.gen ?? 0) + 1 };
	const watchedOus =
		settings.watched && tree
			? scopeOus(settings.watched.ou, settings.watched.includeSubUnits, tree.parents)
			: undefined;

	if (wantsOus && tree) {
		const previous = before.ous ?? new Map();
		const ous = await readOus(client, tree, previous, budget);
		next.ous = new Map(nextOus(previous, ous.current, ous.deleted).map((ou) => [ou.id, ou]));
		if (before.ous) {
			const concerns = (change: OuChange) =>
				!watchedOus ||
				[change.id, change.current?.parentId, change.previous?.parentId].some(
					(id) => id !== undefined && watchedOus.has(id),
				);
			for (const change of diffOus(previous, ous.current, ous.deleted)) {
				if (events.has(change.event) && concerns(change))
					items.push(toOuItem(change, tree.records.get(change.id), settings.simplify));
			}
		}
	}

	if (wantsUsers && tree) {
		const previous = before.users ?? NO_USERS;
		const { current, records, deleted } = await readUsers(
			client,
			tree,
			previous,
			budget,
			counter,
			before.users !== undefined,
		);
		const changes = before.users ? diff(previous, current, records, deleted) : [];
		records.clear();
		// The state after this poll; a user's OU in it is the one its items name.
		current.complete(deleted);
		next.users = current;
		for (const event of changes) {
			if (
				!events.has(event.event) ||
				!inScope(event, (userId) => current.get(userId)?.ou, watchedOus)
			)
				continue;
			items.push(
				toItem(
					event,
					event.event === 'deleted' ? undefined : current.get(event.userId),
					settings.simplify,
				),
			);
		}
	}

	if (wantsGroups) {
		const previous = before.groups ?? new Map();
		const groups = await readGroups(client, previous, budget, counter);
		next.groups = nextGroups(previous, groups);
		if (before.groups) {
			for (const change of diffGroups(previous, groups)) {
				if (events.has(change.event))
					items.push(toMembershipItem(change, groups.names.get(change.groupId)));
			}
		}
	}

	if (counter.invalidIds > 0) {
		ctx.logger.warn(
			`Alibaba Cloud IDaaS Trigger: skipped ${counter.invalidIds} records whose ID failed the ID check`,
		);
	}

	// Only now, with the whole poll done, may the state change; and only if it did.
	const state = encodeState(scope, next);
	if (!read.stored || !sameContent(state, read.stored)) {
		if (generationOf(staticData[STATE_KEY]) !== generation) {
			ctx.logger.warn(
				'Alibaba Cloud IDaaS Trigger: another poll of this trigger stored a newer state while this one ran; this poll reports nothing and keeps the newer state.',
			);
			return null;
		}
		staticData[STATE_KEY] = state as unknown as IDataObject;
	}
	return items.length > 0 ? [ctx.helpers.returnJsonArray(items)] : null;
}
