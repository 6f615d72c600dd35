import type { IDataObject } from 'n8n-workflow';

import { simpleGroup, simpleUser } from '../AlibabaIdaas/output/shapes';
import { getAttr, isObject } from './scim/filter';
import type { Directory } from './scim/idMap';
import { isActive, memberIds } from './scim/resources';
import type { Change, ChangeEvent } from './scim/routes';

/**
 * One item per change, in the words of the package's other nodes (username, displayName, email,
 * status enabled/disabled, as the IDaaS node's simplified users), with the SCIM resource as the
 * client sent it under `resource`, so a workflow can read either.
 */

export interface EventOption {
	name: string;
	value: ChangeEvent;
	description: string;
}

export const EVENTS: EventOption[] = [
	{ name: 'Group Created', value: 'group.created', description: 'A group was created' },
	{ name: 'Group Deleted', value: 'group.deleted', description: 'A group was deleted' },
	{
		name: 'Group Members Added',
		value: 'group.membersAdded',
		description: 'Users were added to a group (also when a group is created with members)',
	},
	{
		name: 'Group Members Removed',
		value: 'group.membersRemoved',
		description: 'Users were removed from a group',
	},
	{ name: 'Group Renamed', value: 'group.renamed', description: "A group's display name changed" },
	{ name: 'User Created', value: 'user.created', description: 'A user was created' },
	{
		name: 'User Deactivated',
		value: 'user.deactivated',
		description: 'A user was set inactive (active: false), by PUT or PATCH',
	},
	{ name: 'User Deleted', value: 'user.deleted', description: 'A user was deleted' },
	{
		name: 'User Reactivated',
		value: 'user.reactivated',
		description: 'An inactive user was set active again',
	},
	{
		name: 'User Updated',
		value: 'user.updated',
		description: 'Attributes of a user other than active changed',
	},
];

export interface ItemContext {
	method: string;
	/** The ISO time the request came. */
	receivedAt: string;
	includePasswords: boolean;
}

function primaryOf(list: unknown, preferType: string): IDataObject | undefined {
	if (!Array.isArray(list)) return undefined;
	const entries = list.filter(isObject);
	return (
		entries.find((e) => e.primary === true) ??
		entries.find((e) => String(e.type ?? '').toLowerCase() === preferType) ??
		entries[0]
	);
}

function compact(record: Record<string, unknown>): IDataObject {
	return Object.fromEntries(
		Object.entries(record).filter(([, v]) => v !== undefined && v !== null && v !== ''),
	) as IDataObject;
}

/**
 * The user in the IDaaS node's simplified shape (simpleUser in output/shapes.ts: userId, username, displayName,
 * email, phoneNumber, status, userExternalId), plus what SCIM adds (names, title, department,
 * employee number, active).
 */
export function normalizedUser(user: IDataObject): IDataObject {
	const name = getAttr(user, 'name');
	const enterprise = getAttr(user, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
	const shared = simpleUser(
		compact({
			userId: user.id,
			username: getAttr(user, 'userName'),
			displayName: getAttr(user, 'displayName'),
			email: primaryOf(getAttr(user, 'emails'), 'work')?.value,
			phoneNumber: primaryOf(getAttr(user, 'phoneNumbers'), 'work')?.value,
			status: isActive(user) ? 'enabled' : 'disabled',
			userExternalId: getAttr(user, 'externalId'),
		}),
	);
	return compact({
		...shared,
		givenName: isObject(name) ? getAttr(name, 'givenName') : undefined,
		familyName: isObject(name) ? getAttr(name, 'familyName') : undefined,
		title: getAttr(user, 'title'),
		department: isObject(enterprise) ? getAttr(enterprise, 'department') : undefined,
		employeeNumber: isObject(enterprise) ? getAttr(enterprise, 'employeeNumber') : undefined,
		active: isActive(user),
	});
}

function memberRefs(ids: string[], directory: Directory): IDataObject[] {
	return ids.map((id) => {
		const user = directory.users.get(id);
		return compact({
			userId: id,
			username: user ? getAttr(user, 'userName') : undefined,
			displayName: user ? getAttr(user, 'displayName') : undefined,
		});
	});
}

/** The group in the IDaaS node's simplified shape (simpleGroup in output/shapes.ts: groupId, groupName, groupExternalId), with its member IDs. */
export function normalizedGroup(group: IDataObject): IDataObject {
	const shared = simpleGroup(
		compact({
			groupId: group.id,
			groupName: getAttr(group, 'displayName'),
			groupExternalId: getAttr(group, 'externalId'),
		}),
	);
	return { ...shared, memberIds: memberIds(group) };
}

export function toItem(change: Change, directory: Directory, ctx: ItemContext): IDataObject {
	const item: IDataObject = {
		event: change.event,
		objectType: change.kind === 'User' ? 'user' : 'group',
	};
	if (change.kind === 'User') {
		item.user = normalizedUser(change.resource);
		if (change.changed) item.changedAttributes = change.changed;
		if (change.previous && change.event === 'user.updated')
			item.previous = normalizedUser(change.previous);
		if (change.password !== undefined) {
			if (ctx.includePasswords) item.password = change.password;
			else item.passwordWithheld = true;
		}
	} else {
		item.group = normalizedGroup(change.resource);
		if (change.event === 'group.renamed' && change.previous)
			item.previousGroupName = getAttr(change.previous, 'displayName') as string;
		if (change.members) item.members = memberRefs(change.members, directory);
	}
	// A copy: the workflow's nodes may change their items in place, and the directory must not change with them.
	item.resource = JSON.parse(JSON.stringify(change.resource)) as IDataObject;
	item.request = { method: ctx.method, receivedAt: ctx.receivedAt };
	return item;
}
