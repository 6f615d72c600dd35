import { invalid, notFound } from '../errors';
import { pageWindow, slice, tokenPage, tokenWindow } from '../pagination';
import type { NewUser, UserPatch } from '../store';
import type { UserRecord } from '../types';
import { userDetail, userSummary } from '../views';
import { scopedUserIds } from './scopedUsers';
import type { Ctx, Handler } from './context';
import { bearer } from './context';

/** ASSUMPTION: the simple policy the emulator enforces (the real one is set in the console). */
export const PASSWORD_MIN_LENGTH = 8;

function checkPassword(password: unknown): void {
	if (typeof password === 'string' && password.length < PASSWORD_MIN_LENGTH) {
		throw invalid(
			'password',
			`The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`,
		);
	}
}

/** The user named by the path, if the app may see it (else 404 ResourceNotFound.User). */
function pathUser(ctx: Ctx): UserRecord {
	return bearer(ctx).vis.requireUser(ctx.input.userId as string);
}

/** Lookups answer the documented 400 ResourceNotFound.UserId for unknown and out-of-scope users. */
function lookupResult(ctx: Ctx, userId: string | undefined, shown: string) {
	const user = userId ? ctx.store.users.get(userId) : undefined;
	if (!user || !bearer(ctx).vis.userVisible(user)) throw notFound('UserId', shown, 400);
	return { userId: user.userId };
}

export const userHandlers: Record<string, Handler> = {
	CreateUser(ctx) {
		const { vis } = bearer(ctx);
		const input = ctx.input as unknown as NewUser;
		vis.requireOu(input.primaryOrganizationalUnitId);
		checkPassword(input.password);
		const user = ctx.store.createUser({
			username: input.username,
			primaryOrganizationalUnitId: input.primaryOrganizationalUnitId,
			displayName: input.displayName,
			password: input.password,
			phoneRegion: input.phoneRegion,
			phoneNumber: input.phoneNumber,
			phoneNumberVerified: input.phoneNumberVerified,
			email: input.email,
			emailVerified: input.emailVerified,
			userExternalId: input.userExternalId,
			description: input.description,
			customFields: input.customFields,
		});
		return { userId: user.userId };
	},

	GetUser: (ctx) => userDetail(pathUser(ctx), bearer(ctx).vis),

	ListUsers(ctx) {
		const { vis } = bearer(ctx);
		const window = pageWindow(ctx.op, ctx.input);
		const ouId = ctx.input.organizationalUnitId as string | undefined;
		const { store } = ctx;
		if (ouId !== undefined) {
			// ASSUMPTION (direct vs recursive UNCONFIRMED, https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-listusers): the users whose primary OU it is.
			vis.requireOu(ouId);
			const index = store.idx.usersByPrimaryOu.get(ouId);
			if (store.listSecondaryMembers) {
				const ids = [
					...(index?.page(0, index.size) ?? []),
					...(store.idx.secondaryMembers.get(ouId) ?? []),
				];
				return {
					totalCount: ids.length,
					data: slice(ids, window).map((id) => userSummary(store.users.get(id)!)),
				};
			}
			const data = (index?.page(window.offset, window.size) ?? []).map((id) =>
				userSummary(store.users.get(id)!),
			);
			return { totalCount: index?.size ?? 0, data };
		}
		if (vis.seesEverything) {
			const data = store.idx.users
				.page(window.offset, window.size)
				.map((id) => userSummary(store.users.get(id)!));
			return { totalCount: store.idx.users.size, data };
		}
		const ids = scopedUserIds(vis);
		return {
			totalCount: ids.length,
			data: slice(ids, window).map((id) => userSummary(store.users.get(id)!)),
		};
	},

	PatchUser(ctx) {
		const user = pathUser(ctx);
		const patch = { ...ctx.input };
		delete patch.userId; // the path names the user, the body cannot move the patch to another one
		ctx.store.patchUser(user.userId, patch as UserPatch);
	},

	DeleteUser(ctx) {
		ctx.store.deleteUser(pathUser(ctx).userId);
	},

	EnableUser(ctx) {
		ctx.store.setStatus(pathUser(ctx).userId, 'enabled');
	},

	DisableUser(ctx) {
		ctx.store.setStatus(pathUser(ctx).userId, 'disabled');
	},

	/**
	 * `password` is optional in the API (validate.ts). ASSUMPTION: without one the call succeeds
	 * and changes nothing; no source says what the service does then.
	 */
	UpdateUserPassword(ctx) {
		const user = pathUser(ctx);
		const password = ctx.input.password as string | undefined;
		if (password === undefined) return;
		checkPassword(password);
		ctx.store.setPassword(user.userId, password);
	},

	/** Legacy (Go SDK v1.0.2 shape); values describe the emulator's own simple policy. */
	GetUserPasswordPolicy(ctx) {
		return {
			instanceId: ctx.store.instanceId,
			activeCycle: -1,
			minLength: PASSWORD_MIN_LENGTH,
			reservationCount: 0,
			passwordComplexityItem: {
				containLowerCase: false,
				containNumber: false,
				containSpecialChar: false,
				containUpperCase: false,
				displayNameCheck: false,
				emailCheck: false,
				phoneCheck: false,
				usernameCheck: false,
			},
		};
	},

	GetUserIdByEmail: (ctx) =>
		lookupResult(
			ctx,
			ctx.store.findUserId('email', ctx.input.email as string),
			ctx.input.email as string,
		),
	GetUserIdByPhoneNumber: (ctx) =>
		lookupResult(
			ctx,
			ctx.store.findUserId('phoneNumber', ctx.input.phoneNumber as string),
			ctx.input.phoneNumber as string,
		),
	GetUserIdByUsername: (ctx) =>
		lookupResult(
			ctx,
			ctx.store.findUserId('username', ctx.input.username as string),
			ctx.input.username as string,
		),
	GetUserIdByUserExternalId(ctx) {
		const { userExternalId, userSourceType, userSourceId } = ctx.input as Record<string, string>;
		return lookupResult(
			ctx,
			ctx.store.findUserIdByExternalId(userExternalId, userSourceType, userSourceId),
			userExternalId,
		);
	},

	SetUserPrimaryOrganizationalUnit(ctx) {
		const user = pathUser(ctx);
		const ouId = ctx.input.organizationalUnitId as string;
		bearer(ctx).vis.requireOu(ouId);
		ctx.store.moveUser(user.userId, ouId);
	},

	AddUserToOrganizationalUnits(ctx) {
		const user = pathUser(ctx);
		const ouIds = ctx.input.organizationalUnitIds as string[];
		for (const ouId of ouIds) bearer(ctx).vis.requireOu(ouId);
		ctx.store.addUserToOus(user.userId, ouIds);
	},

	RemoveUserFromOrganizationalUnits(ctx) {
		const user = pathUser(ctx);
		const ouIds = ctx.input.organizationalUnitIds as string[];
		for (const ouId of ouIds) bearer(ctx).vis.requireOu(ouId);
		ctx.store.removeUserFromOus(user.userId, ouIds);
	},

	ListGroupsForUser(ctx) {
		const { vis } = bearer(ctx);
		const user = pathUser(ctx);
		const listing = `ListGroupsForUser:${user.userId}`;
		const window = tokenWindow(ctx.op, ctx.input, listing);
		const groupIds = ctx.store.groupIdsOf(user.userId).filter((id) => vis.groupVisible(id));
		const data = slice(groupIds, window).map((groupId) => ({
			instanceId: ctx.store.instanceId,
			groupId,
			groupMemberRelationSourceType: 'build_in',
			groupMemberRelationSourceId: ctx.store.instanceId,
		}));
		return tokenPage(listing, window, groupIds.length, data);
	},
};
