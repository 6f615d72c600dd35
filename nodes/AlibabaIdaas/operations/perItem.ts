import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorJson } from '../output/items';
import { mapWithConcurrency } from '../transport/concurrency';
import type { ExecutionState } from './executionState';

/**
 * An operation that handles each input item on its own, run over all of them: as many at once as
 * the execution allows, output in input order, each paired with its item. A failed item stops the
 * run, or with Continue On Fail becomes an error item while the others go on.
 */
export function perItem(run: (state: ExecutionState, itemIndex: number) => Promise<IDataObject[]>): (state: ExecutionState) => Promise<INodeExecutionData[]> {
	return async (state) => {
		const { ctx } = state;
		const perItem = await mapWithConcurrency(ctx.getInputData().length, state.concurrency, async (i) => {
			let data: IDataObject[] = [];
			let failure: unknown;
			try {
				data = await run(state, i);
			} catch (error) {
				failure = error;
			}
			if (failure === undefined) {
				return ctx.helpers.constructExecutionMetaData(ctx.helpers.returnJsonArray(data), { itemData: { item: i } });
			}
			if (ctx.continueOnFail()) return [{ json: errorJson(failure), pairedItem: { item: i } }];
			if (failure instanceof NodeApiError || failure instanceof NodeOperationError) throw failure;
			throw new NodeOperationError(ctx.getNode(), failure as Error, { itemIndex: i });
		});
		return perItem.flat();
	};
}
