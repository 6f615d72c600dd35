import { catalogOp } from '../catalog';
import type { ExecutionState } from '../execute';
import { mapWithConcurrency } from '../transport/concurrency';
import type { DirectoryUser } from './reconcilePlan';

/**
 * The directory in a reconcile's scope, read once: the authority OU's sub-units (when included)
 * with ListOrganizationalUnits, one parent at a time level by level, then the users of every unit
 * with ListUsers filtered on it, at the largest page size and with pages read ahead as Get Many
 * does. ListUsers' summary has no primary OU, so each user is tagged with the unit it was listed
 * under. ASSUMPTION (as the emulator's): the filter lists the users whose primary unit it is, not
 * those of its sub-units (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-listusers).
 */

const listOus = catalogOp('ListOrganizationalUnits');
const listUsers = catalogOp('ListUsers');

export interface Directory {
	ous: Set<string>;
	users: DirectoryUser[];
}

export async function readDirectory(state: ExecutionState, rootOu: string, includeSubUnits: boolean): Promise<Directory> {
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
		return records.map((record) => ({ ...record, primaryOrganizationalUnitId: ous[i] }) as DirectoryUser);
	});
	return { ous: new Set(ous), users: perOu.flat() };
}
