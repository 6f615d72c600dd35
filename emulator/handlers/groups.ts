import { slice, tokenPage, tokenWindow } from '../pagination';
import { groupView } from '../views';
import type { Ctx, Handler } from './context';
import { bearer } from './context';

/** The user IDs of a request body: each must exist and be visible (else 404 ResourceNotFound.User). */
function visibleUserIds(ctx: Ctx): string[] {
	const ids = ctx.input.userIds as string[];
	for (const id of ids) bearer(ctx).vis.requireUser(id);
	return ids;
}

export const groupHandlers: Record<string, Handler> = {
	/** ASSUMPTION: a group the application creates joins its provisioning scope, so it can manage it. */
	CreateGroup(ctx) {
		const { app } = bearer(ctx);
		const group = ctx.store.createGroup({
			groupName: ctx.input.groupName as string,
			groupExternalId: ctx.input.groupExternalId as string | undefined,
		});
		app.provisioningScope.groupIds.push(group.groupId);
		return { groupId: group.groupId };
	},

	GetGroup: (ctx) => groupView(bearer(ctx).vis.requireGroup(ctx.input.groupId as string)),

	/** Creation order; groupNameStartWith is a case-sensitive prefix (ASSUMPTION). */
	ListGroups(ctx) {
		const { vis } = bearer(ctx);
		const prefix = (ctx.input.groupNameStartWith as string | undefined) ?? '';
		const listing = `ListGroups:${prefix}`;
		const window = tokenWindow(ctx.op, ctx.input, listing);
		const ids: string[] = [];
		for (const id of ctx.store.idx.groups.values()) {
			if (vis.groupVisible(id) && ctx.store.groups.get(id)!.groupName.startsWith(prefix))
				ids.push(id);
		}
		return tokenPage(
			listing,
			window,
			ids.length,
			slice(ids, window).map((id) => groupView(ctx.store.groups.get(id)!)),
		);
	},

	PatchGroup(ctx) {
		const group = bearer(ctx).vis.requireGroup(ctx.input.groupId as string);
		ctx.store.patchGroup(group.groupId, { groupName: ctx.input.groupName as string | undefined });
	},

	DeleteGroup(ctx) {
		ctx.store.deleteGroup(bearer(ctx).vis.requireGroup(ctx.input.groupId as string).groupId);
	},

	AddUsersToGroup(ctx) {
		const group = bearer(ctx).vis.requireGroup(ctx.input.groupId as string);
		ctx.store.addUsersToGroup(group.groupId, visibleUserIds(ctx));
	},

	RemoveUsersFromGroup(ctx) {
		const group = bearer(ctx).vis.requireGroup(ctx.input.groupId as string);
		ctx.store.removeUsersFromGroup(group.groupId, visibleUserIds(ctx));
	},

	/**
	 * Members the app can see, in the order they joined. The special "all groups" ID (API metadata
	 * `iggroup_all`, zh API metadata `igroup_all`; UNCONFIRMED which) is not emulated: it fails the
	 * catalog's `group_` prefix check first.
	 */
	ListUsersForGroup(ctx) {
		const { vis } = bearer(ctx);
		const group = vis.requireGroup(ctx.input.groupId as string);
		const listing = `ListUsersForGroup:${group.groupId}`;
		const window = tokenWindow(ctx.op, ctx.input, listing);
		const ids = [...group.members].filter((id) => vis.userVisible(ctx.store.users.get(id)!));
		const data = slice(ids, window).map((userId) => ({ instanceId: ctx.store.instanceId, userId }));
		return tokenPage(listing, window, ids.length, data);
	},
};
