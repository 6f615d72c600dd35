/**
 * Runs `task` over `count` items with at most `limit` in flight and returns the results in item
 * order. Items are independent API calls; running a few at once cuts a 500-item sync from minutes
 * to seconds, while the bound keeps us under IDaaS throttling (the transport backs off on 429).
 *
 * When tasks throw, no new work is started and the failure of the lowest item index is thrown,
 * which is the error a sequential loop would have stopped at. Callers that want to go on
 * (Continue On Fail) catch inside the task.
 */
export async function mapWithConcurrency<T>(
	count: number,
	limit: number,
	task: (index: number) => Promise<T>,
): Promise<T[]> {
	const results = new Array<T>(count);
	const failures = new Map<number, unknown>();
	const width = Math.max(1, Math.min(Math.floor(limit) || 1, count));
	let next = 0;
	const worker = async (): Promise<void> => {
		while (failures.size === 0 && next < count) {
			const index = next++;
			try {
				results[index] = await task(index);
			} catch (error) {
				failures.set(index, error);
			}
		}
	};
	await Promise.all(Array.from({ length: width }, async () => await worker()));
	if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
	return results;
}
