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

/**
 * Pages 2, 3, … of a pageNumber list, handed out in order: at most `width` are requested and
 * not yet handed out (the page being waited for included). Pages up to `planned` are requested
 * ahead; a page past it only once it is asked for. `take` must be called for pages 2, 3, … in
 * order.
 */
export class ReadAhead<T> {
	private readonly inFlight = new Map<number, Promise<T>>();

	private next = 2;

	constructor(
		private readonly fetch: (pageNumber: number) => Promise<T>,
		private readonly width: number,
	) {}

	async take(pageNumber: number, planned: number): Promise<T> {
		const last = Math.max(planned, pageNumber);
		while (this.next <= last && (this.inFlight.size < this.width || this.next === pageNumber)) {
			const request = this.fetch(this.next);
			// Awaited in take() or settle(); this only keeps a failure from being "unhandled" meanwhile.
			request.catch(() => undefined);
			this.inFlight.set(this.next++, request);
		}
		const request = this.inFlight.get(pageNumber) as Promise<T>;
		this.inFlight.delete(pageNumber);
		return await request;
	}

	async settle(): Promise<void> {
		await Promise.allSettled(this.inFlight.values());
		this.inFlight.clear();
	}
}
