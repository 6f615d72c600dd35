import type { Limiter } from '../../nodes/AlibabaIdaas/transport/pacing';
import { verdictOf } from '../../nodes/AlibabaIdaas/transport/session';

/** A task in its turn under the limiter, handing the slot back with what its answer says (as transport/session.ts does). */
export async function inTurn<T>(limiter: Limiter, task: () => Promise<T>): Promise<T> {
	const turn = await limiter.acquire();
	let result: unknown = { stale: true };
	try {
		result = await task();
		return result as T;
	} finally {
		limiter.release(
			turn,
			result !== null && typeof result === 'object' ? verdictOf(result as never) : 'neutral',
		);
	}
}
