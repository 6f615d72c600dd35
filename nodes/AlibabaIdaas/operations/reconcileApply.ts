import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { catalogOp } from '../catalog';
import type { ExecutionState } from './execution';
import type { PreparedRequest } from '../request/build';
import { mapWithConcurrency } from '../transport/concurrency';
import { recoveryOf } from './execution';
import type { PlanStep } from './reconcilePlan';

/**
 * Applies a reconcile plan: wave 1 (everything that frees or needs nothing), then wave 2 (renames
 * and creates taking a username or e-mail wave 1 freed), each step at most Concurrency at once.
 * A step's writes are idempotent or recover a lost create (by username), so a run that failed
 * half-way is safe to repeat: the next plan only holds what is still missing.
 */

const ops = {
	patch: catalogOp('PatchUser'),
	move: catalogOp('SetUserPrimaryOrganizationalUnit'),
	enable: catalogOp('EnableUser'),
	disable: catalogOp('DisableUser'),
	delete: catalogOp('DeleteUser'),
};

/** What happened to one step: its output fields beyond the plan's. */
export type StepOutcome = IDataObject;

/** A write refused because another account holds the value: a conflict, not a failure to retry. */
function isDuplicate(error: unknown): boolean {
	const code =
		error instanceof NodeApiError
			? (error.errorResponse as IDataObject | undefined)?.code
			: undefined;
	return typeof code === 'string' && code.startsWith('ResourceDuplicated');
}

async function applyStep(
	state: ExecutionState,
	step: PlanStep,
	creates: Map<number, PreparedRequest>,
): Promise<StepOutcome> {
	const { client } = state;
	const itemIndex = step.itemIndex ?? 0;
	const options = { itemIndex };
	if (step.create) {
		const request = creates.get(itemIndex) as PreparedRequest;
		const recover = recoveryOf(client, request, itemIndex);
		const body = await client.send(request, { itemIndex, recover });
		return { userId: body.userId as string };
	}
	const userId = step.userId as string;
	if (step.remove === 'delete') {
		await client.call(ops.delete, { userId }, options);
		return {};
	}
	if (Object.keys(step.changes).length > 0)
		await client.call(ops.patch, { userId, ...step.changes }, options);
	if (step.moveTo)
		await client.call(ops.move, { userId, organizationalUnitId: step.moveTo }, options);
	if (step.status)
		await client.call(step.status === 'enabled' ? ops.enable : ops.disable, { userId }, options);
	return {};
}

/** The outcome of every step, in plan order; unchanged and conflicting steps send nothing. */
export async function applyPlan(
	state: ExecutionState,
	steps: PlanStep[],
	creates: Map<number, PreparedRequest>,
): Promise<StepOutcome[]> {
	const outcomes: StepOutcome[] = steps.map(() => ({}));
	for (const wave of [1, 2]) {
		const due = steps
			.map((step, i) => ({ step, i }))
			.filter(
				({ step }) =>
					step.wave === wave && step.action !== 'unchanged' && step.action !== 'conflict',
			);
		await mapWithConcurrency(due.length, state.concurrency, async (n) => {
			const { step, i } = due[n];
			try {
				outcomes[i] = await applyStep(state, step, creates);
			} catch (error) {
				const response =
					error instanceof NodeApiError ? ((error.errorResponse ?? {}) as IDataObject) : {};
				outcomes[i] = {
					action: isDuplicate(error) ? 'conflict' : 'failed',
					plannedAction: step.action,
					error: (error as Error).message,
					...(typeof response.code === 'string' ? { code: response.code } : {}),
				};
			}
		});
	}
	return outcomes;
}
