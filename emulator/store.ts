import { ApiError } from './errors';
import { Grants } from './grants';
import { newId, newToken } from './ids';
import { Indexes } from './indexes';
import type { AppRecord, GroupRecord, ProvisioningScope, TokenKind, TokenRecord } from './types';
import { UserStore } from './userStore';

export { type NewUser, type UserPatch } from './userStore';
export { type NewOu } from './ouStore';

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 1200;

export interface NewApplication {
	applicationId?: string;
	clientSecret?: string;
	enabled?: boolean;
	apiEnabled?: boolean;
	scopes?: Iterable<string>;
	provisioningScope?: Partial<ProvisioningScope>;
	deviceFlowEnabled?: boolean;
}

/** `…:manager_all` (a spelling some docs print, https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/introduction-to-api-integration) is stored as `…:manage_all`. */
export function canonicalScope(scope: string): string {
	return scope.replace(/:manager_all$/, ':manage_all');
}

/**
 * One emulated IDaaS instance: directory (userStore.ts, ouStore.ts), groups, applications and
 * tokens. Every method is usable directly from tests; the HTTP layer adds validation, scope and
 * provisioning-scope checks on top.
 */
export class Store extends UserStore {
	tokenLifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS;
	/** Whether Developer-API tokens carry the application's PAM grants (pam/auth.ts); off as no source says they do. */
	appTokenCarriesPam = false;
	/** Whether the OAuth endpoints ignore a form body and read the query string only (handlers/oauth.ts); off by default. */
	oauthQueryOnly = false;
	/** Device codes, authorization codes and refresh tokens (the end-user grants). */
	readonly grants = new Grants();

	override clearState(): void {
		super.clearState();
		this.grants.clear();
	}

	createGroup(input: {
		groupName: string;
		groupExternalId?: string;
		description?: string;
		groupId?: string;
	}): GroupRecord {
		const groupId = input.groupId ?? newId('group_');
		if (this.groups.has(groupId))
			throw new ApiError(
				400,
				'ResourceDuplicated.GroupId',
				`The specified GroupId resource: ${groupId} already exist!`,
			);
		this.idx.groupName.check(input.groupName, groupId);
		const now = this.now();
		const group: GroupRecord = {
			instanceId: this.instanceId,
			groupId,
			groupName: input.groupName,
			description: input.description ?? '',
			groupExternalId: input.groupExternalId || groupId,
			groupSourceType: 'build_in',
			groupSourceId: this.instanceId,
			createTime: now,
			updateTime: now,
			members: new Set(),
		};
		this.groups.set(groupId, group);
		this.idx.groups.add(groupId);
		this.idx.groupName.set(group.groupName, groupId);
		this.changed();
		return group;
	}

	patchGroup(groupId: string, patch: { groupName?: string; description?: string }): GroupRecord {
		const group = this.group(groupId);
		if (patch.groupName !== undefined && patch.groupName !== group.groupName) {
			this.idx.groupName.move(group.groupName, patch.groupName, groupId);
			group.groupName = patch.groupName;
		}
		if (patch.description !== undefined) group.description = patch.description;
		group.updateTime = this.now();
		this.changed();
		return group;
	}

	/** Members simply stop being members (ASSUMPTION: a non-empty group can be deleted). */
	deleteGroup(groupId: string): void {
		const group = this.group(groupId);
		for (const userId of group.members) this.idx.groupsOfUser.get(userId)?.delete(groupId);
		this.groups.delete(groupId);
		this.idx.groups.delete(groupId);
		this.idx.groupName.release(group.groupName, groupId);
		for (const app of this.applications.values()) {
			app.provisioningScope.groupIds = app.provisioningScope.groupIds.filter(
				(id) => id !== groupId,
			);
		}
		this.changed();
	}

	/** Idempotent (Go SDK summary); every user must exist, or nothing changes (404 ResourceNotFound.User). */
	addUsersToGroup(groupId: string, userIds: readonly string[]): void {
		const group = this.group(groupId);
		for (const userId of userIds) this.user(userId);
		for (const userId of userIds) {
			group.members.add(userId);
			Indexes.setOf(this.idx.groupsOfUser, userId).add(groupId);
		}
		this.changed();
	}

	/** Non-members are ignored (Go SDK summary). */
	removeUsersFromGroup(groupId: string, userIds: readonly string[]): void {
		const group = this.group(groupId);
		for (const userId of userIds) {
			group.members.delete(userId);
			this.idx.groupsOfUser.get(userId)?.delete(groupId);
		}
		this.changed();
	}

	groupIdsOf(userId: string): string[] {
		return [...(this.idx.groupsOfUser.get(userId) ?? [])];
	}

	addApplication(input: NewApplication = {}): AppRecord {
		const applicationId = input.applicationId ?? newId('app_');
		const app: AppRecord = {
			applicationId,
			clientId: applicationId,
			clientSecret: input.clientSecret ?? newToken('AT').replace(/^AT/, 'CS'),
			enabled: input.enabled ?? true,
			apiEnabled: input.apiEnabled ?? true,
			scopes: new Set([...(input.scopes ?? [])].map(canonicalScope)),
			provisioningScope: {
				organizationalUnitIds: [
					...(input.provisioningScope?.organizationalUnitIds ?? [this.rootOrganizationalUnitId]),
				],
				groupIds: [...(input.provisioningScope?.groupIds ?? [...this.groups.keys()])],
			},
			deviceFlowEnabled: input.deviceFlowEnabled ?? true,
		};
		this.applications.set(applicationId, app);
		this.changed();
		return app;
	}

	/** Changes an application's switches, permissions or provisioning scope (tests, control API). */
	updateApplication(applicationId: string, patch: NewApplication): AppRecord {
		const app = this.applications.get(applicationId);
		if (!app)
			throw new ApiError(
				404,
				'application_not_found',
				`Application id not found: ${applicationId}`,
			);
		if (patch.clientSecret !== undefined) app.clientSecret = patch.clientSecret;
		if (patch.enabled !== undefined) app.enabled = patch.enabled;
		if (patch.apiEnabled !== undefined) app.apiEnabled = patch.apiEnabled;
		if (patch.deviceFlowEnabled !== undefined) app.deviceFlowEnabled = patch.deviceFlowEnabled;
		if (patch.scopes !== undefined) app.scopes = new Set([...patch.scopes].map(canonicalScope));
		if (patch.provisioningScope?.organizationalUnitIds)
			app.provisioningScope.organizationalUnitIds = [
				...patch.provisioningScope.organizationalUnitIds,
			];
		if (patch.provisioningScope?.groupIds)
			app.provisioningScope.groupIds = [...patch.provisioningScope.groupIds];
		this.changed();
		return app;
	}

	issueToken(
		kind: TokenKind,
		applicationId: string,
		extra: { userId?: string; scopes?: string[]; lifetimeSeconds?: number } = {},
	): TokenRecord {
		const record: TokenRecord = {
			token: newToken('AT'),
			kind,
			instanceId: this.instanceId,
			applicationId,
			userId: extra.userId,
			scopes: extra.scopes ?? [],
			expiresAt: Date.now() + (extra.lifetimeSeconds ?? this.tokenLifetimeSeconds) * 1000,
			revoked: false,
		};
		this.tokens.set(record.token, record);
		return record;
	}

	/** "Expire all tokens now": every issued access token answers invalid_token from here on (refresh tokens stay usable). */
	expireAllTokens(): number {
		const past = Date.now() - 1;
		for (const token of this.tokens.values()) token.expiresAt = Math.min(token.expiresAt, past);
		return this.tokens.size;
	}

	revokeToken(token: string): boolean {
		const record = this.tokens.get(token);
		if (record) record.revoked = true;
		return Boolean(record);
	}

	/** The token's record if it is live (known, not revoked, not expired). */
	liveToken(token: string): TokenRecord | undefined {
		const record = this.tokens.get(token);
		return record && !record.revoked && record.expiresAt > Date.now() ? record : undefined;
	}

	counts(): Record<string, number> {
		return {
			users: this.users.size,
			organizationalUnits: this.ous.size,
			groups: this.groups.size,
			applications: this.applications.size,
			tokens: this.tokens.size,
		};
	}
}
