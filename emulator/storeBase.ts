import { notFound, ouNotInScope } from './errors';
import { Indexes } from './indexes';
import { PamStore } from './pam/store';
import type {
	AppRecord,
	CloudAccountRole,
	GroupRecord,
	OuRecord,
	TokenRecord,
	UserRecord,
} from './types';

/**
 * The state of one emulated IDaaS instance and the indexes over it. The subclasses add the
 * mutations (ouStore.ts, userStore.ts, store.ts); every mutation bumps `version` so that
 * derived listings (scoped ListUsers) know when to rebuild.
 */
export class StoreBase {
	readonly users = new Map<string, UserRecord>();
	readonly ous = new Map<string, OuRecord>();
	readonly groups = new Map<string, GroupRecord>();
	readonly applications = new Map<string, AppRecord>();
	/** Every token ever issued (expired and revoked ones stay, marked). */
	readonly tokens = new Map<string, TokenRecord>();
	readonly cloudAccountRoles = new Map<string, CloudAccountRole>();
	/** Stored credentials, credential providers, authentication tokens and authorization sessions. */
	readonly pam = new PamStore(
		() => this.instanceId,
		() => this.now(),
	);
	idx = new Indexes();
	version = 0;
	/**
	 * Whether ListUsers filtered on a unit also lists the unit's secondary members. Off: the
	 * emulator's ASSUMPTION (handlers/users.ts). On: the other reading of the docs, which the trigger
	 * makes, so tests can prove a caller safe under both. A seed load turns it off.
	 */
	listSecondaryMembers = false;
	private lastTime = 0;

	constructor(
		public instanceId: string,
		public rootOrganizationalUnitId: string,
	) {}

	/** Unix ms, strictly increasing, so every change moves updateTime forward even within one ms. */
	now(): number {
		this.lastTime = Math.max(Date.now(), this.lastTime + 1);
		return this.lastTime;
	}

	/** The first application: the one the demo seed and generated data grant everything to. */
	get application(): AppRecord {
		const first = this.applications.values().next().value;
		if (!first) throw new Error('The emulator has no application');
		return first;
	}

	get demoApplication(): AppRecord {
		return this.application;
	}

	protected changed(): void {
		this.version++;
	}

	/** Empties the instance (seed loading). */
	clearState(): void {
		this.users.clear();
		this.ous.clear();
		this.groups.clear();
		this.applications.clear();
		this.tokens.clear();
		this.cloudAccountRoles.clear();
		this.pam.clear();
		this.idx = new Indexes();
		this.listSecondaryMembers = false;
		this.changed();
	}

	user(userId: string): UserRecord {
		const user = this.users.get(userId);
		if (!user) throw notFound('User', userId);
		return user;
	}

	/**
	 * Documented: a missing OU answers OrganizationUnitIdNotInScopes ("not in scope or does not
	 * exist", zh API metadata), not a ResourceNotFound code.
	 */
	ou(ouId: string): OuRecord {
		const ou = this.ous.get(ouId);
		if (!ou) throw ouNotInScope(ouId);
		return ou;
	}

	/** ASSUMPTION: a missing group is 404 ResourceNotFound.Group (no error table for groups). */
	group(groupId: string): GroupRecord {
		const group = this.groups.get(groupId);
		if (!group) throw notFound('Group', groupId);
		return group;
	}
}
