import type { IDataObject } from 'n8n-workflow';

import type { OperationSpec } from '../../AlibabaIdaas/catalog';
import { catalogOp } from '../../AlibabaIdaas/catalog';
import type { IdaasClient } from '../../AlibabaIdaas/request/client';
import { mapWithConcurrency } from '../../AlibabaIdaas/transport/concurrency';
import type { PageView } from '../../AlibabaIdaas/transport/paging';
import { isValidId } from './codec';

/**
 * What every family's walker shares: the operations a poll sends, its time budget, the ID check,
 * the API's "not found" answers, paging, the bounded pool the look-ups run in, and the OU tree
 * (read once per poll for the user and the unit families).
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

/**
 * Runs `work` over `items`, WALK_CONCURRENCY at a time, in the node's one worker pool
 * (transport/concurrency.ts). After a failure no new work starts, and the failure is raised once
 * every running task has ended, so nothing of a failed poll is still running when the next one
 * starts.
 */
export async function forEachLimited<T>(
	items: readonly T[],
	work: (item: T) => Promise<void>,
): Promise<void> {
	await mapWithConcurrency(
		items.length,
		WALK_CONCURRENCY,
		async (index) => await work(items[index]),
	);
}

/** Whether a NodeApiError from the transport carries this HTTP status and IDaaS code. */
export function hasCode(error: unknown, status: string, code: RegExp): boolean {
	// Read the code from the error response, not the message: n8n replaces the message of an
	// error whose code contains "NotFound" (it matches ENOTFOUND case-insensitively).
	const e = error as {
		httpCode?: unknown;
		errorResponse?: { code?: unknown };
		description?: unknown;
		messages?: unknown;
	};
	const texts = [
		e?.errorResponse?.code,
		e?.description,
		...(Array.isArray(e?.messages) ? e.messages : []),
	].map(String);
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

/** Whether an ID from the API passes the ID check; counts the ones that do not. */
export function validId(value: unknown, prefix: string, counter: Counter): value is string {
	if (isValidId(value, prefix)) return true;
	counter.invalidIds++;
	return false;
}

/** The OU tree under the application's provisioning scope, breadth first. */
export async function readTree(
	client: IdaasClient,
	budget: Budget,
	counter: Counter,
): Promise<Tree> {
	budget.check();
	const scope = await client.call(OPS.scope, {});
	const listed: unknown[] = Array.isArray(scope.organizationalUnitIds)
		? scope.organizationalUnitIds
		: [];
	const parents = new Map<string, string | undefined>();
	const records = new Map<string, IDataObject>();
	const doubtful = new Set<string>();
	const roots = [...new Set(listed.filter((id): id is string => validId(id, 'ou_', counter)))];
	let level = roots;
	for (const id of level) parents.set(id, undefined);
	while (level.length > 0) {
		const nextLevel: string[] = [];
		await forEachLimited(level, async (parentId) => {
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

/**
 * eachRecord over pages read from their bytes by `read` (users/scan.ts) instead of parsed by
 * n8n: `found` gets each fresh record's page and position in it.
 */
export async function eachPageRecord<P extends PageView>(
	client: IdaasClient,
	op: OperationSpec,
	values: Record<string, unknown>,
	budget: Budget,
	read: (bytes: Buffer, responseKey: string) => P,
	found: (page: P, index: number) => void,
): Promise<void> {
	budget.check();
	for await (const { page, fresh } of client.rawPages(client.prepare(op, values), read)) {
		for (const index of fresh) found(page, index);
		budget.check();
	}
}
