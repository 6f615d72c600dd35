import type { IDataObject } from 'n8n-workflow';

import { isBlank } from '../request/build';

/**
 * The plan of a User → Reconcile run, computed without a request from the source rows and the
 * directory in scope as read once: what to create, update (only fields that differ), move, enable,
 * disable and delete. Nothing is guessed: two rows with one key, or a row wanting a username or
 * e-mail another account in scope keeps, is a conflict and leaves that account as it is.
 *
 * Key drift: a row no account matches on the match key, sharing another stable key (external ID,
 * username, e-mail) with an account no row matches, is that account's person whose key changed in
 * the source (a new e-mail, a new username). It is updated in place, or a conflict when its keys
 * name several accounts; never deleted and created again, which would give the person a new ID and
 * lose their groups, secondary units, password and tokens.
 */

export type MatchKey = 'userExternalId' | 'username' | 'email';
export type AbsentPolicy = 'nothing' | 'disable' | 'delete';
export type ReconcileAction =
	| 'created'
	| 'updated'
	| 'moved'
	| 'enabled'
	| 'disabled'
	| 'deleted'
	| 'unchanged'
	| 'conflict'
	| 'failed';

/** A user of the directory in scope: ListUsers' summary and the OU list it came from. */
export interface DirectoryUser extends IDataObject {
	userId: string;
	username: string;
	status: string;
	primaryOrganizationalUnitId: string;
}

/** One source row: its item, its checked CreateUser values, and whether the person is active. */
export interface SourcePerson {
	itemIndex: number;
	values: Record<string, unknown>;
	active: boolean;
}

/** One person's planned change. `wave` 2 waits for wave 1 to free a username or e-mail. */
export interface PlanStep {
	action: ReconcileAction;
	itemIndex?: number;
	userId?: string;
	username: string;
	key: string;
	/** The PatchUser fields that differ, or the CreateUser values. */
	changes: Record<string, unknown>;
	/** The account's values before, for the changed fields (the change report's "before"). */
	previous?: Record<string, unknown>;
	changedFields: string[];
	create?: boolean;
	moveTo?: string;
	previousPrimaryOrganizationalUnitId?: string;
	status?: 'enabled' | 'disabled';
	remove?: 'disable' | 'delete';
	reason?: string;
	/** The row matched its account on another key than the match key (see above). */
	keyDrift?: boolean;
	wave: 1 | 2;
}

export interface PlanInput {
	people: SourcePerson[];
	/** One entry per account (the directory de-duplicated by user ID). */
	directory: DirectoryUser[];
	matchKey: MatchKey;
	absent: AbsentPolicy;
	/** The organizational units of the authority (the OU, and its sub-units when included). */
	scopeOus: ReadonlySet<string>;
	/** Whether a changed e-mail or phone number is marked verified (off unless the user chose it). */
	markVerified?: boolean;
}

/** The keys that name a person whatever the match key: the API keeps each unique per instance. */
export const STABLE_KEYS: readonly MatchKey[] = ['userExternalId', 'username', 'email'];

/**
 * Fields compared with the stored account: given in the source and different means changed. They
 * are PatchUser's; the API cannot change an account's external ID or description, so those are
 * only set when the account is created.
 */
export const COMPARED_FIELDS = ['username', 'displayName', 'email', 'phoneRegion', 'phoneNumber'];

/** Usernames and e-mails are unique regardless of case; external IDs are compared as given. */
export function keyOf(matchKey: MatchKey, value: unknown): string {
	const text = isBlank(value) ? '' : String(value).trim();
	return matchKey === 'userExternalId' ? text : text.toLowerCase();
}

const lower = (value: unknown) => (isBlank(value) ? '' : String(value).trim().toLowerCase());

function groupBy<T>(list: T[], key: (item: T) => string): Map<string, T[]> {
	const map = new Map<string, T[]>();
	for (const item of list) {
		const k = key(item);
		if (k === '') continue;
		const bucket = map.get(k);
		if (bucket) bucket.push(item);
		else map.set(k, [item]);
	}
	return map;
}

/**
 * The PATCH body: what differs, with the flags the API pairs with an e-mail or a phone number. A
 * changed address is marked verified only when the row says so, or the user chose Mark Changed
 * Contacts Verified: nobody has verified an address HR just typed.
 */
function differences(
	current: IDataObject,
	wanted: Record<string, unknown>,
	markVerified: boolean,
): Record<string, unknown> {
	const changes: Record<string, unknown> = {};
	for (const name of COMPARED_FIELDS) {
		if (!isBlank(wanted[name]) && String(wanted[name]) !== String(current[name] ?? ''))
			changes[name] = wanted[name];
	}
	if ('email' in changes)
		changes.emailVerified =
			typeof wanted.emailVerified === 'boolean' ? wanted.emailVerified : markVerified;
	if ('phoneNumber' in changes || 'phoneRegion' in changes) {
		const phoneNumberVerified =
			typeof wanted.phoneNumberVerified === 'boolean' ? wanted.phoneNumberVerified : markVerified;
		Object.assign(changes, {
			phoneRegion: wanted.phoneRegion,
			phoneNumber: wanted.phoneNumber,
			phoneNumberVerified,
		});
	}
	return changes;
}

/** Custom field changes against a user read with GetUser (ListUsers does not return them). */
export function customFieldChanges(
	current: IDataObject,
	wanted: Record<string, unknown>,
): IDataObject[] {
	const stored = new Map(
		(Array.isArray(current.customFields) ? (current.customFields as IDataObject[]) : []).map(
			(f) => [String(f.fieldName), String(f.fieldValue ?? '')],
		),
	);
	return (Array.isArray(wanted.customFields) ? (wanted.customFields as IDataObject[]) : [])
		.filter((f) => (stored.get(String(f.fieldName)) ?? '') !== String(f.fieldValue ?? ''))
		.map((f) => ({ ...f, operation: 'replace' }));
}

/** The action an output item names for a matched user: the most telling of its changes. */
function primaryAction(step: PlanStep): ReconcileAction {
	if (step.status === 'enabled') return 'enabled';
	if (step.status === 'disabled') return 'disabled';
	if (step.moveTo) return 'moved';
	return step.changedFields.length > 0 ? 'updated' : 'unchanged';
}

type ValueIndex = [
	field: 'username' | 'email',
	rows: Map<string, SourcePerson[]>,
	holders: Map<string, DirectoryUser[]>,
];

/**
 * Why a row cannot have its username or e-mail because other rows want it too, or undefined. The
 * row matched to the account that holds the value keeps it; every other row wanting it conflicts.
 */
function sharedValue(
	person: SourcePerson,
	match: DirectoryUser | undefined,
	indexes: ValueIndex[],
): string | undefined {
	for (const [field, rows, holders] of indexes) {
		const wanted = lower(person.values[field]);
		const wanting = wanted ? (rows.get(wanted) ?? []) : [];
		if (wanting.length < 2) continue;
		const holder = holders.get(wanted)?.[0];
		if (holder && match?.userId === holder.userId) continue;
		const owner = holder ? `${holder.userId} has it` : 'no account has it yet';
		return `Duplicate in the source: ${wanting.length} rows want ${field} "${String(person.values[field])}" (${owner})`;
	}
	return undefined;
}

/** A drifted row's account, or why the row cannot have one (its keys name several accounts). */
type Drift = { user: DirectoryUser } | { reason: string; userIds: string[] };

/**
 * For every row no account matches on the match key: the accounts no row matches that share one
 * of its other stable keys. One account whose external ID does not contradict the row is the
 * row's; anything else is a conflict naming them all.
 */
function driftsOf(
	people: SourcePerson[],
	directory: DirectoryUser[],
	matchKey: MatchKey,
	byKey: Map<string, DirectoryUser[]>,
): Map<SourcePerson, Drift> {
	const indexes = STABLE_KEYS.map(
		(field) => [field, groupBy(directory, (u) => keyOf(field, u[field]))] as const,
	);
	const matched = new Set(
		people.flatMap((p) =>
			(byKey.get(keyOf(matchKey, p.values[matchKey])) ?? []).map((u) => u.userId),
		),
	);
	const found = new Map<SourcePerson, Array<{ user: DirectoryUser; field: MatchKey }>>();
	const rowsWanting = new Map<string, number>();
	for (const person of people) {
		if ((byKey.get(keyOf(matchKey, person.values[matchKey])) ?? []).length > 0) continue;
		const shared: Array<{ user: DirectoryUser; field: MatchKey }> = [];
		for (const [field, index] of indexes) {
			if (field === matchKey) continue;
			for (const user of index.get(keyOf(field, person.values[field])) ?? [])
				shared.push({ user, field });
		}
		// Only an account no row matches can have drifted; one another row matches is that row's.
		if (!shared.some(({ user }) => !matched.has(user.userId))) continue;
		found.set(person, shared);
		for (const userId of new Set(shared.map(({ user }) => user.userId)))
			rowsWanting.set(userId, (rowsWanting.get(userId) ?? 0) + 1);
	}
	const drifts = new Map<SourcePerson, Drift>();
	for (const [person, shared] of found) {
		const userIds = [...new Set(shared.map(({ user }) => user.userId))];
		const names = (ids: string[]) =>
			ids
				.map(
					(id) =>
						`${id} (${shared
							.filter(({ user }) => user.userId === id)
							.map(({ field }) => field)
							.join(', ')})`,
				)
				.join(', ');
		const user = shared[0].user;
		const rowId = keyOf('userExternalId', person.values.userExternalId);
		const userExternalId = keyOf('userExternalId', user.userExternalId);
		if (userIds.length > 1) {
			drifts.set(person, {
				reason: `Key drift: the ${matchKey} "${String(person.values[matchKey])}" names no account, and the row's other keys name ${userIds.length}: ${names(userIds)}`,
				userIds,
			});
		} else if ((rowsWanting.get(user.userId) ?? 0) > 1) {
			drifts.set(person, {
				reason: `Key drift: ${rowsWanting.get(user.userId)} rows share keys with ${names(userIds)}`,
				userIds,
			});
		} else if (rowId && userExternalId && rowId !== userExternalId) {
			// The API cannot change an external ID, so the account would never match the row.
			drifts.set(person, {
				reason: `Key drift: ${names(userIds)} has external ID "${userExternalId}", the row "${rowId}"; the API cannot change an external ID`,
				userIds,
			});
		} else {
			drifts.set(person, { user });
		}
	}
	return drifts;
}

export function planReconcile(input: PlanInput): PlanStep[] {
	const { people, directory, matchKey, absent, scopeOus, markVerified = false } = input;
	const keyOfPerson = (p: SourcePerson) => keyOf(matchKey, p.values[matchKey]);
	const byKey = groupBy(directory, (u) => keyOf(matchKey, u[matchKey]));
	const drifts = driftsOf(people, directory, matchKey, byKey);
	const byUsername = groupBy(directory, (u) => lower(u.username));
	const byEmail = groupBy(directory, (u) => lower(u.email));
	const rowsByKey = groupBy(people, keyOfPerson);
	const rowsByUsername = groupBy(people, (p) => lower(p.values.username));
	const rowsByEmail = groupBy(people, (p) => lower(p.values.email));

	const steps: PlanStep[] = [];
	/** Accounts a source row speaks for (matched, or claimed by a conflicting row): never absent. */
	const claimed = new Set<string>();
	/** Matched accounts whose username or e-mail this run changes or removes, freeing the old one. */
	const freed = new Map<string, PlanStep>();

	for (const person of people) {
		const key = keyOfPerson(person);
		const username = String(person.values.username);
		const drift = drifts.get(person);
		const base = {
			itemIndex: person.itemIndex,
			username,
			key,
			changes: {},
			changedFields: [],
			wave: 1 as const,
			...(drift ? { keyDrift: true } : {}),
		};
		const matches = drift && 'user' in drift ? [drift.user] : (byKey.get(key) ?? []);
		for (const user of matches) claimed.add(user.userId);
		const conflict = (reason: string, userId?: string) =>
			steps.push({ ...base, userId, action: 'conflict', reason });

		if (drift && 'reason' in drift) {
			for (const userId of drift.userIds) claimed.add(userId);
			conflict(drift.reason);
			continue;
		}
		if ((rowsByKey.get(key)?.length ?? 0) > 1) {
			conflict(
				`Duplicate in the source: ${rowsByKey.get(key)!.length} rows have ${matchKey} "${key}"`,
				matches[0]?.userId,
			);
			continue;
		}
		const shared = sharedValue(person, matches[0], [
			['username', rowsByUsername, byUsername],
			['email', rowsByEmail, byEmail],
		]);
		if (shared) {
			conflict(shared, matches[0]?.userId);
			continue;
		}
		if (matches.length > 1) {
			conflict(
				`${matches.length} accounts in scope have ${matchKey} "${key}": ${matches.map((u) => u.userId).join(', ')}`,
			);
			continue;
		}
		const wantedOu = String(person.values.primaryOrganizationalUnitId);
		if (!scopeOus.has(wantedOu)) {
			conflict(
				`Primary organizational unit ${wantedOu} is outside the authority of this reconcile`,
				matches[0]?.userId,
			);
			continue;
		}
		const user = matches[0];
		if (!user) {
			if (!person.active) {
				steps.push({
					...base,
					action: 'unchanged',
					reason: 'Inactive in the source and has no account',
				});
				continue;
			}
			steps.push({
				...base,
				action: 'created',
				create: true,
				changes: person.values,
				changedFields: Object.keys(person.values),
			});
			continue;
		}
		const changes = differences(user, person.values, markVerified);
		const step: PlanStep = {
			...base,
			userId: user.userId,
			action: 'unchanged',
			changes,
			changedFields: Object.keys(changes).filter((f) => !f.endsWith('Verified')),
		};
		if (wantedOu !== user.primaryOrganizationalUnitId) {
			step.moveTo = wantedOu;
			step.previousPrimaryOrganizationalUnitId = user.primaryOrganizationalUnitId;
			step.changedFields.push('primaryOrganizationalUnitId');
		}
		const wantedStatus = person.active ? 'enabled' : 'disabled';
		if (user.status !== wantedStatus) {
			step.status = wantedStatus;
			step.changedFields.push('status');
		}
		step.action = primaryAction(step);
		step.previous = Object.fromEntries(
			step.changedFields.map((field) => [field, user[field] ?? '']),
		);
		if ('username' in changes) freed.set(lower(user.username), step);
		if ('email' in changes) freed.set(lower(user.email), step);
		steps.push(step);
	}

	const absentUsers = directory.filter((u) => !claimed.has(u.userId));
	for (const user of absentUsers) {
		const base = {
			userId: user.userId,
			username: user.username,
			key: keyOf(matchKey, user[matchKey]),
			changes: {},
			wave: 1 as const,
		};
		if (absent === 'delete') {
			const step: PlanStep = { ...base, action: 'deleted', remove: 'delete', changedFields: [] };
			steps.push(step);
			freed.set(lower(user.username), step);
			if (lower(user.email)) freed.set(lower(user.email), step);
		} else if (absent === 'disable' && user.status !== 'disabled') {
			steps.push({
				...base,
				action: 'disabled',
				remove: 'disable',
				status: 'disabled',
				changedFields: ['status'],
				previous: { status: user.status },
			});
		}
	}

	// A username or e-mail another account in scope holds: wait for this run to free it, or conflict.
	for (const step of steps) {
		if (step.action === 'conflict' || step.remove) continue;
		for (const field of ['username', 'email'] as const) {
			const wanted = lower(field === 'username' ? step.username : step.changes[field]);
			if (!wanted || !(step.create || field in step.changes)) continue;
			const holders =
				(field === 'username' ? byUsername : byEmail)
					.get(wanted)
					?.filter((u) => u.userId !== step.userId) ?? [];
			if (holders.length === 0) continue;
			const freer = freed.get(wanted);
			if (freer && freer.wave === 1 && freer.action !== 'conflict' && freer !== step) {
				step.wave = 2;
				continue;
			}
			const holder = holders[0];
			Object.assign(step, {
				action: 'conflict',
				reason: `The ${field} "${wanted}" belongs to ${holder.userId}${isBlank(holder.userExternalId) ? '' : ` (external ID ${String(holder.userExternalId)})`}`,
				changes: {},
				changedFields: [],
				create: undefined,
				moveTo: undefined,
				status: undefined,
			});
			break;
		}
	}
	return steps;
}

/** The disables and deletes a plan holds: what the guard rails count. */
export function removalsOf(steps: PlanStep[]): number {
	return steps.filter((s) => s.action !== 'conflict' && (s.remove || s.status === 'disabled'))
		.length;
}

/** Rows matched on another key than the match key: counted apart, never as a removal. */
export function keyDriftsOf(steps: PlanStep[]): number {
	return steps.filter((s) => s.keyDrift).length;
}

/**
 * The accounts whose primary unit must be read before acting: every account a step writes to
 * (disables, deletes, moves, and patches too: an account listed under the authority as a secondary
 * member is outside it, and a row naming it must not change it).
 */
export function verificationDue(steps: PlanStep[]): string[] {
	return steps.flatMap((s) =>
		s.userId && s.action !== 'conflict' && s.action !== 'unchanged' ? [s.userId] : [],
	);
}
