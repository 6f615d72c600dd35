import type { OperationSpec } from '../nodes/AlibabaIdaas/catalog';
import { ApiError, invalid } from './errors';
import type { Input } from './validate';

/**
 * The two documented paging styles (the API metadata). Range checks on pageSize / maxResults /
 * pageNumber come from the catalog (validate.ts → InvalidParameter.PageSize etc.).
 */

/**
 * A gateway-style page cap (none by default): a listing serves at most `maxPageSize` records per
 * page, whatever page size the client asked for. The served size is the window's size, so
 * consecutive pageNumber pages stay contiguous and a nextToken answer's maxResults says it.
 */
export class PageCap {
	maxPageSize: number | undefined;

	set(maxPageSize?: number): void {
		if (maxPageSize !== undefined && !(Number.isInteger(maxPageSize) && maxPageSize >= 1)) {
			throw new ApiError(
				400,
				'InvalidParameter.MaxPageSize',
				`maxPageSize must be a positive integer, not ${String(maxPageSize)}.`,
			);
		}
		this.maxPageSize = maxPageSize;
	}

	/** The checked input, with the page size this server serves in place of the one asked for. */
	serve(op: OperationSpec, input: Input): Input {
		const pagination = op.pagination;
		if (this.maxPageSize === undefined || !pagination) return input;
		const asked = (input[pagination.sizeParam] as number | undefined) ?? pagination.defaultPageSize;
		return { ...input, [pagination.sizeParam]: Math.min(asked, this.maxPageSize) };
	}
}

export interface Window {
	offset: number;
	size: number;
}

/** pageNumber (default 1) / pageSize (default 20): a page past the end is simply empty. */
export function pageWindow(op: OperationSpec, input: Input): Window {
	const size = (input.pageSize as number | undefined) ?? op.pagination?.defaultPageSize ?? 20;
	const pageNumber = (input.pageNumber as number | undefined) ?? 1;
	return { offset: (pageNumber - 1) * size, size };
}

/**
 * nextToken / maxResults. The token is opaque to clients: `NT` + base64url("<listing>\n<offset>"),
 * bound to the listing it came from, so a token from another listing, or a garbled one, answers
 * 400 InvalidParameter.NextToken (ASSUMPTION: the real code for a bad token is not documented).
 */
export function tokenWindow(op: OperationSpec, input: Input, listing: string): Window {
	const size = (input.maxResults as number | undefined) ?? op.pagination?.defaultPageSize ?? 20;
	const token = input.nextToken as string | undefined;
	if (!token) return { offset: 0, size };
	const decoded = token.startsWith('NT')
		? Buffer.from(token.slice(2), 'base64url').toString('utf8')
		: '';
	const [key, offsetText] = decoded.split('\n');
	if (key !== listing || !/^\d+$/.test(offsetText ?? '')) throw invalid('nextToken');
	return { offset: Number(offsetText), size };
}

/** `{ totalCount, data, nextToken, maxResults }`; nextToken is '' on the last page (zh API metadata). */
export function tokenPage<T>(listing: string, window: Window, totalCount: number, data: T[]) {
	const next = window.offset + window.size;
	return {
		totalCount,
		data,
		nextToken:
			next < totalCount ? `NT${Buffer.from(`${listing}\n${next}`).toString('base64url')}` : '',
		maxResults: window.size,
	};
}

/** A window over an in-memory list (group listings, small scoped lists). */
export function slice<T>(items: readonly T[], window: Window): T[] {
	return items.slice(window.offset, window.offset + window.size);
}
