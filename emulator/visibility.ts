import { notFound, ouNotInScope } from './errors';
import type { Store } from './store';
import type { AppRecord, GroupRecord, OuRecord, UserRecord } from './types';

/**
 * What one application may see: its provisioning ("同步范围") scope (https://www.alibabacloud.com/help/zh/idaas/eiam/user-guide/application-developer-apis). Every read and
 * write goes through here.
 *
 * - An OU is visible when it or one of its ancestors is a scope OU (each scope OU brings its subtree).
 * - A user is visible when their PRIMARY OU is visible (ASSUMPTION: the docs do not say whether a
 *   secondary OU inside the scope is enough; primary-only keeps "who is in scope" unambiguous).
 *   Out-of-scope users look missing: 404 ResourceNotFound.User (lookups: 400 ResourceNotFound.UserId).
 * - A group is visible when it is listed in the scope's groupIds (ASSUMPTION: groups the app
 *   creates are added to its scope, see handlers/groups.ts).
 * - An out-of-scope or missing OU answers the documented 400 OrganizationUnitIdNotInScopes.
 */
export class Visibility {
	private readonly roots: ReadonlySet<string>;
	private readonly groupIds: ReadonlySet<string>;

	constructor(
		readonly store: Store,
		readonly app: AppRecord,
	) {
		this.roots = new Set(app.provisioningScope.organizationalUnitIds);
		this.groupIds = new Set(app.provisioningScope.groupIds);
	}

	/** A view that sees the whole instance (control endpoints, dumps). */
	static all(store: Store): Visibility {
		const app = store.application;
		return new Visibility(store, {
			...app,
			provisioningScope: {
				organizationalUnitIds: [store.rootOrganizationalUnitId],
				groupIds: [...store.groups.keys()],
			},
		});
	}

	/** The whole tree is in scope: listings can use the global indexes as they are. */
	get seesEverything(): boolean {
		return this.roots.has(this.store.rootOrganizationalUnitId);
	}

	ouVisible(ouId: string): boolean {
		return this.store.ous.has(ouId) && this.store.isWithin(ouId, this.roots);
	}

	requireOu(ouId: string): OuRecord {
		if (!this.ouVisible(ouId)) throw ouNotInScope(ouId);
		return this.store.ous.get(ouId)!;
	}

	userVisible(user: UserRecord): boolean {
		return this.seesEverything || this.ouVisible(user.primaryOrganizationalUnitId);
	}

	requireUser(userId: string): UserRecord {
		const user = this.store.users.get(userId);
		if (!user || !this.userVisible(user)) throw notFound('User', userId);
		return user;
	}

	groupVisible(groupId: string): boolean {
		return this.store.groups.has(groupId) && this.groupIds.has(groupId);
	}

	requireGroup(groupId: string): GroupRecord {
		if (!this.groupVisible(groupId)) throw notFound('Group', groupId);
		return this.store.groups.get(groupId)!;
	}
}
