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

/**
 * A page as the walk reads it: its records by position, each record's ID, and the paging fields.
 * A parsed body is one (JsonPage); a walk that reads the body's bytes itself brings its own.
 */
export interface PageView {
	/** Records on the page: the length of the responseKey array, 0 when it is not an array. */
	readonly size: number;
	/** The ID of the record at `index` (recordKey), to drop duplicates when pages shift. */
	keyAt(index: number): string | undefined;
	/** The body's totalCount and nextToken as JSON.parse gives them (undefined when absent). */
	readonly totalCount: unknown;
	readonly nextToken: unknown;
}

/** A parsed response body as a page. */
export class JsonPage implements PageView {
	readonly records: IDataObject[];

	constructor(
		private readonly body: IDataObject,
		responseKey: string,
	) {
		this.records = Array.isArray(body[responseKey]) ? (body[responseKey] as IDataObject[]) : [];
	}

	get size(): number {
		return this.records.length;
	}

	keyAt(index: number): string | undefined {
		return recordKey(this.records[index]);
	}

	get totalCount(): unknown {
		return this.body.totalCount;
	}

	get nextToken(): unknown {
		return this.body.nextToken;
	}
}

/** One page of a walk: the page, and the positions of its records not seen on an earlier page, up to the limit. */
export interface WalkedPage<P extends PageView> {
	page: P;
	fresh: number[];
}

export async function* walkPages(
	walk: PageWalk,
	fetchPage: (query: Record<string, string | number>) => Promise<IDataObject>,
): AsyncGenerator<IDataObject[]> {
	const pages = walkPageViews(
		walk,
		async (query) => new JsonPage(await fetchPage(query), walk.responseKey),
	);
	for await (const { page, fresh } of pages) yield fresh.map((index) => page.records[index]);
}

/** walkPages over pages read by `fetchPage`, each yielded with the positions of its fresh records. */
export async function* walkPageViews<P extends PageView>(
	walk: PageWalk,
	fetchPage: (query: Record<string, string | number>) => Promise<P>,
): AsyncGenerator<WalkedPage<P>> {
	const { pagination } = walk;
	const limit = walk.limit ?? Infinity;
	const pageSize = Math.min(
		pagination.maxPageSize,
		Number.isFinite(limit) ? Math.max(1, limit) : Infinity,
	);
	const seen = new Set<string>();
	let returned = 0;
	/** The positions of the page's records not seen on an earlier page, up to the limit. */
	const freshOf = (page: P): number[] => {
		const fresh: number[] = [];
		for (let index = 0; index < page.size; index++) {
			const key = page.keyAt(index);
			if (key !== undefined) {
				if (seen.has(key)) continue;
				seen.add(key);
			}
			if (returned + fresh.length < limit) fresh.push(index);
		}
		returned += fresh.length;
		return fresh;
	};
	const fetch = async (page: PageQuery) =>
		await fetchPage({ [pagination.sizeParam]: pageSize, ...page });

	if (pagination.style === 'nextToken') {
		let nextToken: string | undefined;
		for (;;) {
			const page = await fetch(nextToken ? { nextToken } : {});
			const fresh = freshOf(page);
			if (fresh.length > 0) yield { page, fresh };
			if (returned >= limit) return;
			nextToken =
				typeof page.nextToken === 'string' && page.nextToken !== '' ? page.nextToken : undefined;
			if (!nextToken || page.size === 0) return;
		}
	}

	const first = await fetch({ pageNumber: 1 });
	const total = totalCountOf(first);
	// A gateway may serve fewer records than asked: a short first page of a longer list is the
	// page size in force, and later pages are numbered by it.
	const firstCount = first.size;
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
		let page = first;
		for (let pageNumber = 1; ; pageNumber++) {
			if (pageNumber > 1) page = await ahead.take(pageNumber, planned);
			const fresh = freshOf(page);
			if (fresh.length > 0) yield { page, fresh };
			if (returned >= limit) return;
			// With a totalCount, a short page may only mean pages shifted: the count says when to stop.
			const pageTotal = totalCountOf(page);
			if (
				page.size === 0 ||
				(pageTotal === undefined ? page.size < served : pageNumber * served >= pageTotal)
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
export function totalCountOf(body: { totalCount?: unknown }): number | undefined {
	const total = body.totalCount;
	if (typeof total === 'number') return Number.isFinite(total) ? total : undefined;
	if (typeof total === 'string' && /^\d+$/.test(total.trim())) return Number(total);
	return undefined;
}

/** The ID of a list record, to drop duplicates when pages shift. */
export function recordKey(record: IDataObject): string | undefined {
	const id = record.userId ?? record.organizationalUnitId ?? record.groupId;
	return typeof id === 'string' ? `${id}` : undefined;
}
