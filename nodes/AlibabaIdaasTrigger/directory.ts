import type { IDataObject } from 'n8n-workflow';

import { catalogOp } from '../AlibabaIdaas/catalog';
import type { IdaasClient } from '../AlibabaIdaas/transport/client';
import { totalCountOf } from '../AlibabaIdaas/transport/paging';
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
	get scope() {
		return catalogOp('GetApplicationProvisioningScope');
	},
};

/** Knobs for tests and benchmarks; the node always uses the defaults. */
export const walkSettings = {
	/** ListUsers page size (the API's maximum is 100). Tests lower it to make paging happen. */
	pageSize: 100,
	/** Parallel requests (OU walks, GetUser look-ups). */
	concurrency: 8,
};

export interface Budget {
	/** Throws when the poll ran out of time. */
	check(): void;
}

export interface DirectoryRead {
	/** Users established as existing, with their primary OU. */
	current: Map<string, Observed>;
	/** Stored users confirmed deleted. */
	deleted: Set<string>;
	/** Parent of every OU seen (roots map to undefined). */
	parents: Map<string, string | undefined>;
	requests: number;
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
function hasCode(error: unknown, status: string, code: RegExp): boolean {
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
async function unlessOuGone(list: () => Promise<void>): Promise<void> {
	await list().catch((error: unknown) => (isOuGone(error) ? undefined : Promise.reject(error)));
}

/** GetUser: the full record, or undefined when the user does not exist. */
export async function getUser(client: IdaasClient, userId: string): Promise<IDataObject | undefined> {
	// Errors are the transport's NodeApiErrors already; only "not found" is an answer here.
	return await client
		.call(OPS.getUser, { userId })
		.catch((error: unknown) => (isUserNotFound(error) ? undefined : Promise.reject(error)));
}

/** The OU tree under the application's provisioning scope, breadth first. */
async function readTree(client: IdaasClient, budget: Budget, counter: { requests: number }) {
	budget.check();
	counter.requests++;
	const scope = await client.call(OPS.scope, {});
	const roots = Array.isArray(scope.organizationalUnitIds) ? (scope.organizationalUnitIds as string[]) : [];
	const parents = new Map<string, string | undefined>();
	let level = roots.filter((id) => typeof id === 'string' && !parents.has(id));
	for (const id of level) parents.set(id, undefined);
	while (level.length > 0) {
		const nextLevel: string[] = [];
		await forEachLimited(level, walkSettings.concurrency, async (parentId) => {
			await unlessOuGone(async () => {
				for (let pageNumber = 1; ; pageNumber++) {
					budget.check();
					counter.requests++;
					const body = await client.call(OPS.listOus, { parentId, pageNumber, pageSize: 100 });
					const data = Array.isArray(body.data) ? (body.data as IDataObject[]) : [];
					for (const ou of data) {
						const id = ou.organizationalUnitId;
						if (typeof id === 'string' && !parents.has(id)) {
							parents.set(id, parentId);
							nextLevel.push(id);
						}
					}
					const total = totalCountOf(body);
					if (data.length < 100 || (total !== undefined && pageNumber * 100 >= total)) break;
				}
			});
		});
		level = nextLevel;
	}
	return parents;
}

/** Every user of one OU, following pageNumber paging (pages may shift; the caller copes). */
async function readUsersOf(
	client: IdaasClient,
	ou: string,
	budget: Budget,
	counter: { requests: number },
	found: (user: IDataObject) => void,
): Promise<void> {
	const pageSize = walkSettings.pageSize;
	for (let pageNumber = 1; ; pageNumber++) {
		budget.check();
		counter.requests++;
		const body = await client.call(OPS.listUsers, { organizationalUnitId: ou, pageNumber, pageSize });
		const data = Array.isArray(body.data) ? (body.data as IDataObject[]) : [];
		for (const user of data) if (typeof user.userId === 'string') found(user);
		const total = totalCountOf(body);
		if (data.length < pageSize || (total !== undefined && pageNumber * pageSize >= total)) return;
	}
}

/** One read of the directory; `previous` only says which unseen users to double-check. */
export async function readDirectory(
	client: IdaasClient,
	previous: ReadonlyMap<string, Fingerprint>,
	budget: Budget,
): Promise<DirectoryRead> {
	const counter = { requests: 0 };
	const parents = await readTree(client, budget, counter);
	const seen = new Map<string, { user: IDataObject; ou: string; doubtful: boolean }>();
	await forEachLimited([...parents.keys()], walkSettings.concurrency, async (ou) => {
		await unlessOuGone(
			async () =>
				await readUsersOf(client, ou, budget, counter, (user) => {
					const id = user.userId as string;
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
	await forEachLimited(lookups, walkSettings.concurrency, async (id) => {
		budget.check();
		counter.requests++;
		const user = await getUser(client, id);
		if (!user) {
			// Gone. If it was never stored (created and deleted during this poll) nothing is owed.
			if (previous.has(id)) deleted.add(id);
			return;
		}
		const ou = typeof user.primaryOrganizationalUnitId === 'string' ? user.primaryOrganizationalUnitId : undefined;
		current.set(id, { user: summaryOf(user), fp: fingerprint(user, ou) });
	});
	return { current, deleted, parents, requests: counter.requests };
}

/** GetUser's record without the parts ListUsers never shows, so items look alike. */
function summaryOf(user: IDataObject): IDataObject {
	const summary = { ...user };
	for (const key of ['organizationalUnits', 'groups', 'customFields']) delete summary[key];
	return summary;
}
