import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../../emulator/server';

/**
 * One catalog operation run through the node: set the emulator up, give the node's parameters,
 * then check the emulator's state (and the output) afterwards.
 */
export interface OperationCase {
	setup?(emu: Emulator): void;
	params(emu: Emulator): INodeParameters;
	check(emu: Emulator, output: IDataObject[]): void;
}
