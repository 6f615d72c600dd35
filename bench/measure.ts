/** Wall time and peak memory of one benchmark job, measured in this process. */
export interface Measurement {
	ms: number;
	/** Highest resident set size seen during the job, minus the RSS before it (MiB). */
	peakRssDeltaMb: number;
	/** Highest V8 heap use seen during the job (MiB). */
	peakHeapMb: number;
	/**
	 * Highest V8 heap use seen during the job, minus the heap in use before it (MiB). Unlike the
	 * resident set, it does not depend on what earlier jobs left the process holding: freed memory
	 * that the allocator keeps (page buffers, in particular) is reused by the next job without
	 * growing the resident set, so a job run after a larger one can show no RSS growth at all.
	 */
	peakHeapDeltaMb: number;
	/** CPU time this process spent on the job, user plus system (ms): the client's own cost. */
	cpuMs: number;
}

export async function measure<T>(
	job: () => Promise<T>,
): Promise<{ result: T; measurement: Measurement }> {
	if (global.gc) global.gc();
	const before = process.memoryUsage();
	let peakRss = before.rss;
	let peakHeap = before.heapUsed;
	const sample = () => {
		const now = process.memoryUsage();
		peakRss = Math.max(peakRss, now.rss);
		peakHeap = Math.max(peakHeap, now.heapUsed);
	};
	const timer = setInterval(sample, 25);
	const started = performance.now();
	const cpuBefore = process.cpuUsage();
	try {
		const result = await job();
		sample();
		const cpu = process.cpuUsage(cpuBefore);
		return {
			result,
			measurement: {
				ms: performance.now() - started,
				peakRssDeltaMb: (peakRss - before.rss) / 2 ** 20,
				peakHeapMb: peakHeap / 2 ** 20,
				peakHeapDeltaMb: (peakHeap - before.heapUsed) / 2 ** 20,
				cpuMs: (cpu.user + cpu.system) / 1000,
			},
		};
	} finally {
		clearInterval(timer);
	}
}

export function table(headers: string[], rows: Array<Array<string | number>>): string {
	const cells = [headers, ...rows.map((row) => row.map(String))];
	const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
	const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
	return [
		line(headers),
		`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
		...cells.slice(1).map(line),
	].join('\n');
}
