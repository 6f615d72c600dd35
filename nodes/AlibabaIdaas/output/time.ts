/**
 * The one time conversion of every node's items (the IDaaS node's simplified output, the IDaaS
 * Trigger's and the Event Trigger's items): a time becomes ISO 8601 in UTC, which n8n's date
 * handling, Luxon in expressions and spreadsheets read
 * (https://docs.n8n.io/code/cookbook/luxon/); anything that is not a time stays as it was sent.
 */

/**
 * The largest time a JavaScript Date holds, in ms either side of 1970 (ECMA-262 §21.4.1.22,
 * https://tc39.es/ecma262/#sec-time-values-and-time-range). Beyond it toISOString throws a
 * RangeError; Java services write Long.MAX_VALUE (9223372036854775807) for "never".
 */
export const MAX_TIME_MS = 8.64e15;

/**
 * A date, or a date and time with its offset: ECMA-262's date time string format
 * (https://tc39.es/ecma262/#sec-date-time-string-format). A time without an offset is left out,
 * as Date.parse reads it in the machine's time zone.
 */
const ISO_DATE = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d))?$/;

/**
 * A time as ISO 8601 UTC. IDaaS sends epoch milliseconds (a number, or digits as text); a time
 * already written as an ISO 8601 date is normalised to the same form. Other text is not handed to
 * Date.parse, whose reading of non-ISO text is left to each engine (ECMA-262 §21.4.3.2,
 * https://tc39.es/ecma262/#sec-date.parse): V8 reads "May 5" as a date in 2001.
 *
 * Not a time: the value exactly as sent. That covers "never" (-1, 0, Long.MAX_VALUE), blanks, null
 * and text: a workflow sees what IDaaS said instead of a guess, and no field a record had goes
 * missing from the item.
 */
export function isoTime<T>(value: T): T | string {
	const ms =
		typeof value === 'string'
			? /^\d+$/.test(value)
				? Number(value)
				: ISO_DATE.test(value)
					? Date.parse(value)
					: NaN
			: value;
	if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0 || ms > MAX_TIME_MS) return value;
	return new Date(ms).toISOString();
}
