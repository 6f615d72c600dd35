import type { IDataObject } from 'n8n-workflow';

import { shapedValue, simpleOrganizationalUnit, simpleUser } from '../AlibabaIdaas/output/shapes';
import type { MembershipChange } from './groups/state';
import type { OuChange } from './units/state';
import type { UserEvent } from './users/diff';
import type { Fingerprint } from './users/state';

/** The OU and, with sub-units, every OU below it in the tree read by this poll. */
export function scopeOus(
	root: string,
	includeSubUnits: boolean,
	parents: ReadonlyMap<string, string | undefined>,
): Set<string> {
	const result = new Set([root]);
	if (!includeSubUnits) return result;
	const children = new Map<string, string[]>();
	for (const [child, parent] of parents) {
		if (parent === undefined) continue;
		const list = children.get(parent) ?? [];
		list.push(child);
		children.set(parent, list);
	}
	const queue = [root];
	while (queue.length > 0) {
		for (const child of children.get(queue.shift() as string) ?? []) {
			if (!result.has(child)) {
				result.add(child);
				queue.push(child);
			}
		}
	}
	return result;
}

/**
 * Whether an event concerns the watched OUs: a user whose primary OU is (deleted: was) in the
 * set; a move into or out of it.
 */
export function inScope(
	event: UserEvent,
	ouOf: (userId: string) => string | undefined,
	ous?: ReadonlySet<string>,
): boolean {
	if (!ous) return true;
	if (event.event === 'moved') return ous.has(event.from ?? '') || ous.has(event.to ?? '');
	if (event.event === 'deleted') return ous.has(event.previous?.primaryOrganizationalUnitId ?? '');
	return ous.has(ouOf(event.userId) ?? '');
}

/** An n8n item for one event. */
export function toItem(
	event: UserEvent,
	current: Fingerprint | undefined,
	simplify: boolean,
): IDataObject {
	const item: IDataObject = { event: event.event, userId: event.userId };
	if (event.user) {
		const user: IDataObject = { ...(event.user as IDataObject) };
		if (current?.ou !== undefined) user.primaryOrganizationalUnitId = current.ou;
		item.user = simplify ? simpleUser(user) : user;
	}
	if (event.previous) {
		item.user = { userId: event.userId, ...event.previous };
		item.note = 'The user no longer exists; this is what the trigger last knew about it.';
	}
	if (event.changes) {
		item.changedFields = event.changes.map((c) => c.field);
		item.changes = event.changes.map((c) =>
			simplify ? { ...c, new: shapedValue(c.field, c.new) } : { ...c },
		) as unknown as IDataObject[];
		if (event.changes.some((c) => !c.oldKnown)) {
			item.note =
				'Old values are known only for status, the verified/password flags and the organizational unit; the trigger keeps a short hash of the other fields.';
		}
	}
	if (event.event === 'moved') {
		item.previousOrganizationalUnitId = event.from;
		item.organizationalUnitId = event.to;
	}
	if (event.previousStatus) item.previousStatus = event.previousStatus;
	return item;
}

/** An item for a membership change; the group name when the group still exists. */
export function toMembershipItem(
	change: MembershipChange,
	groupName: string | undefined,
): IDataObject {
	const item: IDataObject = { event: change.event, groupId: change.groupId, userId: change.userId };
	if (groupName !== undefined) item.groupName = groupName;
	if (change.groupDeleted) {
		item.groupDeleted = true;
		item.note = 'The group was deleted, which ended this membership.';
	}
	return item;
}

/**
 * An item for an OU change; the OU's listing record (raw) or its simplified shape, with the ID,
 * name and parent this poll read (simplified).
 */
export function toOuItem(
	change: OuChange,
	record: IDataObject | undefined,
	simplify: boolean,
): IDataObject {
	const item: IDataObject = { event: change.event, organizationalUnitId: change.id };
	const now = change.current;
	if (now) {
		item.organizationalUnit =
			simplify || !record
				? {
						...simpleOrganizationalUnit(record ?? {}),
						organizationalUnitId: now.id,
						organizationalUnitName: now.name,
						parentId: now.parentId,
					}
				: record;
	}
	const before = change.previous;
	if (change.event === 'ouRenamed' && before) item.previousName = before.name;
	if (change.event === 'ouMoved' && before) item.previousParentId = before.parentId;
	if (change.event === 'ouDeleted' && before) {
		item.organizationalUnit = {
			organizationalUnitId: before.id,
			organizationalUnitName: before.name,
			parentId: before.parentId,
		};
		item.note =
			'The organizational unit no longer exists; this is what the trigger last knew about it.';
	}
	return item;
}
