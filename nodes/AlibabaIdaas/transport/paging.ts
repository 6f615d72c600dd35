import type { IDataObject } from 'n8n-workflow';

import type { Pagination } from '../catalog';
import { ReadAhead } from './concurrency';

/**
 * Walking a list operation's pages at the largest page size, yielding each page's records in
 * page order. Records seen on an earlier page are skipped: pageNumber paging shifts when the
 * directory changes during the walk.
 *
 * pageNumber lists say their totalCount on the first page, so the pages after it are known up
 * front; with `readAhead` > 1 that many are requested at once (a 100,000-user directory is 1,000
 * pages, and one at a time across a network is 1,000 round trips). nextToken lists can only be
 * walked one page after the other.
 */

export interface PageWalk {
	pagination: Pagination;
	/** The response field holding the records. */
	responseKey: string;
	/** Records wanted at most; all when absent. */
	limit?: number;
	/** pageNumber lists: how many pages may be requested at once (default 1). */
	readAhead?: number;
}

/** Query parameters of one page, besides the page size. */
export type PageQuery = { pageNumber?: number; nextToken?: string };

export async function* walkPages(
	walk: PageWalk,
	fetchPage: (query: Record<string, string | number>) => Promise<IDataObject>,
): AsyncGenerator<IDataObject[]> {
	const { pagination, responseKey } = walk;
	const limit = walk.limit ?? Infinity;
	const pageSize = Math.min(
		pagination.maxPageSize,
		Number.isFinite(limit) ? Math.max(1, limit) : Infinity,
	);
	const seen = new Set<string>();
	let returned = 0;
	/** The page's records, and those of them not seen on an earlier page, up to the limit. */
	const newRecords = (body: IDataObject): { records: IDataObject[]; page: IDataObject[] } => {
		const records = Array.isArray(body[responseKey]) ? (body[responseKey] as IDataObject[]) : [];
		const fresh = records.filter((record) => {
			const key = recordKey(record);
			if (key === undefined) return true;
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		});
		const page = fresh.slice(0, limit - returned);
		returned += page.length;
		return { records, page };
	};
	const fetch = async (page: PageQuery) =>
		await fetchPage({ [pagination.sizeParam]: pageSize, ...page });

	if (pagination.style === 'nextToken') {
		let nextToken: string | undefined;
		for (;;) {
			const body = await fetch(nextToken ? { nextToken } : {});
			const { records, page } = newRecords(body);
			if (page.length > 0) yield page;
			if (returned >= limit) return;
			nextToken =
				typeof body.nextToken === 'string' && body.nextToken !== '' ? body.nextToken : undefined;
			if (!nextToken || records.length === 0) return;
		}
	}

	const first = await fetch({ pageNumber: 1 });
	const total = totalCountOf(first);
	// A gateway may serve fewer records than asked: a short first page of a longer list is the
	// page size in force, and later pages are numbered by it.
	const firstCount = Array.isArray(first[responseKey])
		? (first[responseKey] as unknown[]).length
		: 0;
	const served =
		total !== undefined && firstCount > 0 && firstCount < Math.min(pageSize, total)
			? firstCount
			: pageSize;
	// The pages the first answer promises; past them (the directory grew) we go one at a time.
	const planned = total === undefined ? 1 : Math.ceil(Math.min(total, limit) / served);
	const ahead = new ReadAhead(
		(pageNumber) => fetch({ pageNumber }),
		Math.max(1, walk.readAhead ?? 1),
	);
	try {
		let body = first;
		for (let pageNumber = 1; ; pageNumber++) {
			if (pageNumber > 1) body = await ahead.take(pageNumber, planned);
			const { records, page } = newRecords(body);
			if (page.length > 0) yield page;
			if (returned >= limit) return;
			// With a totalCount, a short page may only mean pages shifted: the count says when to stop.
			const pageTotal = totalCountOf(body);
			if (
				records.length === 0 ||
				(pageTotal === undefined ? records.length < served : pageNumber * served >= pageTotal)
			)
				return;
		}
	} finally {
		// Pages requested ahead but not needed (limit reached, an error, the consumer stopped):
		// let them end, so nothing of this walk is still running when the caller goes on.
		await ahead.settle();
	}
}

/**
 * A list page's totalCount, when it states one. Only a number counts: Number(null) and
 * Number('') are 0, which would end a walk after a full first page.
 */
export function totalCountOf(body: IDataObject): number | undefined {
	const total = body.totalCount;
	if (typeof total === 'number') return Number.isFinite(total) ? total : undefined;
	if (typeof total === 'string' && /^\d+$/.test(total.trim())) return Number(total);
	return undefined;
}

/** The ID of a list record, to drop duplicates when pages shift. */
function recordKey(record: IDataObject): string | undefined {
	const id = record.userId ?? record.organizationalUnitId ?? record.groupId;
	return typeof id === 'string' ? `${id}` : undefined;
}
