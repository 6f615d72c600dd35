import type { IDataObject } from 'n8n-workflow';

import type { IdaasClient } from '../../AlibabaIdaas/request/client';
import { isValidId } from '../shared/codec';
import type { Budget, Counter, Tree } from '../shared/walk';
import {
	eachPageRecord,
	forEachLimited,
	isUserNotFound,
	OPS,
	unlessOuGone,
	validId,
} from '../shared/walk';
import { scanUsersPage } from './scan';
import type { StoredUsers } from './stored';
import { userMark } from './state';
import { UserTable } from './table';

/**
 * Reads the users for one poll: each OU's users, OU by OU through the tree the poll read.
 *
 * Why per OU: ListUsers' records (UserSummary) carry no OU, and "moved" needs the primary OU.
 * ListUsers filtered by `organizationalUnitId` lists the users whose primary OU it is, so walking
 * the tree OU by OU yields every user with its primary OU, for the price of one request per OU
 * more than a flat walk (plus one ListOrganizationalUnits per OU). The alternative, GetUser per
 * user, is one request per user; we only use it for the few users the walk leaves in doubt:
 *
 * - stored users the walk did not see (deleted, or skipped because pages shifted or they moved
 *   to an OU already walked): GetUser tells which (404 ResourceNotFound.User = deleted);
 * - users seen under two OUs (moved during the walk, or listed under a secondary OU): GetUser
 *   gives the primary OU.
 *
 * Memory: each page is compared as it arrives and then let go. A stored user seen unchanged costs
 * one byte while the poll runs (UserTable, users/state.ts), a new or changed user its mark (a
 * short string); only the records of users whose mark differs from the stored one (created or
 * changed: the events need them) are asked for and kept.
 */

export interface UsersRead {
	/** Users established as existing, with their primary OU, numbered as `previous` numbers OUs. */
	current: UserTable;
	/** The record of each user in `current` whose mark differs from the stored one. */
	records: Map<string, IDataObject>;
	/** Stored users confirmed deleted. */
	deleted: Set<string>;
}

/** GetUser: the full record, or undefined when the user does not exist. */
async function getUser(client: IdaasClient, userId: string): Promise<IDataObject | undefined> {
	// Errors are the transport's NodeApiErrors already; only "not found" is an answer here.
	return await client
		.call(OPS.getUser, { userId })
		.catch((error: unknown) => (isUserNotFound(error) ? undefined : Promise.reject(error)));
}

/** GetUser's record without the parts ListUsers never shows, so items look alike. */
function summaryOf(user: IDataObject): IDataObject {
	const summary = { ...user };
	for (const key of ['organizationalUnits', 'groups', 'customFields']) delete summary[key];
	return summary;
}

/**
 * The users of the tree; `previous` says which unseen users to double-check, and which records to
 * keep (none when `keepRecords` is false: a baseline has no events).
 */
export async function readUsers(
	client: IdaasClient,
	tree: Tree,
	previous: StoredUsers,
	budget: Budget,
	counter: Counter,
	keepRecords: boolean,
): Promise<UsersRead> {
	const current = new UserTable(previous);
	const records = new Map<string, IDataObject>();
	/** Keeps a user's record (asked for only then) while its latest mark differs from the stored one. */
	const note = (userId: string, mark: string, record: () => IDataObject) => {
		if (current.note(userId, mark) && keepRecords) records.set(userId, record());
		else records.delete(userId);
	};
	// Users seen under another OU than the one they were last seen under (a mark holds the OU it was listed under).
	const doubtful = new Set<string>();
	await forEachLimited([...tree.parents.keys()], async (ou) => {
		const ouNumber = current.ouNumber(ou);
		await unlessOuGone(
			async () =>
				// Pages read from their bytes (scan.ts): a user's record is parsed only when it is kept.
				await eachPageRecord(
					client,
					OPS.listUsers,
					{ organizationalUnitId: ou },
					budget,
					scanUsersPage,
					(page, index) => {
						const id = page.userIdAt(index);
						if (!validId(id, 'user_', counter)) return;
						const before = current.ouNumberOf(id);
						if (before !== undefined && before !== ouNumber) doubtful.add(id);
						else doubtful.delete(id);
						note(id, page.markAt(index, ouNumber), () => page.recordAt(index));
					},
				),
		);
	});

	const lookups = [...doubtful, ...current.unseenStored()];
	for (const id of doubtful) {
		current.forget(id);
		records.delete(id);
	}

	const deleted = new Set<string>();
	await forEachLimited(lookups, async (id) => {
		budget.check();
		const user = await getUser(client, id);
		if (!user) {
			// Gone. If it was never stored (created and deleted during this poll) nothing is owed.
			if (previous.has(id)) deleted.add(id);
			return;
		}
		const ou = isValidId(user.primaryOrganizationalUnitId, 'ou_')
			? user.primaryOrganizationalUnitId
			: undefined;
		note(id, userMark(user, current.ouNumber(ou)), () => summaryOf(user));
	});
	return { current, records, deleted };
}
