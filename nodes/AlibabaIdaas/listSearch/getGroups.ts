import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { catalogOp } from '../catalog';
import { IdaasClient } from '../request/client';

/** Groups for the From List picker: the filter is ListGroups' own name-prefix filter. */
export async function getGroups(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await IdaasClient.connect(this);
	const body = await client.call(catalogOp('ListGroups'), {
		groupNameStartWith: filter?.trim() || undefined,
		maxResults: 100,
		nextToken: paginationToken || undefined,
	});
	const groups = Array.isArray(body.data) ? (body.data as IDataObject[]) : [];
	const next =
		typeof body.nextToken === 'string' && body.nextToken !== '' && groups.length > 0
			? body.nextToken
			: undefined;
	return {
		results: groups.map((group) => ({
			name: String(group.groupName ?? group.groupId),
			value: String(group.groupId),
		})),
		paginationToken: next,
	};
}
