import type { IdaasClient } from '../../AlibabaIdaas/request/client';
import type { Budget, Counter } from '../shared/walk';
import { eachRecord, forEachLimited, hasCode, isUserNotFound, OPS, validId } from '../shared/walk';
import type { GroupsRead, Memberships } from './state';
import { GROUP_PREFIX } from './state';

/**
 * The group memberships of one poll: ListGroups, then ListUsersForGroup for each group. Both are
 * nextToken lists, whose pages shift when the list changes under the walk, so a member can be
 * skipped. Nothing is reported removed on a listing's word alone:
 *
 * - a stored group the listing did not show is looked up with GetGroup: 404
 *   ResourceNotFound.Group means deleted (all its memberships end); otherwise it is walked;
 * - a stored member a group's listing did not show is looked up with ListGroupsForUser: the
 *   membership ended if the user is gone (404 ResourceNotFound.User) or no longer lists the
 *   group; otherwise it was only skipped and is kept.
 *
 * A member added while the walk runs can be skipped the same way; it is reported by a later poll.
 */

function isGroupNotFound(error: unknown): boolean {
	return hasCode(error, '404', /ResourceNotFound\.Group\b/);
}

/**
 * A group's members as its listing shows them, compared with its stored list (if any) page by
 * page: a listed member who is stored is noted by the stored ID (the listing's copy of the ID is
 * let go with its page), so an unchanged group ends up holding nothing new.
 */
async function membersOf(
	client: IdaasClient,
	groupId: string,
	stored: readonly string[] | undefined,
	budget: Budget,
	counter: Counter,
): Promise<Set<string>> {
	const known = new Map<string, string>();
	for (const userId of stored ?? []) known.set(userId, userId);
	const members = new Set<string>();
	await eachRecord(client, OPS.listUsersForGroup, { groupId }, budget, (record) => {
		if (validId(record.userId, 'user_', counter))
			members.add(known.get(record.userId) ?? record.userId);
	});
	return members;
}

export async function readGroups(
	client: IdaasClient,
	previous: Memberships,
	budget: Budget,
	counter: Counter,
): Promise<GroupsRead> {
	const names = new Map<string, string>();
	await eachRecord(client, OPS.listGroups, {}, budget, (record) => {
		if (validId(record.groupId, GROUP_PREFIX, counter))
			names.set(record.groupId, typeof record.groupName === 'string' ? record.groupName : '');
	});

	const deletedGroups = new Set<string>();
	const unlisted = [...previous.keys()].filter((id) => !names.has(id));
	await forEachLimited(unlisted, async (groupId) => {
		budget.check();
		const group = await client
			.call(OPS.getGroup, { groupId })
			.catch((error: unknown) => (isGroupNotFound(error) ? undefined : Promise.reject(error)));
		if (group) names.set(groupId, typeof group.groupName === 'string' ? group.groupName : '');
		else deletedGroups.add(groupId);
	});

	// Group by group as each listing ends: a group showing exactly its stored members keeps the
	// stored list, and only a changed group's members are held (as a set, until the look-ups
	// below), so a poll never holds a second copy of every membership.
	const current: Memberships = new Map();
	const changed = new Map<string, Set<string>>();
	await forEachLimited([...names.keys()], async (groupId) => {
		const members = await membersOf(client, groupId, previous.get(groupId), budget, counter).catch(
			(error: unknown) => (isGroupNotFound(error) ? undefined : Promise.reject(error)),
		);
		// A 404 from the group's own listing: it was deleted while this poll ran.
		if (!members) {
			if (previous.has(groupId)) deletedGroups.add(groupId);
			return;
		}
		const stored = previous.get(groupId);
		if (stored && stored.length === members.size && stored.every((id) => members.has(id))) {
			current.set(groupId, stored);
		} else {
			// Its place in the order groups were read, for the order of its events.
			current.set(groupId, []);
			changed.set(groupId, members);
		}
	});

	// Stored members not listed: was the membership ended, or the member only skipped?
	const suspects = new Map<string, string[]>();
	for (const [groupId, members] of changed) {
		for (const userId of previous.get(groupId) ?? []) {
			if (!members.has(userId)) suspects.set(userId, [...(suspects.get(userId) ?? []), groupId]);
		}
	}
	await forEachLimited([...suspects.keys()], async (userId) => {
		const groups = new Set<string>();
		const exists = await eachRecord(client, OPS.listGroupsForUser, { userId }, budget, (record) => {
			if (typeof record.groupId === 'string') groups.add(record.groupId);
		}).then(
			() => true,
			(error: unknown) => (isUserNotFound(error) ? false : Promise.reject(error)),
		);
		for (const groupId of suspects.get(userId) ?? []) {
			if (exists && groups.has(groupId)) changed.get(groupId)?.add(userId);
		}
	});
	for (const [groupId, members] of changed) current.set(groupId, [...members]);
	return { current, deletedGroups, names };
}
