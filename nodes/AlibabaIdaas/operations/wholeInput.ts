import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { composedToolText } from '../description/toolText';
import type { ExecutionState } from './execution';
import type { NodeOperation } from './operation';

/**
 * Operations that take all input items at once as a desired state (User → Reconcile, Group → Set
 * Members, User → Offboard): they read what exists once, plan the difference, and either output
 * the plan (dry run) or apply it. Their settings (dry run, guard rails) are read from the first
 * item, as n8n's "execute once" settings are; the items are the people.
 */
export function wholeInputOperation(
	entry: Pick<NodeOperation, 'resource' | 'option' | 'fields'> & {
		readme: { does: string; requests: string };
		runAll(state: ExecutionState, itemCount: number): Promise<INodeExecutionData[]>;
	},
): NodeOperation {
	const { runAll, ...described } = entry;
	return {
		...described,
		toolText: composedToolText(entry.option.action),
		run: async (state) => await runAll(state, state.ctx.getInputData().length),
	};
}

/** Dry run and the removal guard, shared by both operations' editor fields. */
export function planFields(
	show: { resource: string[]; operation: string[] },
	removal: string,
): INodeProperties[] {
	const displayOptions = { show };
	return [
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: true,
			description:
				'Whether to only output the plan, sending no change to IDaaS. Switch off (or map an approval) to apply it.',
			displayOptions,
		},
		{
			displayName: `Max ${removal}`,
			name: 'maxRemovals',
			type: 'number',
			default: 10,
			typeOptions: { minValue: 0, numberPrecision: 0 },
			description: `Most ${removal.toLowerCase()} one run may make; above it nothing at all is applied`,
			displayOptions,
		},
		{
			displayName: `Max ${removal} Share (%)`,
			name: 'maxRemovalPercent',
			type: 'number',
			default: 10,
			typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 0 },
			description: `Largest share of the accounts in scope that ${removal.toLowerCase()} may touch in one run; above it nothing is applied (an empty or truncated source must not remove everyone)`,
			displayOptions,
		},
	];
}

export interface PlanSettings {
	dryRun: boolean;
	maxRemovals: number;
	maxRemovalPercent: number;
}

/** A whole-number setting of the first item, or a NodeOperationError naming the field. */
export function wholeNumber(
	state: ExecutionState,
	name: string,
	label: string,
	fallback: number,
	max = Infinity,
): number {
	const value = state.ctx.getNodeParameter(name, 0, fallback) as unknown;
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > max) {
		throw new NodeOperationError(
			state.ctx.getNode(),
			`${label} must be a whole number from 0${Number.isFinite(max) ? ` to ${max}` : ''}, got ${JSON.stringify(value)}`,
			{
				itemIndex: 0,
				description: `Check the "${label}" field.`,
			},
		);
	}
	return number;
}

export function readPlanSettings(state: ExecutionState, removal: string): PlanSettings {
	const dryRun = state.ctx.getNodeParameter('dryRun', 0, true) as unknown;
	if (typeof dryRun !== 'boolean') {
		throw new NodeOperationError(
			state.ctx.getNode(),
			`Dry Run must be true or false, got ${JSON.stringify(dryRun)}`,
			{ itemIndex: 0, description: 'Check the "Dry Run" field.' },
		);
	}
	return {
		dryRun,
		maxRemovals: wholeNumber(state, 'maxRemovals', `Max ${removal}`, 10),
		maxRemovalPercent: wholeNumber(state, 'maxRemovalPercent', `Max ${removal} Share (%)`, 10, 100),
	};
}

/** Why the plan must not be applied, or undefined when its removals are within both limits. */
export function guardReason(
	settings: PlanSettings,
	removals: number,
	inScope: number,
	noun: string,
): string | undefined {
	if (removals > settings.maxRemovals) {
		return `Nothing applied: the plan ${noun} ${removals}, more than the maximum of ${settings.maxRemovals} per run`;
	}
	const percent = inScope === 0 ? 0 : (removals * 100) / inScope;
	if (percent > settings.maxRemovalPercent) {
		return `Nothing applied: the plan ${noun} ${removals} of ${inScope} (${Math.round(percent)}%), more than the maximum share of ${settings.maxRemovalPercent}%`;
	}
	return undefined;
}

/** One output item, paired with its source row (or the first item, for accounts no row names). */
export function resultItem(json: IDataObject, itemIndex: number | undefined): INodeExecutionData {
	return { json, pairedItem: { item: itemIndex ?? 0 } };
}
