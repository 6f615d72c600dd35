/**
 * One poll at a time per trigger in this process. n8n's default engine starts a poll on every
 * tick even while the previous poll of the same trigger still runs (it only logs "overlapped");
 * two polls diffing against the same state would report the same changes twice. A poll that
 * finds another one running skips: the running poll reports everything up to its walk, and the
 * next tick reports the rest. (Polls of other processes are covered by the generation check in
 * poll.ts.)
 */
const running = new Set<string>();

/** Runs `work` unless a poll under the same key runs; then returns `busy()` at once. */
export async function onePollAtATime<T>(
	key: string,
	busy: () => T,
	work: () => Promise<T>,
): Promise<T> {
	if (running.has(key)) return busy();
	running.add(key);
	try {
		return await work();
	} finally {
		running.delete(key);
	}
}
