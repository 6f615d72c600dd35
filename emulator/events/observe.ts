import { EVENT_PREFIX } from '../../nodes/AlibabaIdaasEventTrigger/eventTypes';
import type { Store } from '../store';
import type { UserRecord } from '../types';
import { groupBizData, ouBizData, userBizData, type FieldNames } from './records';

/**
 * The store's change notifications: a listener wrapped around the store's public mutations on
 * one Store instance, so the API handlers, the control API and tests calling the store directly
 * all produce the same events, and store.ts itself stays as it is. Each mutation that changed
 * something becomes one Change per affected object, with its record as it is right after.
 */

export interface Change {
	code: string;
	bizId: string;
	/** The record in both field-name sets, taken at the moment of the change. */
	bizData: Record<FieldNames, Record<string, unknown>>;
	/** The plaintext password (create, password change), sent only with password sync on. */
	password?: string;
	/** OUs that put the change in an application's synchronization scope; undefined: not OU-scoped (groups). */
	ouIds?: string[];
}

export type ChangeListener = (change: Change) => void;

type Mutation = (this: Store, ...args: unknown[]) => unknown;

const code = (rest: string) => `${EVENT_PREFIX}ud:${rest}`;

export function observeStore(store: Store, listener: ChangeListener, enabled: () => boolean): void {
	const user = (rest: string, u: UserRecord, extra: Partial<Change> = {}): Change => ({
		code: code(`user:${rest}`),
		bizId: u.userId,
		bizData: { 'v1.1': userBizData(store, u, 'v1.1'), 'v1.0': userBizData(store, u, 'v1.0') },
		ouIds: [u.primaryOrganizationalUnitId],
		...extra,
	});
	const ou = (rest: string, ouId: string, extra: Partial<Change> = {}): Change => {
		const record = store.ous.get(ouId)!;
		return {
			code: code(`organizational_unit:${rest}`),
			bizId: ouId,
			bizData: { 'v1.1': ouBizData(record, 'v1.1'), 'v1.0': ouBizData(record, 'v1.0') },
			ouIds: [record.parentId, ouId],
			...extra,
		};
	};
	const group = (rest: string, groupId: string, extra: Record<string, unknown> = {}): Change => {
		const data = { ...groupBizData(store.group(groupId)), ...extra };
		return { code: code(`group:${rest}`), bizId: groupId, bizData: { 'v1.1': data, 'v1.0': data } };
	};
	const only = (bizId: string, key: string, rest: string, ouIds?: string[]): Change => ({
		code: code(rest),
		bizId,
		bizData: { 'v1.1': { [key]: bizId }, 'v1.0': { [key]: bizId } },
		ouIds,
	});

	/** Replaces store[name] by a wrapper that calls it and reports what `report` derives. */
	const around = <A extends unknown[]>(
		name: keyof Store,
		report: (args: A, result: unknown, before: () => unknown) => Change[] | void,
		snapshot?: (...args: A) => unknown,
	) => {
		const original = store[name] as unknown as Mutation;
		(store as unknown as Record<string, unknown>)[name] = (...args: A) => {
			if (!enabled()) return original.apply(store, args);
			const before = snapshot?.(...args);
			const result = original.apply(store, args);
			for (const change of report(args, result, () => before) ?? []) listener(change);
			return result;
		};
	};

	const statusOf = (userId: string) => store.users.get(userId)?.status;
	const primaryOf = (userId: string) => store.users.get(userId)?.primaryOrganizationalUnitId;
	const ousOf = (userId: string) => {
		const u = store.users.get(userId);
		return u ? store.organizationalUnitIdsOf(u) : [];
	};

	around<[{ password?: string }]>('createUser', ([input], result) => [
		user('create', result as UserRecord, { password: input.password }),
	]);
	around<[string]>('patchUser', ([id], changed) =>
		changed ? [user('update_info', store.user(id))] : [],
	);
	around<[string, string]>('setPassword', ([id, password]) => [
		user('update_password', store.user(id), { password }),
	]);
	around<[string]>(
		'setStatus',
		([id], _r, before) =>
			before() !== statusOf(id)
				? [user(statusOf(id) === 'disabled' ? 'disable' : 'enable', store.user(id))]
				: [],
		(id) => statusOf(id),
	);
	around<[string]>(
		'moveUser',
		([id], _r, before) =>
			before() !== primaryOf(id)
				? [
						user('update_primary_ou', store.user(id), {
							ouIds: [before() as string, primaryOf(id)!],
						}),
					]
				: [],
		(id) => primaryOf(id),
	);
	around<[string]>(
		'deleteUser',
		([id], _r, before) => [only(id, 'userId', 'user:delete', [before() as string])],
		(id) => primaryOf(id),
	);
	// ASSUMPTION: the SDK-only add_user / remove_user OU events carry the OU record plus the user's ID.
	for (const [method, rest] of [
		['addUserToOus', 'add_user'],
		['removeUserFromOus', 'remove_user'],
	] as const) {
		around<[string, string[]]>(
			method,
			([id, ouIds], _r, before) => {
				const was = new Set(before() as string[]);
				const now = new Set(ousOf(id));
				return ouIds
					.filter((o) =>
						rest === 'add_user' ? !was.has(o) && now.has(o) : was.has(o) && !now.has(o),
					)
					.map((o) => ou(rest, o, { bizData: withUser(ou(rest, o).bizData, id) }));
			},
			(id) => ousOf(id),
		);
	}
	around<[]>('createOu', (_a, result) => [
		ou('create', (result as { organizationalUnitId: string }).organizationalUnitId),
	]);
	around<[string]>('patchOu', ([id]) => [ou('update', id)]);
	around<[string]>(
		'deleteOu',
		([id], _r, before) => [
			only(id, 'organizationalUnitId', 'organizational_unit:delete', [before() as string]),
		],
		(id) => store.ous.get(id)?.parentId,
	);
	around<[]>('createGroup', (_a, result) => [
		group('create', (result as { groupId: string }).groupId),
	]);
	around<[string]>('patchGroup', ([id]) => [group('update', id)]);
	around<[string]>('deleteGroup', ([id]) => [only(id, 'groupId', 'group:delete')]);
	// ASSUMPTION: one event per member added or removed, the group record plus the user's ID.
	for (const [method, rest] of [
		['addUsersToGroup', 'add_user'],
		['removeUsersFromGroup', 'remove_user'],
	] as const) {
		around<[string, string[]]>(
			method,
			([id, userIds], _r, before) => {
				const was = before() as Set<string>;
				const members = store.group(id).members;
				return userIds
					.filter((u) =>
						rest === 'add_user' ? !was.has(u) && members.has(u) : was.has(u) && !members.has(u),
					)
					.map((u) => group(rest, id, { userId: u }));
			},
			(id) => new Set(store.groups.get(id)?.members ?? []),
		);
	}
}

function withUser(data: Change['bizData'], userId: string): Change['bizData'] {
	return { 'v1.1': { ...data['v1.1'], userId }, 'v1.0': { ...data['v1.0'], userId } };
}
