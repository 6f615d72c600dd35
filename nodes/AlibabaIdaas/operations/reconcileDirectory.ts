import { catalogOp } from '../catalog';
import type { ExecutionState } from './execution';
import { mapWithConcurrency } from '../transport/concurrency';
import type { DirectoryUser } from './reconcilePlan';

/**
 * The directory in a reconcile's scope, read once: the authority OU's sub-units (when included)
 * with ListOrganizationalUnits, one parent at a time level by level, then the users of every unit
 * with ListUsers filtered on it, at the largest page size and with pages read ahead as Get Many
 * does. ListUsers' summary has no primary OU, so each user is tagged with the unit it was listed
 * under. The docs do not say whether the filter lists a unit's secondary members too
 * (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-listusers),
 * so the tag is only a guess: users are de-duplicated by ID (one listed under two units is one
 * account, `listings` says how often it was listed), and the reconcile reads the primary unit of
 * every account it would disable, delete or move with GetUser before acting (verifyPrimaryUnits).
 */

const listOus = catalogOp('ListOrganizationalUnits');
const listUsers = catalogOp('ListUsers');
const getUser = catalogOp('GetUser');

export interface Directory {
	ous: Set<string>;
	users: DirectoryUser[];
}

export async function readDirectory(
	state: ExecutionState,
	rootOu: string,
	includeSubUnits: boolean,
): Promise<Directory> {
	const { client, concurrency } = state;
	const ous = [rootOu];
	let level = [rootOu];
	while (includeSubUnits && level.length > 0) {
		const children = await mapWithConcurrency(level.length, concurrency, async (i) => {
			const request = client.prepare(listOus, { parentId: level[i] }, 0);
			return await client.list(request, { itemIndex: 0, readAhead: concurrency });
		});
		level = children.flat().map((ou) => String(ou.organizationalUnitId));
		ous.push(...level);
	}
	const perOu = await mapWithConcurrency(ous.length, concurrency, async (i) => {
		const request = client.prepare(listUsers, { organizationalUnitId: ous[i] }, 0);
		const records = await client.list(request, { itemIndex: 0, readAhead: concurrency });
		return records.map(
			(record) => ({ ...record, primaryOrganizationalUnitId: ous[i] }) as DirectoryUser,
		);
	});
	const byId = new Map<string, DirectoryUser>();
	for (const user of perOu.flat()) {
		const seen = byId.get(user.userId);
		if (seen) seen.listings = (seen.listings as number) + 1;
		else byId.set(user.userId, { ...user, listings: 1 });
	}
	return { ous: new Set(ous), users: [...byId.values()] };
}

/**
 * The directory with the primary unit of `userIds` as GetUser reads it: an account whose primary
 * unit is outside the authority (listed as a secondary member) leaves the directory, so nothing
 * disables, deletes or moves it. `verified` remembers the accounts read, to read each once.
 */
export async function verifyPrimaryUnits(
	state: ExecutionState,
	directory: Directory,
	userIds: string[],
	verified: Set<string>,
): Promise<Directory> {
	const due = [...new Set(userIds)].filter((id) => !verified.has(id));
	const primary = new Map<string, string>();
	await mapWithConcurrency(due.length, state.concurrency, async (i) => {
		const user = await state.client.call(getUser, { userId: due[i] }, { itemIndex: 0 });
		primary.set(due[i], String(user.primaryOrganizationalUnitId));
	});
	for (const id of due) verified.add(id);
	const users = directory.users.flatMap((user) => {
		const unit = primary.get(user.userId);
		if (unit === undefined || unit === user.primaryOrganizationalUnitId) return [user];
		return directory.ous.has(unit) ? [{ ...user, primaryOrganizationalUnitId: unit }] : [];
	});
	return { ous: directory.ous, users };
}
