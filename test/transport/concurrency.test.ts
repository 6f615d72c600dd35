import { ReadAhead, mapWithConcurrency } from '../../nodes/AlibabaIdaas/transport/concurrency';
import { Limiter } from '../../nodes/AlibabaIdaas/transport/pacing';
import { inTurn } from './inTurn';

/** A request the test answers by hand, and a log of when each one started. */
function manualFetch() {
	const started: number[] = [];
	const pending = new Map<
		number,
		{ resolve: (value: string) => void; reject: (error: Error) => void }
	>();
	let inFlight = 0;
	let maxInFlight = 0;
	const fetch = async (page: number) => {
		started.push(page);
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		try {
			return await new Promise<string>((resolve, reject) => pending.set(page, { resolve, reject }));
		} finally {
			inFlight--;
		}
	};
	const answer = (page: number) => pending.get(page)!.resolve(`page ${page}`);
	return {
		fetch,
		started,
		answer,
		pending,
		get maxInFlight() {
			return maxInFlight;
		},
	};
}

const tick = async () => await new Promise((resolve) => setImmediate(resolve));

describe('ReadAhead', () => {
	test('requests up to `width` pages at once and hands them out in page order', async () => {
		const requests = manualFetch();
		const window = new ReadAhead(requests.fetch, 3);
		const got: string[] = [];
		const consumer = (async () => {
			for (let page = 2; page <= 7; page++) got.push(await window.take(page, 7));
		})();
		await tick();
		expect(requests.started).toEqual([2, 3, 4]);
		// Page 4 answers first: it waits until pages 2 and 3 are out.
		requests.answer(4);
		await tick();
		expect(got).toEqual([]);
		requests.answer(2);
		await tick();
		expect(got).toEqual(['page 2']);
		expect(requests.started).toEqual([2, 3, 4, 5]);
		for (const page of [3, 5, 6, 7]) {
			requests.answer(page);
			await tick();
		}
		await consumer;
		expect(got).toEqual(['page 2', 'page 3', 'page 4', 'page 5', 'page 6', 'page 7']);
		expect(requests.started).toEqual([2, 3, 4, 5, 6, 7]);
		expect(requests.maxInFlight).toBe(3);
	});

	test('pages past the planned ones are requested only when asked for', async () => {
		const requests = manualFetch();
		const window = new ReadAhead(requests.fetch, 5);
		const second = window.take(2, 3);
		await tick();
		expect(requests.started).toEqual([2, 3]);
		requests.answer(2);
		await expect(second).resolves.toBe('page 2');
		requests.answer(3);
		await expect(window.take(3, 3)).resolves.toBe('page 3');
		// The directory grew: page 4 was not planned, so it starts now, alone.
		const fourth = window.take(4, 3);
		await tick();
		expect(requests.started).toEqual([2, 3, 4]);
		requests.answer(4);
		await expect(fourth).resolves.toBe('page 4');
	});

	test('width 1 is one page after the other', async () => {
		const requests = manualFetch();
		const window = new ReadAhead(requests.fetch, 1);
		const second = window.take(2, 10);
		await tick();
		expect(requests.started).toEqual([2]);
		requests.answer(2);
		await second;
		await tick();
		expect(requests.started).toEqual([2]);
	});

	test('a failed page fails its take; settle() waits for the pages still running', async () => {
		const requests = manualFetch();
		const window = new ReadAhead(requests.fetch, 3);
		const second = window.take(2, 10);
		await tick();
		requests.pending.get(2)!.reject(new Error('page 2 failed'));
		await expect(second).rejects.toThrow('page 2 failed');
		let settled = false;
		const settling = window.settle().then(() => (settled = true));
		await tick();
		expect(settled).toBe(false); // pages 3 and 4 are still out
		requests.answer(3);
		requests.pending.get(4)!.reject(new Error('page 4 failed'));
		await settling;
		expect(settled).toBe(true);
	});
});

describe('Limiter', () => {
	test('runs at most `max` tasks at once, first come first served', async () => {
		const limiter = new Limiter(2);
		const requests = manualFetch();
		const results = [1, 2, 3, 4, 5].map(
			async (n) => await inTurn(limiter, async () => await requests.fetch(n)),
		);
		await tick();
		expect(requests.started).toEqual([1, 2]);
		requests.answer(2);
		await tick();
		expect(requests.started).toEqual([1, 2, 3]);
		for (const n of [1, 3, 4, 5]) {
			requests.answer(n);
			await tick();
		}
		await expect(Promise.all(results)).resolves.toEqual([
			'page 1',
			'page 2',
			'page 3',
			'page 4',
			'page 5',
		]);
		expect(requests.started).toEqual([1, 2, 3, 4, 5]);
		expect(requests.maxInFlight).toBe(2);
	});

	test('a failing task frees its slot', async () => {
		const limiter = new Limiter(1);
		await expect(
			inTurn(limiter, async () => await Promise.reject(new Error('boom'))),
		).rejects.toThrow('boom');
		await expect(inTurn(limiter, async () => await Promise.resolve('next'))).resolves.toBe('next');
	});
});

describe('mapWithConcurrency', () => {
	test('keeps item order and throws the lowest failing index', async () => {
		await expect(
			mapWithConcurrency(5, 2, async (i) => await Promise.resolve(i * 10)),
		).resolves.toEqual([0, 10, 20, 30, 40]);
		await expect(
			mapWithConcurrency(6, 3, async (i) => {
				await tick();
				if (i === 4 || i === 1) throw new Error(`item ${i}`);
				return i;
			}),
		).rejects.toThrow('item 1');
	});
});
