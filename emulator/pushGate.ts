/**
 * What the emulator's two push hubs (event callbacks in events/hub.ts, SCIM in scim/hub.ts) share:
 * store changes made while a seed loads are not pushed, and a caller can wait until every queued
 * push has been answered.
 */
export class PushGate {
	private quietDepth = 0;
	private waiters: Array<() => void> = [];

	/** True while `quietly` runs (possibly nested). */
	get isQuiet(): boolean {
		return this.quietDepth > 0;
	}

	/** Runs `fn` (seed loading) without pushing. */
	quietly<T>(fn: () => T): T {
		this.quietDepth++;
		try {
			return fn();
		} finally {
			this.quietDepth--;
		}
	}

	/** Resolves when `drained` is called (false after `timeoutMs`); at once if `idle` already. */
	settled(idle: boolean, timeoutMs: number): Promise<boolean> {
		if (idle) return Promise.resolve(true);
		return new Promise((resolve) => {
			const timer = setTimeout(() => resolve(false), timeoutMs);
			this.waiters.push(() => {
				clearTimeout(timer);
				resolve(true);
			});
		});
	}

	/** The hub's queue is empty: every `settled` waiting resolves true. */
	drained(): void {
		for (const resolve of this.waiters.splice(0)) resolve();
	}
}
