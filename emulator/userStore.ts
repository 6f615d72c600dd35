import { ApiError } from './errors';
import { newId } from './ids';
import { Indexes } from './indexes';
import { OuStore } from './ouStore';
import type { CustomField, SourceType, UserRecord } from './types';

export interface NewUser {
	username: string;
	primaryOrganizationalUnitId: string;
	displayName?: string;
	password?: string;
	phoneRegion?: string;
	phoneNumber?: string;
	phoneNumberVerified?: boolean;
	email?: string;
	emailVerified?: boolean;
	userExternalId?: string;
	description?: string;
	customFields?: CustomField[];
	/** Seeds and tests only: fixed ID, status, source. */
	userId?: string;
	status?: 'enabled' | 'disabled';
	userSourceType?: SourceType;
	userSourceId?: string;
}

export interface CustomFieldChange {
	fieldName: string;
	fieldValue?: string;
	operation?: 'add' | 'replace' | 'remove';
	/** Deprecated alias of `operation` (API metadata). */
	operator?: 'add' | 'replace' | 'remove';
}

/** PatchUser's fields (Go SDK), plus `description` for direct store use. */
export interface UserPatch {
	username?: string;
	displayName?: string;
	phoneRegion?: string;
	phoneNumber?: string;
	phoneNumberVerified?: boolean;
	email?: string;
	emailVerified?: boolean;
	description?: string;
	customFields?: CustomFieldChange[];
}

const PATCHABLE = [
	'username',
	'displayName',
	'phoneRegion',
	'phoneNumber',
	'phoneNumberVerified',
	'email',
	'emailVerified',
	'description',
] as const;

/**
 * Users and their OU memberships. updateTime moves on every effective change to the user:
 * profile patch, status, password, primary-OU move, secondary OU added or removed. Group
 * membership changes do NOT touch the user's updateTime (ASSUMPTION: groups are their own
 * resource; the docs do not say).
 */
export class UserStore extends OuStore {
	createUser(input: NewUser): UserRecord {
		this.ou(input.primaryOrganizationalUnitId);
		const userId = input.userId ?? newId('user_');
		if (this.users.has(userId))
			throw new ApiError(
				400,
				'ResourceDuplicated.UserId',
				`The specified UserId resource: ${userId} already exist!`,
			);
		const sourceType = input.userSourceType ?? 'build_in';
		const sourceId = input.userSourceId ?? this.instanceId;
		const externalId = input.userExternalId || userId;
		const externalKey = Indexes.externalKey(sourceType, sourceId, externalId);
		this.idx.username.check(input.username, userId);
		this.idx.email.check(input.email, userId);
		this.idx.phoneNumber.check(input.phoneNumber, userId);
		this.idx.userExternalId.check(externalKey, userId, externalId);
		const now = this.now();
		const user: UserRecord = {
			instanceId: this.instanceId,
			userId,
			username: input.username,
			// ASSUMPTION: the display name defaults to the username.
			displayName: input.displayName ?? input.username,
			passwordSet: Boolean(input.password),
			phoneRegion: input.phoneNumber ? (input.phoneRegion ?? '') : '',
			phoneNumber: input.phoneNumber ?? '',
			phoneNumberVerified: Boolean(input.phoneNumber && input.phoneNumberVerified),
			email: input.email ?? '',
			emailVerified: Boolean(input.email && input.emailVerified),
			userExternalId: externalId,
			userSourceType: sourceType,
			userSourceId: sourceId,
			status: input.status ?? 'enabled',
			// ASSUMPTION: -1 = never (as the legacy password policy's activeCycle uses -1).
			accountExpireTime: -1,
			registerTime: now,
			lockExpireTime: -1,
			createTime: now,
			updateTime: now,
			description: input.description ?? '',
			primaryOrganizationalUnitId: input.primaryOrganizationalUnitId,
			secondaryOrganizationalUnitIds: [],
			customFields: (input.customFields ?? []).map((f) => ({
				fieldName: f.fieldName,
				fieldValue: String(f.fieldValue ?? ''),
			})),
			password: input.password,
		};
		this.users.set(userId, user);
		this.idx.users.add(userId);
		Indexes.bucket(this.idx.usersByPrimaryOu, user.primaryOrganizationalUnitId).add(userId);
		this.idx.username.set(user.username, userId);
		this.idx.email.set(user.email, userId);
		this.idx.phoneNumber.set(user.phoneNumber, userId);
		this.idx.userExternalId.set(externalKey, userId);
		this.changed();
		return user;
	}

	/** Changes only the fields present (API metadata); returns whether anything changed. */
	patchUser(userId: string, patch: UserPatch): boolean {
		const user = this.user(userId);
		this.idx.username.check(patch.username, userId);
		this.idx.email.check(patch.email, userId);
		this.idx.phoneNumber.check(patch.phoneNumber, userId);
		let changed = false;
		for (const field of PATCHABLE) {
			const value = patch[field];
			if (value === undefined || user[field] === value) continue;
			const unique =
				field === 'username' || field === 'email' || field === 'phoneNumber'
					? this.idx[field]
					: undefined;
			unique?.release(user[field] as string, userId);
			(user as unknown as Record<string, unknown>)[field] = value;
			unique?.set(value as string, userId);
			changed = true;
		}
		if (patch.customFields) changed = applyCustomFields(user, patch.customFields) || changed;
		if (changed) this.touch(user);
		return changed;
	}

	deleteUser(userId: string): void {
		const user = this.user(userId);
		this.users.delete(userId);
		this.idx.users.delete(userId);
		this.idx.usersByPrimaryOu.get(user.primaryOrganizationalUnitId)?.delete(userId);
		for (const ouId of user.secondaryOrganizationalUnitIds)
			this.idx.secondaryMembers.get(ouId)?.delete(userId);
		for (const groupId of this.idx.groupsOfUser.get(userId) ?? [])
			this.groups.get(groupId)?.members.delete(userId);
		this.idx.groupsOfUser.delete(userId);
		this.idx.username.release(user.username, userId);
		this.idx.email.release(user.email, userId);
		this.idx.phoneNumber.release(user.phoneNumber, userId);
		this.idx.userExternalId.release(
			Indexes.externalKey(user.userSourceType, user.userSourceId, user.userExternalId),
			userId,
		);
		this.changed();
	}

	setStatus(userId: string, status: 'enabled' | 'disabled'): void {
		const user = this.user(userId);
		if (user.status === status) return;
		user.status = status;
		this.touch(user);
	}

	setPassword(userId: string, password: string): void {
		const user = this.user(userId);
		user.password = password;
		user.passwordSet = true;
		this.touch(user);
	}

	/** SetUserPrimaryOrganizationalUnit: leaves the old primary OU, joins the new one (zh API metadata). */
	moveUser(userId: string, ouId: string): void {
		const user = this.user(userId);
		this.ou(ouId);
		if (user.primaryOrganizationalUnitId === ouId) return;
		this.idx.usersByPrimaryOu.get(user.primaryOrganizationalUnitId)?.delete(userId);
		// ASSUMPTION: a secondary OU that becomes primary stops being secondary.
		this.dropSecondary(user, ouId);
		user.primaryOrganizationalUnitId = ouId;
		Indexes.bucket(this.idx.usersByPrimaryOu, ouId).add(userId);
		this.touch(user);
	}

	/** Idempotent: OUs the user is already in are left as they are (zh API metadata). */
	addUserToOus(userId: string, ouIds: readonly string[]): void {
		const user = this.user(userId);
		for (const ouId of ouIds) this.ou(ouId);
		let changed = false;
		for (const ouId of ouIds) {
			if (
				ouId === user.primaryOrganizationalUnitId ||
				user.secondaryOrganizationalUnitIds.includes(ouId)
			)
				continue;
			user.secondaryOrganizationalUnitIds.push(ouId);
			Indexes.setOf(this.idx.secondaryMembers, ouId).add(userId);
			changed = true;
		}
		if (changed) this.touch(user);
	}

	/**
	 * Succeeds for OUs the user is not in (C++ SDK, zh API metadata). The primary OU cannot be removed (Go SDK
	 * summary); the code is an ASSUMPTION: 400 `OperationDenied.PrimaryOrganizationalUnit`.
	 */
	removeUserFromOus(userId: string, ouIds: readonly string[]): void {
		const user = this.user(userId);
		if (ouIds.includes(user.primaryOrganizationalUnitId)) {
			throw new ApiError(
				400,
				'OperationDenied.PrimaryOrganizationalUnit',
				`The primary organizational unit ${user.primaryOrganizationalUnitId} cannot be removed; set another primary organizational unit first.`,
			);
		}
		let changed = false;
		for (const ouId of ouIds) changed = this.dropSecondary(user, ouId) || changed;
		if (changed) this.touch(user);
	}

	organizationalUnitIdsOf(user: UserRecord): string[] {
		return [user.primaryOrganizationalUnitId, ...user.secondaryOrganizationalUnitIds];
	}

	findUserId(by: 'username' | 'email' | 'phoneNumber', value: string): string | undefined {
		return this.idx[by].get(value);
	}

	findUserIdByExternalId(
		externalId: string,
		sourceType: string,
		sourceId: string,
	): string | undefined {
		return this.idx.userExternalId.get(Indexes.externalKey(sourceType, sourceId, externalId));
	}

	protected touch(user: UserRecord): void {
		user.updateTime = this.now();
		this.changed();
	}

	private dropSecondary(user: UserRecord, ouId: string): boolean {
		const at = user.secondaryOrganizationalUnitIds.indexOf(ouId);
		if (at < 0) return false;
		user.secondaryOrganizationalUnitIds.splice(at, 1);
		this.idx.secondaryMembers.get(ouId)?.delete(user.userId);
		return true;
	}
}

/** add/replace set the value ("replace on an empty field acts as add", API metadata); remove deletes it. */
function applyCustomFields(user: UserRecord, changes: readonly CustomFieldChange[]): boolean {
	let changed = false;
	for (const change of changes) {
		const operation = change.operation ?? change.operator ?? 'replace';
		const at = user.customFields.findIndex((f) => f.fieldName === change.fieldName);
		if (operation === 'remove') {
			if (at >= 0) user.customFields.splice(at, 1);
			changed = changed || at >= 0;
			continue;
		}
		const fieldValue = String(change.fieldValue ?? '');
		if (at >= 0 && user.customFields[at].fieldValue === fieldValue) continue;
		if (at >= 0) user.customFields[at].fieldValue = fieldValue;
		else user.customFields.push({ fieldName: change.fieldName, fieldValue });
		changed = true;
	}
	return changed;
}
