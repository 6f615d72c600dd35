import { isoTime, MAX_TIME_MS } from '../../nodes/AlibabaIdaas/output/time';

/** The one time conversion of all three nodes: a time as ISO 8601 UTC, anything else exactly as sent. */

const T = 1_700_000_000_000;
const ISO = '2023-11-14T22:13:20.000Z';

test('reads epoch milliseconds as a number or as digits, and an ISO 8601 date', () => {
	expect(isoTime(T)).toBe(ISO);
	expect(isoTime(String(T))).toBe(ISO);
	expect(isoTime('2023-11-14T23:13:20+01:00')).toBe(ISO);
	expect(isoTime('2023-11-14T22:13:20Z')).toBe(ISO);
	expect(isoTime('2023-11-14')).toBe('2023-11-14T00:00:00.000Z');
	expect(isoTime(1)).toBe('1970-01-01T00:00:00.001Z');
	expect(isoTime(MAX_TIME_MS)).toBe('+275760-09-13T00:00:00.000Z');
});

test('gives back what is not a time exactly as sent', () => {
	const NEVER = Number('9223372036854775807');
	const notTimes = [
		0,
		-1,
		-5,
		NaN,
		Infinity,
		MAX_TIME_MS + 1,
		NEVER,
		'9223372036854775807',
		'',
		' ',
		'soon',
		'12a',
		'May 5',
		null,
		undefined,
		true,
		{},
		[T],
	];
	for (const value of notTimes) expect(isoTime(value)).toBe(value);
});

test("leaves a date and time without an offset as sent: Date.parse would read it in the machine's time zone", () => {
	expect(isoTime('2023-11-14T22:13:20')).toBe('2023-11-14T22:13:20');
});
