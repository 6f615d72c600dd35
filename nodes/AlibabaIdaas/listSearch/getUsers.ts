import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { catalogOp } from '../catalog';
import { IdaasClient } from '../request/client';
import { totalCountOf } from '../transport/paging';

/**
 * Users for the From List picker. ListUsers has no name filter, so the filter is applied to each
 * page here (username, display name, email, ID, case-insensitive), scanning a few pages per call
 * so a rare match still shows up; the page number to continue from is the pagination token.
 */

const PAGE_SIZE = 100;
const PAGES_PER_CALL = 5;

export function userLabel(user: IDataObject): string {
	const username = String(user.username ?? user.userId);
	const display =
		typeof user.displayName === 'string' && user.displayName !== '' && user.displayName !== username
			? user.displayName
			: '';
	return display ? `${display} (${username})` : username;
}

export async function getUsers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await IdaasClient.connect(this);
	const op = catalogOp('ListUsers');
	const needle = (filter ?? '').trim().toLowerCase();
	let pageNumber = Math.max(1, Number(paginationToken) || 1);
	const results: INodeListSearchResult['results'] = [];
	for (let scanned = 0; scanned < (needle ? PAGES_PER_CALL : 1); scanned++) {
		const body = await client.call(op, { pageNumber, pageSize: PAGE_SIZE });
		const users = Array.isArray(body.data) ? (body.data as IDataObject[]) : [];
		for (const user of users) {
			const text = [user.username, user.displayName, user.email, user.userId].map((v) =>
				String(v ?? '').toLowerCase(),
			);
			if (!needle || text.some((t) => t.includes(needle))) {
				results.push({ name: userLabel(user), value: String(user.userId) });
			}
		}
		const total = totalCountOf(body);
		const more =
			users.length === PAGE_SIZE && !(total !== undefined && pageNumber * PAGE_SIZE >= total);
		pageNumber++;
		if (!more) return { results };
		if (results.length >= PAGE_SIZE) break;
	}
	return { results, paginationToken: String(pageNumber) };
}
