import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationSpec } from '../catalog';
import { CATALOG } from '../catalog';
import { apiOperationFields } from '../description/properties';
import { toolText } from '../description/toolText';
import { ExecutionState, perItem, runApiOperation } from './execution';
import { groupSetMembers } from './groupSetMembers';
import type { NodeOperation } from './operation';
import { organizationalUnitUpsert } from './organizationalUnitUpsert';
import { userOffboard } from './userOffboard';
import { userReconcile } from './userReconcile';
import { userUpsert } from './userUpsert';

export type { NodeOperation } from './operation';

/** The registry entry of one catalog operation: its fields and tool text from the catalog, and the generic request path as its run. */
function apiOperation(op: OperationSpec): NodeOperation {
	return {
		resource: op.resource,
		option: {
			name: op.displayName,
			value: op.operation,
			description: op.description,
			action: op.panelText,
		},
		fields: apiOperationFields(op),
		toolText: toolText(op),
		api: op,
		run: perItem(async (state, itemIndex) => await runApiOperation(state, op, itemIndex)),
	};
}

/**
 * Every operation the node offers, one entry each: the node's fields, its dispatch, its tool
 * texts, its canvas subtitle and the README's operations table are all read from this list. Each
 * catalog operation is an entry with the generic request path as its run (execution.ts);
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

/** The node's execution: one state for all items (one client, the credential read once), and the picked operation's run over them. */
export async function executeNode(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const state = await ExecutionState.start(ctx);
	return await operationFor(state.picked).run(state);
}
