import type { IDataObject } from 'n8n-workflow';

import type { OperationSpec } from '../AlibabaIdaas/catalog';
import { catalogOp } from '../AlibabaIdaas/catalog';
import type { IdaasClient } from '../AlibabaIdaas/request/client';
import { isValidId } from './codec';
import type { Fingerprint, Observed } from './snapshot';
import { fingerprint } from './snapshot';

/**
 * Reads the directory for one poll: the OU tree, then each OU's users.
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
 * Nothing here writes state; any failure propagates and the caller keeps the old state.
 */

export const OPS = {
	get listUsers() {
		return catalogOp('ListUsers');
	},
	get getUser() {
		return catalogOp('GetUser');
	},
	get listOus() {
		return catalogOp('ListOrganizationalUnits');
	},
	get getOu() {
		return catalogOp('GetOrganizationalUnit');
	},
	get scope() {
		return catalogOp('GetApplicationProvisioningScope');
	},
	get listGroups() {
		return catalogOp('ListGroups');
	},
	get getGroup() {
		return catalogOp('GetGroup');
	},
	get listUsersForGroup() {
		return catalogOp('ListUsersForGroup');
	},
	get listGroupsForUser() {
		return catalogOp('ListGroupsForUser');
	},
};

/**
 * Requests a walk runs at once (OU listings, look-ups); the poll's client has no bound of its own. 8
 * overlaps the round trips of a walk over many OUs, and leaves room in a tenant's rate limit
 * (IDaaS publishes none) for the workflows that run beside the poll.
 */
export const WALK_CONCURRENCY = 8;

export interface Budget {
	/** Throws when the poll ran out of time. */
	check(): void;
}

/** What the walks of one poll have counted so far. */
export interface Counter {
	/** Records skipped because their ID failed the ID check (the poll logs a warning). */
	invalidIds: number;
}

export interface Tree {
	/** Parent of every OU seen (roots map to undefined), in the order read. */
	parents: Map<string, string | undefined>;
	/** The listing record of every OU seen below a root. */
	records: Map<string, IDataObject>;
	/** The provisioning scope's OUs. */
	roots: string[];
	/** OUs listed under two parents (moved during the walk): their parent is looked up. */
	doubtful: Set<string>;
}

export interface UsersRead {
	/** Users established as existing, with their primary OU. */
	current: Map<string, Observed>;
	/** Stored users confirmed deleted. */
	deleted: Set<string>;
}

/**
 * Runs `work` over `items` with at most `limit` at a time. After a failure no new work starts;
 * the first failure is raised once every running task has ended, so nothing of a failed poll
 * is still running when the next one starts.
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	let failure: { error: unknown } | undefined;
	const worker = async () => {
		while (!failure && next < items.length) {
			await work(items[next++]).catch((error: unknown) => {
				failure = failure ?? { error };
			});
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	if (failure) await Promise.reject(failure.error);
}

/** Whether a NodeApiError from the transport carries this HTTP status and IDaaS code. */
export function hasCode(error: unknown, status: string, code: RegExp): boolean {
	// Read the code from the error response, not the message: n8n replaces the message of an
	// error whose code contains "NotFound" (it matches ENOTFOUND case-insensitively).
	const e = error as { httpCode?: unknown; errorResponse?: { code?: unknown }; description?: unknown; messages?: unknown };
	const texts = [e?.errorResponse?.code, e?.description, ...(Array.isArray(e?.messages) ? e.messages : [])].map(String);
	return String(e?.httpCode) === status && texts.some((text) => code.test(text));
}

export function isUserNotFound(error: unknown): boolean {
	return hasCode(error, '404', /ResourceNotFound\.User\b/);
}

/**
 * 400 OrganizationUnitIdNotInScopes: the OU does not exist or is outside the application's scope
 * (the zh API metadata's error tables). For an OU this poll's own tree walk just found, it means the OU was
 * deleted (or left the scope) during the poll.
 */
export function isOuGone(error: unknown): boolean {
	return hasCode(error, '400', /OrganizationUnitIdNotInScopes\b/);
}

/**
 * Runs one listing of an OU found earlier in this poll; an OU that vanished since has nothing
 * to list. Its former users are then simply not seen, and the GetUser check sorts them out
 * (moved elsewhere, or gone), as for any user the walk missed.
 */
export async function unlessOuGone(list: () => Promise<void>): Promise<void> {
	await list().catch((error: unknown) => (isOuGone(error) ? undefined : Promise.reject(error)));
}

/** GetUser: the full record, or undefined when the user does not exist. */
export async function getUser(client: IdaasClient, userId: string): Promise<IDataObject | undefined> {
	// Errors are the transport's NodeApiErrors already; only "not found" is an answer here.
	return await client
		.call(OPS.getUser, { userId })
		.catch((error: unknown) => (isUserNotFound(error) ? undefined : Promise.reject(error)));
}

/** Whether an ID from the API passes the ID check; counts the ones that do not. */
export function validId(value: unknown, prefix: string, counter: Counter): value is string {
	if (isValidId(value, prefix)) return true;
	counter.invalidIds++;
	return false;
}

/** The OU tree under the application's provisioning scope, breadth first. */
export async function readTree(client: IdaasClient, budget: Budget, counter: Counter): Promise<Tree> {
	budget.check();
	const scope = await client.call(OPS.scope, {});
	const listed: unknown[] = Array.isArray(scope.organizationalUnitIds) ? scope.organizationalUnitIds : [];
	const parents = new Map<string, string | undefined>();
	const records = new Map<string, IDataObject>();
	const doubtful = new Set<string>();
	const roots = [...new Set(listed.filter((id): id is string => validId(id, 'ou_', counter)))];
	let level = roots;
	for (const id of level) parents.set(id, undefined);
	while (level.length > 0) {
		const nextLevel: string[] = [];
		await forEachLimited(level, WALK_CONCURRENCY, async (parentId) => {
			await unlessOuGone(
				async () =>
					await eachRecord(client, OPS.listOus, { parentId }, budget, (ou) => {
						const id = ou.organizationalUnitId;
						if (!validId(id, 'ou_', counter)) return;
						if (!parents.has(id)) {
							parents.set(id, parentId);
							records.set(id, ou);
							nextLevel.push(id);
						} else if (parents.get(id) !== parentId) {
							doubtful.add(id);
						}
					}),
			);
		});
		level = nextLevel;
	}
	return { parents, records, roots, doubtful };
}

/**
 * Every record of a list operation, page by page through the client's own paging
 * (transport/paging.ts: the largest page size, pages in order, a gateway's shorter pages lost
 * none of), with the poll's time budget checked before each page is requested.
 */
export async function eachRecord(
	client: IdaasClient,
	op: OperationSpec,
	values: Record<string, unknown>,
	budget: Budget,
	found: (record: IDataObject) => void,
): Promise<void> {
	budget.check();
	for await (const page of client.pages(client.prepare(op, values))) {
		for (const record of page) found(record);
		budget.check();
	}
}

/** Every user of one OU. */
async function readUsersOf(
	client: IdaasClient,
	ou: string,
	budget: Budget,
	counter: Counter,
	found: (user: IDataObject & { userId: string }) => void,
): Promise<void> {
	await eachRecord(client, OPS.listUsers, { organizationalUnitId: ou }, budget, (user) => {
		if (validId(user.userId, 'user_', counter)) found(user as IDataObject & { userId: string });
	});
}

/** The users of the tree; `previous` only says which unseen users to double-check. */
export async function readUsers(
	client: IdaasClient,
	tree: Tree,
	previous: ReadonlyMap<string, Fingerprint>,
	budget: Budget,
	counter: Counter,
): Promise<UsersRead> {
	const seen = new Map<string, { user: IDataObject; ou: string; doubtful: boolean }>();
	await forEachLimited([...tree.parents.keys()], WALK_CONCURRENCY, async (ou) => {
		await unlessOuGone(
			async () =>
				await readUsersOf(client, ou, budget, counter, (user) => {
					const id = user.userId;
					const before = seen.get(id);
					seen.set(id, { user, ou, doubtful: before !== undefined && before.ou !== ou });
				}),
		);
	});

	const current = new Map<string, Observed>();
	const lookups: string[] = [];
	for (const [id, entry] of seen) {
		if (entry.doubtful) lookups.push(id);
		else current.set(id, { user: entry.user, fp: fingerprint(entry.user, entry.ou) });
	}
	for (const id of previous.keys()) if (!seen.has(id)) lookups.push(id);

	const deleted = new Set<string>();
	await forEachLimited(lookups, WALK_CONCURRENCY, async (id) => {
		budget.check();
		const user = await getUser(client, id);
		if (!user) {
			// Gone. If it was never stored (created and deleted during this poll) nothing is owed.
			if (previous.has(id)) deleted.add(id);
			return;
		}
		const ou = isValidId(user.primaryOrganizationalUnitId, 'ou_') ? user.primaryOrganizationalUnitId : undefined;
		current.set(id, { user: summaryOf(user), fp: fingerprint(user, ou) });
	});
	return { current, deleted };
}

/** GetUser's record without the parts ListUsers never shows, so items look alike. */
function summaryOf(user: IDataObject): IDataObject {
	const summary = { ...user };
	for (const key of ['organizationalUnits', 'groups', 'customFields']) delete summary[key];
	return summary;
}
