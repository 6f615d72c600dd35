import type { Fingerprint, UserStatus } from './state';
import type { StoredUsers } from './stored';
import type { UserTable } from './table';
import { BOOLEAN_FIELDS, HASH_SLOTS } from './state';

/**
 * The user events between the stored state and one poll, and the state after it. Pure: no n8n,
 * no HTTP.
 */

export type TriggerEvent = 'created' | 'updated' | 'deleted' | 'enabled' | 'disabled' | 'moved';

export const ALL_EVENTS: readonly TriggerEvent[] = [
	'created',
	'updated',
	'deleted',
	'enabled',
	'disabled',
	'moved',
];

export interface FieldChange {
	field: string;
	/** Present only when `oldKnown`. */
	old?: unknown;
	new: unknown;
	/** Whether the old value is known; the trigger keeps only hashes of text fields. */
	oldKnown: boolean;
}

export interface UserEvent {
	event: TriggerEvent;
	userId: string;
	/** The current record (ListUsers summary or GetUser), absent for deletions. */
	user?: Record<string, unknown>;
	/** What the trigger last knew, for deletions. */
	previous?: { status: UserStatus; primaryOrganizationalUnitId?: string };
	/** For `updated`: the fields that changed. */
	changes?: FieldChange[];
	/** For `moved`: the old and new primary OU (old undefined if it was not known). */
	from?: string;
	to?: string;
	/** For `enabled`/`disabled`: the status before. */
	previousStatus?: UserStatus;
}

/**
 * The fields that differ between a stored fingerprint and a fresh one. Status and primary OU
 * are not fields here: they have their own events.
 */
export function changedFields(
	old: Fingerprint,
	fresh: Fingerprint,
	user: Record<string, unknown>,
): FieldChange[] {
	const statusOrOuChanged =
		old.status !== fresh.status ||
		(old.ou !== undefined && fresh.ou !== undefined && old.ou !== fresh.ou);
	const changes: FieldChange[] = [];
	BOOLEAN_FIELDS.forEach((field, i) => {
		if (old.booleans[i] !== fresh.booleans[i]) {
			changes.push({ field, old: old.booleans[i], new: fresh.booleans[i], oldKnown: true });
		}
	});
	HASH_SLOTS.forEach((fields, i) => {
		if (old.hashes[i] === fresh.hashes[i]) return;
		for (const field of fields) changes.push({ field, new: user[field], oldKnown: false });
	});
	if (changes.length === 0 && old.stamp !== fresh.stamp && !statusOrOuChanged) {
		// Something ListUsers does not show changed (custom fields, password, memberships...).
		// A new updateTime alongside a status change or a move is that change's own stamp.
		changes.push({ field: 'updateTime', new: user.updateTime, oldKnown: false });
	}
	return changes;
}

/** The events of one user the state knew (`old`) or not, now seen as `fresh` with this record. */
export function userEvents(
	old: Fingerprint | undefined,
	fresh: Fingerprint,
	user: Record<string, unknown>,
): UserEvent[] {
	const userId = fresh.userId;
	if (!old) return [{ event: 'created', userId, user }];
	const events: UserEvent[] = [];
	if (old.status !== fresh.status) {
		events.push({ event: fresh.status, userId, user, previousStatus: old.status });
	}
	if (old.ou !== undefined && fresh.ou !== undefined && old.ou !== fresh.ou) {
		events.push({ event: 'moved', userId, user, from: old.ou, to: fresh.ou });
	}
	const changes = changedFields(old, fresh, user);
	if (changes.length > 0) events.push({ event: 'updated', userId, user, changes });
	return events;
}

/**
 * The events between the stored users (`previous`) and this poll's. `current` holds every user
 * this poll established as existing (listed, or confirmed with GetUser), in a table over
 * `previous` (`new UserTable(previous)`), which keeps a mark for each user whose mark differs from
 * the stored one, in the order the poll first noted them; `records` the record of each of those
 * (the others have no event); `deleted` the stored users confirmed gone (GetUser answered
 * ResourceNotFound.User). Stored users in neither are left alone (UserTable.complete), so
 * nothing is invented.
 */
export function diff(
	previous: StoredUsers,
	current: UserTable,
	records: ReadonlyMap<string, Record<string, unknown>>,
	deleted: Iterable<string>,
): UserEvent[] {
	const events: UserEvent[] = [];
	for (const [userId] of current.changes()) {
		events.push(
			...userEvents(
				previous.get(userId),
				current.get(userId) as Fingerprint,
				records.get(userId) as Record<string, unknown>,
			),
		);
	}
	for (const userId of deleted) {
		const old = previous.get(userId);
		if (!old) continue;
		events.push({
			event: 'deleted',
			userId,
			previous: {
				status: old.status,
				...(old.ou !== undefined ? { primaryOrganizationalUnitId: old.ou } : {}),
			},
		});
	}
	return events;
}
