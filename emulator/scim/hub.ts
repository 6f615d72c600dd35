import { ApiError } from '../errors';
import { PushGate } from '../pushGate';
import { observeStore, type Change } from '../events/observe';
import type { Store } from '../store';
import { ScimClient } from './client';
import { buildConfig, type ScimPushConfig, type ScimPushInput } from './config';
import { ScimLog } from './log';
import {
	pushGroup,
	pushUser,
	removeUser,
	setMembership,
	type GroupSnapshot,
	type Target,
} from './push';
import { scimUser } from './resources';

/**
 * The emulator's SCIM client ("synchronize to application" in SCIM mode): per application a
 * configuration, an ID map (IDaaS user or group ID → the target's `id`, as the create's answer
 * gave it) and a queue that turns each store change in the application's scope into SCIM
 * requests. Changes to one user or group (and a membership change to both) are sent in the order
 * they happened; others run up to `concurrency` at once. Organizational units are not pushed:
 * IDaaS documents that SCIM mode syncs users and groups only.
 */

export type ScimPushSeed = ScimPushInput & { applicationId?: string };

export class ScimHub {
	readonly log = new ScimLog();
	private readonly targets = new Map<string, Target>();
	private readonly gate = new PushGate();
	private pending = 0;
	private closed = false;

	constructor(private readonly store: Store) {
		observeStore(
			store,
			(change) => this.onChange(change),
			() => !this.gate.isQuiet && this.targets.size > 0,
		);
	}

	/** Runs `fn` (seed loading) without pushing. */
	quiet<T>(fn: () => T): T {
		return this.gate.quietly(fn);
	}

	configure(applicationId: string, input: ScimPushInput): ScimPushConfig {
		if (!this.store.applications.has(applicationId))
			throw new ApiError(
				404,
				'application_not_found',
				`Application id not found: ${applicationId}`,
			);
		const config = buildConfig(applicationId, input);
		const previous = this.targets.get(applicationId);
		const target: Target = {
			config,
			client: new ScimClient(
				config,
				(entry) => this.log.record(applicationId, entry),
				() => this.closed || this.targets.get(applicationId) !== target,
			),
			// The ID map outlives a new configuration of the same target, as IDaaS keeps its synchronization records.
			users: previous && previous.config.url === config.url ? previous.users : new Map(),
			groups: previous && previous.config.url === config.url ? previous.groups : new Map(),
			tails: new Map(),
			inFlight: 0,
			waiting: [],
			groupInScope: (groupId) =>
				this.store.applications.get(applicationId)?.provisioningScope.groupIds.includes(groupId) ??
				false,
			failure: (what, detail) => this.log.failure({ applicationId, what, detail }),
		};
		this.targets.set(applicationId, target);
		return config;
	}

	remove(applicationId: string): void {
		this.targets.delete(applicationId);
	}

	config(applicationId: string): ScimPushConfig {
		return this.target(applicationId).config;
	}

	/** IDaaS ID → the target's ID, for users and groups pushed so far. */
	ids(applicationId: string): { users: Record<string, string>; groups: Record<string, string> } {
		const target = this.target(applicationId);
		return {
			users: Object.fromEntries([...target.users].map(([userId, known]) => [userId, known.id])),
			groups: Object.fromEntries([...target.groups].map(([groupId, known]) => [groupId, known.id])),
		};
	}

	/** Token endpoint requests made for the application (client-credentials mode). */
	tokenRequests(applicationId: string): number {
		return this.target(applicationId).client.tokenRequests;
	}

	/** Forgets configurations, ID maps and the log (emulator reset), then applies a seed's configurations. */
	reset(pushes: ScimPushSeed[] = []): void {
		this.targets.clear();
		this.log.reset();
		for (const push of pushes)
			this.configure(push.applicationId ?? this.store.application.applicationId, push);
	}

	/** The console's one-click push: every user in the synchronization scope, then every group in it with its members. */
	fullPush(applicationId: string): { users: number; groups: number } {
		const target = this.target(applicationId);
		const roots = new Set(
			this.store.applications.get(applicationId)!.provisioningScope.organizationalUnitIds,
		);
		let users = 0;
		for (const user of this.store.users.values()) {
			if (!this.store.isWithin(user.primaryOrganizationalUnitId, roots)) continue;
			users++;
			const snapshot = scimUser(user);
			this.enqueue(target, [`user:${user.userId}`], () => pushUser(target, user.userId, snapshot));
		}
		let groups = 0;
		if (target.config.groups) {
			for (const group of this.store.groups.values()) {
				if (!target.groupInScope(group.groupId)) continue;
				groups++;
				const snapshot: GroupSnapshot = {
					displayName: group.groupName,
					memberIds: [...group.members],
				};
				this.enqueue(
					target,
					[`group:${group.groupId}`, ...snapshot.memberIds.map((id) => `user:${id}`)],
					() => pushGroup(target, group.groupId, snapshot),
				);
			}
		}
		return { users, groups };
	}

	/** Resolves when nothing is queued or in flight (false after `timeoutMs`). */
	settled(timeoutMs = 120_000): Promise<boolean> {
		return this.gate.settled(this.pending === 0, timeoutMs);
	}

	close(): void {
		this.closed = true;
	}

	private target(applicationId: string): Target {
		const target = this.targets.get(applicationId);
		if (!target)
			throw new ApiError(
				404,
				'ScimPushNotConfigured',
				`Application ${applicationId} has no SCIM push configuration.`,
			);
		return target;
	}

	private onChange(change: Change): void {
		const kind = change.code.slice(change.code.indexOf(':ud:') + 4);
		for (const target of this.targets.values()) {
			if (kind.startsWith('user:')) this.onUserChange(target, kind, change);
			else if (kind.startsWith('group:') && target.config.groups)
				this.onGroupChange(target, kind, change);
		}
	}

	private onUserChange(target: Target, kind: string, change: Change): void {
		const userId = change.bizId;
		if (kind === 'user:update_password') return; // passwords are not pushed
		if (!this.inScope(target.config.applicationId, change.ouIds ?? [])) return;
		// After every queued change of the groups it may be in: a soft delete also removes its memberships.
		if (kind === 'user:delete')
			return this.enqueue(
				target,
				[`user:${userId}`, ...[...target.groups.keys()].map((g) => `group:${g}`)],
				() => removeUser(target, userId),
			);
		const snapshot = scimUser(this.store.user(userId));
		this.enqueue(target, [`user:${userId}`], () => pushUser(target, userId, snapshot));
	}

	private onGroupChange(target: Target, kind: string, change: Change): void {
		const groupId = change.bizId;
		const key = `group:${groupId}`;
		if (kind === 'group:delete')
			return this.enqueue(target, [key], () => pushGroup(target, groupId, undefined));
		const group = this.store.group(groupId);
		const snapshot: GroupSnapshot = { displayName: group.groupName, memberIds: [...group.members] };
		if (kind === 'group:add_user' || kind === 'group:remove_user') {
			const userId = String(change.bizData['v1.1'].userId);
			this.enqueue(target, [key, `user:${userId}`], () =>
				setMembership(target, groupId, userId, kind === 'group:add_user', snapshot),
			);
		} else this.enqueue(target, [key], () => pushGroup(target, groupId, snapshot));
	}

	private inScope(applicationId: string, ouIds: string[]): boolean {
		const roots = new Set(
			this.store.applications.get(applicationId)?.provisioningScope.organizationalUnitIds ?? [],
		);
		return ouIds.some(
			(id) => id && (roots.has(id) || (this.store.ous.has(id) && this.store.isWithin(id, roots))),
		);
	}

	/** Runs `work` after every earlier task sharing one of its keys, within the target's concurrency. */
	private enqueue(target: Target, keys: string[], work: () => Promise<void>): void {
		const before = keys.map((key) => target.tails.get(key));
		this.pending++;
		const done = Promise.all(before)
			.then(() => this.slot(target))
			.then(async () => {
				try {
					if (!this.closed && this.targets.get(target.config.applicationId) === target)
						await work();
				} catch (error) {
					target.failure(keys.join(' '), (error as Error).message);
				} finally {
					this.release(target);
				}
			});
		for (const key of keys) target.tails.set(key, done);
		void done.then(() => {
			for (const key of keys) if (target.tails.get(key) === done) target.tails.delete(key);
			if (--this.pending === 0) this.gate.drained();
		});
	}

	private slot(target: Target): Promise<void> {
		if (target.inFlight < target.config.concurrency) {
			target.inFlight++;
			return Promise.resolve();
		}
		return new Promise((resolve) => target.waiting.push(resolve));
	}

	private release(target: Target): void {
		const next = target.waiting.shift();
		if (next) next();
		else target.inFlight--;
	}
}
