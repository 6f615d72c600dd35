import type { INodeExecutionData } from 'n8n-workflow';

import type { DescribedOperation } from '../description/properties';
import type { ExecutionState } from './execution';

/**
 * One entry of the registry (index.ts): everything the node has for one Resource → Operation. What
 * the editor shows (picker entry, fields, tool text; description/), what the README's operations
 * table says, and `run`, which turns the execution's input items into output items. A catalog
 * operation's entry is made in index.ts; a composed one is written in its own file here.
 */
export interface NodeOperation extends DescribedOperation {
	run(state: ExecutionState): Promise<INodeExecutionData[]>;
	/**
	 * How the README's operations table lists a composed operation (a catalog one is a row of the API
	 * table): a row of its own, or a sentence shared by the entries of the same picker name.
	 */
	readme?: { does: string; requests: string } | { sentence: string };
}
