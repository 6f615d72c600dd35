import type { ScimClient } from './client';
import type { ScimPushConfig } from './config';
import {
	activeOps,
	addMemberOps,
	eqFilter,
	patchBody,
	removeMemberOps,
	renameOps,
	scimGroup,
	userReplaceOps,
	type PatchOperation,
	type ScimUser,
} from './resources';

/**
 * The requests for one change, under the target's switches (config.ts). Each function is one
 * task of the hub's queue: it reads and updates the target's ID map, and reports what it could
 * not push as a failure instead of throwing, so one refused change never stops the others.
 */

export interface KnownUser {
	id: string;
	/** The resource as last accepted (undefined: found by a look-up, never sent). */
	sent?: ScimUser;
}

export interface KnownGroup {
	id: string;
	displayName?: string;
	/** IDaaS user IDs the target has as members, as far as this client sent them. */
	members: Set<string>;
}

export interface Target {
	config: ScimPushConfig;
	client: ScimClient;
	users: Map<string, KnownUser>;
	groups: Map<string, KnownGroup>;
	tails: Map<string, Promise<void>>;
	inFlight: number;
	waiting: Array<() => void>;
	groupInScope(groupId: string): boolean;
	failure(what: string, detail: string): void;
}

export interface GroupSnapshot {
	displayName: string;
	memberIds: string[];
}

const ok = (status: number) => status >= 200 && status < 300;
const idOf = (body: unknown) =>
	typeof (body as { id?: unknown })?.id === 'string' ? (body as { id: string }).id : undefined;
const brief = (body: unknown) =>
	(typeof body === 'string' ? body : JSON.stringify(body ?? null)).slice(0, 300);

/** The target's ID of the one resource whose `attribute` equals `value` (RFC 7644 §3.4.2.2). */
async function find(
	target: Target,
	resource: 'Users' | 'Groups',
	attribute: string,
	value: string,
): Promise<string | undefined> {
	const answer = await target.client.send(
		'GET',
		`/${resource}?filter=${encodeURIComponent(eqFilter(attribute, value))}`,
	);
	if (!ok(answer.status)) return undefined;
	const first = (answer.body as { Resources?: unknown[] } | undefined)?.Resources?.[0];
	return idOf(first);
}

/** Creates the user (after a look-up, with the switch), or sends what changed since the last push. */
export async function pushUser(target: Target, userId: string, user: ScimUser): Promise<void> {
	const known = target.users.get(userId);
	if (known) return updateUser(target, userId, user, known);
	let id = target.config.lookup
		? await find(target, 'Users', 'userName', user.userName)
		: undefined;
	if (!id) {
		const answer = await target.client.send('POST', '/Users', user);
		if (ok(answer.status) && idOf(answer.body)) {
			target.users.set(userId, { id: idOf(answer.body)!, sent: user });
			return;
		}
		// RFC 7644 §3.3: 409 uniqueness, the account exists already (an earlier push): adopt it.
		if (answer.status === 409) id = await find(target, 'Users', 'userName', user.userName);
		if (!id)
			return target.failure(`create user ${userId}`, `${answer.status} ${brief(answer.body)}`);
	}
	const adopted = { id };
	target.users.set(userId, adopted);
	return updateUser(target, userId, user, adopted);
}

async function updateUser(
	target: Target,
	userId: string,
	user: ScimUser,
	known: KnownUser,
): Promise<void> {
	const { config, client } = target;
	const before = known.sent;
	const onlyActive =
		before !== undefined &&
		before.active !== user.active &&
		userReplaceOps(user, { ...before, active: user.active }, config).length === 0;
	let answer;
	if (onlyActive && config.deactivate === 'patch')
		answer = await client.send(
			'PATCH',
			`/Users/${known.id}`,
			patchBody(activeOps(user.active, config)),
		);
	else if (config.update === 'put') answer = await client.send('PUT', `/Users/${known.id}`, user);
	else {
		const operations = userReplaceOps(user, before, config);
		if (operations.length === 0) return;
		answer = await client.send('PATCH', `/Users/${known.id}`, patchBody(operations));
	}
	if (ok(answer.status)) {
		known.sent = user;
		return;
	}
	if (answer.status === 404) {
		// Deleted on the target's side: created again, as a full push would.
		target.users.delete(userId);
		return pushUser(target, userId, user);
	}
	target.failure(`update user ${userId}`, `${answer.status} ${brief(answer.body)}`);
}

/** A user deleted in IDaaS: DELETE, or `active: false` (the delete switch). */
export async function removeUser(target: Target, userId: string): Promise<void> {
	const known = target.users.get(userId);
	if (!known) return;
	if (target.config.delete === 'deactivate') {
		if (known.sent?.active === false) return;
		const inactive = known.sent && { ...known.sent, active: false };
		// A PUT needs the whole resource; a user found by a look-up and never sent gets the PATCH.
		const answer =
			inactive && target.config.update === 'put' && target.config.deactivate === 'update'
				? await target.client.send('PUT', `/Users/${known.id}`, inactive)
				: await target.client.send(
						'PATCH',
						`/Users/${known.id}`,
						patchBody(activeOps(false, target.config)),
					);
		if (!ok(answer.status))
			return target.failure(
				`deactivate deleted user ${userId}`,
				`${answer.status} ${brief(answer.body)}`,
			);
		known.sent = inactive;
		// IDaaS drops a deleted user's group memberships; the account stays, so its memberships go by request.
		for (const [groupId, group] of target.groups) {
			if (group.members.has(userId))
				await setMembership(target, groupId, userId, false, {
					displayName: group.displayName ?? '',
					memberIds: [],
				});
		}
		return;
	}
	const answer = await target.client.send('DELETE', `/Users/${known.id}`);
	if (ok(answer.status) || answer.status === 404) target.users.delete(userId);
	else target.failure(`delete user ${userId}`, `${answer.status} ${brief(answer.body)}`);
	for (const group of target.groups.values()) group.members.delete(userId);
}

/** Creates, renames or brings the group's members up to date; `undefined` deletes it. */
export async function pushGroup(
	target: Target,
	groupId: string,
	group: GroupSnapshot | undefined,
): Promise<void> {
	const { config, client } = target;
	let known = target.groups.get(groupId);
	if (!group) {
		if (!known) return;
		const answer = await client.send('DELETE', `/Groups/${known.id}`);
		if (ok(answer.status) || answer.status === 404) target.groups.delete(groupId);
		else target.failure(`delete group ${groupId}`, `${answer.status} ${brief(answer.body)}`);
		return;
	}
	if (!known && !target.groupInScope(groupId)) return;
	const members = group.memberIds.filter((userId) => target.users.has(userId));
	if (!known) {
		let id = config.lookup
			? await find(target, 'Groups', 'displayName', group.displayName)
			: undefined;
		if (!id) {
			const answer = await client.send(
				'POST',
				'/Groups',
				scimGroup(
					groupId,
					group.displayName,
					members.map((u) => target.users.get(u)!.id),
				),
			);
			if (ok(answer.status) && idOf(answer.body)) {
				target.groups.set(groupId, {
					id: idOf(answer.body)!,
					displayName: group.displayName,
					members: new Set(members),
				});
				return;
			}
			if (answer.status === 409)
				id = await find(target, 'Groups', 'displayName', group.displayName);
			if (!id)
				return target.failure(`create group ${groupId}`, `${answer.status} ${brief(answer.body)}`);
		}
		known = { id, members: new Set() };
		target.groups.set(groupId, known);
	}
	const wanted = new Set(members);
	const added = members.filter((u) => !known.members.has(u));
	const removed = [...known.members].filter((u) => !wanted.has(u));
	if (config.update === 'put' || config.groupMembers === 'put')
		return putGroup(target, groupId, known, group.displayName, members);
	const operations: PatchOperation[] = [
		...(known.displayName !== group.displayName ? renameOps(group.displayName, config) : []),
		...addMemberOps(
			added.map((u) => target.users.get(u)!.id),
			config,
		),
		...removeMemberOps(
			removed.map((u) => target.users.get(u)?.id).filter((id): id is string => !!id),
			config,
		),
	];
	if (operations.length === 0) return;
	const answer = await client.send('PATCH', `/Groups/${known.id}`, patchBody(operations));
	if (!ok(answer.status))
		return target.failure(`update group ${groupId}`, `${answer.status} ${brief(answer.body)}`);
	known.displayName = group.displayName;
	known.members = wanted;
}

/** One member added or removed: a PATCH of `members`, or a PUT of the whole group (the groupMembers switch). */
export async function setMembership(
	target: Target,
	groupId: string,
	userId: string,
	add: boolean,
	group: GroupSnapshot,
): Promise<void> {
	const known = target.groups.get(groupId);
	if (!known) return pushGroup(target, groupId, group);
	const member = target.users.get(userId);
	if (!member || known.members.has(userId) === add) return;
	const { config, client } = target;
	const members = add ? [...known.members, userId] : [...known.members].filter((u) => u !== userId);
	if (config.groupMembers === 'put')
		return putGroup(target, groupId, known, known.displayName ?? group.displayName, members);
	const operations = add ? addMemberOps([member.id], config) : removeMemberOps([member.id], config);
	const answer = await client.send('PATCH', `/Groups/${known.id}`, patchBody(operations));
	if (!ok(answer.status))
		return target.failure(
			`${add ? 'add' : 'remove'} member ${userId} of group ${groupId}`,
			`${answer.status} ${brief(answer.body)}`,
		);
	if (add) known.members.add(userId);
	else known.members.delete(userId);
}

async function putGroup(
	target: Target,
	groupId: string,
	known: KnownGroup,
	displayName: string,
	members: string[],
): Promise<void> {
	const mapped = members.filter((u) => target.users.has(u));
	const body = scimGroup(
		groupId,
		displayName,
		mapped.map((u) => target.users.get(u)!.id),
	);
	const answer = await target.client.send('PUT', `/Groups/${known.id}`, body);
	if (!ok(answer.status))
		return target.failure(`replace group ${groupId}`, `${answer.status} ${brief(answer.body)}`);
	known.displayName = displayName;
	known.members = new Set(mapped);
}
