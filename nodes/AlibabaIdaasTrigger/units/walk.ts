import type { IDataObject } from 'n8n-workflow';

import type { IdaasClient } from '../../AlibabaIdaas/request/client';
import { isValidId } from '../shared/codec';
import type { Budget, Tree } from '../shared/walk';
import { forEachLimited, isOuGone, OPS } from '../shared/walk';
import type { OuFacts } from './state';

/**
 * The organizational units of one poll, from the tree the poll read (../walk.ts readTree):
 * each OU listed once under its parent is taken as listed. GetOrganizationalUnit is asked only
 * where the walk leaves a doubt, as for users:
 *
 * - the provisioning scope's roots (the scope lists IDs only, no names);
 * - OUs listed under two parents (moved while the walk ran);
 * - stored OUs the walk did not see: deleted (400 OrganizationUnitIdNotInScopes, the API's
 *   answer for an OU that does not exist or left the scope), or moved under an OU already
 *   read, or below one.
 */

export interface OusRead {
	current: Map<string, OuFacts>;
	/** Stored OUs confirmed gone. */
	deleted: Set<string>;
}

function factsOf(id: string, record: IDataObject, parentId: string | undefined): OuFacts {
	const parent = record.parentId ?? parentId;
	return {
		id,
		parentId: isValidId(parent, 'ou_') ? parent : '',
		name: typeof record.organizationalUnitName === 'string' ? record.organizationalUnitName : '',
	};
}

export async function readOus(
	client: IdaasClient,
	tree: Tree,
	previous: ReadonlyMap<string, OuFacts>,
	budget: Budget,
): Promise<OusRead> {
	const current = new Map<string, OuFacts>();
	const lookups = new Set<string>([...tree.roots, ...tree.doubtful]);
	for (const [id, parentId] of tree.parents) {
		const record = tree.records.get(id);
		if (record && !lookups.has(id)) current.set(id, factsOf(id, record, parentId));
	}
	for (const id of previous.keys()) if (!tree.parents.has(id)) lookups.add(id);

	const deleted = new Set<string>();
	await forEachLimited([...lookups], async (id) => {
		budget.check();
		const record = await client
			.call(OPS.getOu, { organizationalUnitId: id })
			.catch((error: unknown) => (isOuGone(error) ? undefined : Promise.reject(error)));
		if (record) current.set(id, factsOf(id, record, undefined));
		else if (previous.has(id)) deleted.add(id);
	});
	return { current, deleted };
}
