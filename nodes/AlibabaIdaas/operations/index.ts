import { NodeOperationError } from 'n8n-workflow';

import { CATALOG } from '../catalog';
import { apiOperation } from './apiOperation';
import { groupSetMembers } from './groupSetMembers';
import { perItem } from './executionState';
import type { NodeOperation } from './operation';
import { organizationalUnitUpsert } from './organizationalUnitUpsert';
import { userOffboard } from './userOffboard';
import { userReconcile } from './userReconcile';
import { userUpsert } from './userUpsert';

export type { NodeOperation } from './operation';

/**
 * Every operation the node offers, one entry each: the node's fields, its dispatch, its tool
 * texts, its canvas subtitle and the README's operations table are all read from this list. Each
 * catalog operation is an entry with the generic request path as its run (apiOperation.ts);
 * operations composed of several calls follow, in the order the README lists them.
 */
export const OPERATIONS: readonly NodeOperation[] = [
	...CATALOG.map(apiOperation),
	userUpsert,
	organizationalUnitUpsert,
	userReconcile,
	groupSetMembers,
	userOffboard,
];

const byPick = new Map(
	OPERATIONS.map((entry) => [`${entry.resource}:${entry.option.value}`, entry]),
);

/**
 * The run behind the node's Resource and Operation fields. An unknown pair (a workflow saved by a
 * later version of the package) fails each item, as any item failure does, so Continue On Fail
 * still gives one error item per input item.
 */
export function operationFor({
	resource,
	operation,
}: {
	resource: string;
	operation: string;
}): Pick<NodeOperation, 'run'> {
	return (
		byPick.get(`${resource}:${operation}`) ?? {
			run: perItem(async (state, itemIndex) => {
				throw new NodeOperationError(
					state.ctx.getNode(),
					`The operation "${operation}" is not known for "${resource}"`,
					{ itemIndex },
				);
			}),
		}
	);
}
