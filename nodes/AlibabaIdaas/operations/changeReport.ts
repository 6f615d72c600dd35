import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ExecutionState } from './execution';

/**
 * The change report of a whole-input operation (Reconcile, Set Members, Offboard): one more
 * output item after the others, with the count of items per action and one row per change (who,
 * what, before, after), flat enough for a Spreadsheet File or a Slack message, so a run can be
 * attached to a ticket. It is paired with the first input item.
 */

export function changeReportField(show: {
	resource: string[];
	operation: string[];
}): INodeProperties {
	return {
		displayName: 'Add Change Report',
		name: 'changeReport',
		type: 'boolean',
		default: false,
		description:
			'Whether to add one item at the end summing up the run: the count per action and one row per change (who, what, before, after)',
		displayOptions: { show },
	};
}

export function wantsChangeReport(state: ExecutionState): boolean {
	const value = state.ctx.getNodeParameter('changeReport', 0, false) as unknown;
	if (typeof value !== 'boolean') {
		throw new NodeOperationError(
			state.ctx.getNode(),
			`Add Change Report must be true or false, got ${JSON.stringify(value)}`,
			{ itemIndex: 0, description: 'Check the "Add Change Report" field.' },
		);
	}
	return value;
}

/**
 * The report item: counts of the items' actions, and the changes, each `{ who, userId, what,
 * before, after }` (who: a username or the value the item named).
 */
export function changeReportItem(
	operation: string,
	items: IDataObject[],
	changes: IDataObject[],
	common: IDataObject,
): INodeExecutionData {
	const counts: Record<string, number> = {};
	for (const item of items) counts[String(item.action)] = (counts[String(item.action)] ?? 0) + 1;
	return { json: { changeReport: operation, ...common, counts, changes }, pairedItem: { item: 0 } };
}
