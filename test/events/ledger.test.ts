import type { IDataObject } from 'n8n-workflow';

import { claimNew, clearLedgers, DEFAULT_LIMIT } from '../../nodes/AlibabaIdaasEventTrigger/ledger';

/** The record of event IDs already started: in memory per scope, and in the workflow's static data. */

beforeEach(() => clearLedgers());

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `evt-${from + i}`);
const storedOf = (data: IDataObject) =>
	String(data.seenEventIds ?? '')
		.split(',')
		.filter(Boolean);

describe('claimNew', () => {
	test('returns the IDs not seen before, once, and records them as 12-character hashes', () => {
		const data: IDataObject = {};
		expect([...claimNew('wf/node', data, ['a', 'b', 'a'])]).toEqual(['a', 'b']);
		const stored = storedOf(data);
		expect(stored).toHaveLength(2);
		expect(stored.every((h) => /^[A-Za-z0-9_-]{12}$/.test(h))).toBe(true);
		expect(String(data.seenEventIds)).not.toMatch(/\ba\b|\bb\b/);
		// The same IDs again: nothing new, and the static data is left as it was.
		const before = data.seenEventIds;
		expect([...claimNew('wf/node', data, ['b', 'a'])]).toEqual([]);
		expect(data.seenEventIds).toBe(before);
		expect([...claimNew('wf/node', data, ['c', 'a'])]).toEqual(['c']);
		expect(storedOf(data)).toHaveLength(3);
	});

	test('a request with nothing new does not write the static data at all', () => {
		const writes: string[] = [];
		const data = new Proxy({} as IDataObject, {
			set(target, key, value) {
				writes.push(String(key));
				return Reflect.set(target, key, value);
			},
		});
		claimNew('wf/node', data, ['a']);
		expect(writes).toEqual(['seenEventIds']);
		claimNew('wf/node', data, ['a']);
		claimNew('wf/node', data, []);
		expect(writes).toEqual(['seenEventIds']);
	});

	test('a restarted n8n (memory cleared) still knows the IDs from the static data', () => {
		const data: IDataObject = {};
		claimNew('wf/node', data, ['a', 'b']);
		clearLedgers();
		expect([...claimNew('wf/node', data, ['a', 'b', 'c'])]).toEqual(['c']);
		// And with empty static data after a restart, everything is new.
		clearLedgers();
		expect([...claimNew('wf/node', {}, ['a'])]).toEqual(['a']);
		clearLedgers();
		expect([...claimNew('wf/node', { seenEventIds: '' }, ['a'])]).toEqual(['a']);
		clearLedgers();
		expect([...claimNew('wf/node', { seenEventIds: 42 }, ['a'])]).toEqual(['a']);
	});

	test('concurrent requests reading older static data still see each other, and each save holds the union', () => {
		const first: IDataObject = {};
		const second: IDataObject = {};
		expect([...claimNew('wf/node', first, ['a'])]).toEqual(['a']);
		expect([...claimNew('wf/node', second, ['a', 'b'])]).toEqual(['b']);
		expect(storedOf(second)).toHaveLength(2);
	});

	test('keeps one ledger per scope', () => {
		claimNew('wf1/node', {}, ['a']);
		expect([...claimNew('wf2/node', {}, ['a'])]).toEqual(['a']);
		expect([...claimNew('wf1/node', {}, ['a'])]).toEqual([]);
	});

	test('keeps the newest `limit` IDs, forgetting the oldest first', () => {
		const data: IDataObject = {};
		claimNew('s', data, ids(5), 3);
		expect(storedOf(data)).toHaveLength(3);
		// evt-0 and evt-1 were forgotten, evt-2..4 are kept.
		expect([...claimNew('s', data, ['evt-0', 'evt-2', 'evt-4'], 3)]).toEqual(['evt-0']);
		expect(storedOf(data)).toHaveLength(3);
		// Exactly `limit` stays: nothing forgotten.
		clearLedgers();
		const full: IDataObject = {};
		claimNew('t', full, ids(3), 3);
		expect([...claimNew('t', full, ids(3), 3)]).toEqual([]);
	});

	test('a limit below 1 keeps one', () => {
		const data: IDataObject = {};
		claimNew('s', data, ['a', 'b'], 0);
		expect(storedOf(data)).toHaveLength(1);
		expect([...claimNew('s', data, ['b'], 0)]).toEqual([]);
	});

	test('the default keeps ten thousand', () => {
		expect(DEFAULT_LIMIT).toBe(10_000);
		const data: IDataObject = {};
		claimNew('s', data, ids(10_001));
		expect(storedOf(data)).toHaveLength(10_000);
		expect([...claimNew('s', data, ['evt-0', 'evt-1'])]).toEqual(['evt-0']);
	});

	test('remembers at most 200 scopes in memory, forgetting the oldest', () => {
		claimNew('scope-0', {}, ['a']);
		for (let i = 1; i <= 199; i++) claimNew(`scope-${i}`, {}, ['a']);
		// 200 scopes: scope-0 is still known.
		expect([...claimNew('scope-0', {}, ['a'])]).toEqual([]);
		claimNew('scope-200', {}, ['a']);
		// The 201st pushed out the oldest.
		expect([...claimNew('scope-0', {}, ['a'])]).toEqual(['a']);
		expect([...claimNew('scope-2', {}, ['a'])]).toEqual([]);
	});
});
