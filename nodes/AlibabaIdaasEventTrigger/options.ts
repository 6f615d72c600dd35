import type { IDataObject } from 'n8n-workflow';

import { EventRejected } from './jose';
import { DEFAULT_LIMIT } from './ledger';

/**
 * The trigger's number options, checked before anything of a request is read. An expression
 * can give any value: "60s" is NaN, and a NaN or huge skew would make every expiry check pass,
 * a NaN ledger size would forget every event ID. A bad value refuses the delivery (500: IDaaS
 * retries, so nothing is lost once the option is fixed) and n8n's log names the option.
 */

export const MAX_CLOCK_SKEW = 600;
export const MIN_REMEMBERED = 100;
/** Each ID takes 13 characters of the workflow's static data: the most is 13 MB. */
export const MAX_REMEMBERED = 1_000_000;

export interface TriggerOptions {
	skewSeconds: number;
	rememberedEvents: number;
	requireEncryption: boolean;
	includePasswords: boolean;
}

/** A number, or decimal digits as text (an expression's result); anything else is NaN. */
function numberOf(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
	return NaN;
}

function bounded(
	options: IDataObject,
	name: string,
	label: string,
	fallback: number,
	min: number,
	max: number,
	integer: boolean,
): number {
	const raw = options[name] ?? fallback;
	const value = numberOf(raw);
	if (
		!Number.isFinite(value) ||
		value < min ||
		value > max ||
		(integer && !Number.isInteger(value))
	) {
		const what = integer
			? `a whole number from ${min} to ${max}`
			: `a number from ${min} to ${max}`;
		throw new EventRejected(
			`The option ${label} must be ${what}, not ${String(JSON.stringify(raw)).slice(0, 40)}`,
			500,
		);
	}
	return value;
}

export function readOptions(options: IDataObject): TriggerOptions {
	return {
		skewSeconds: bounded(
			options,
			'clockSkew',
			'Clock Skew (Seconds)',
			60,
			0,
			MAX_CLOCK_SKEW,
			false,
		),
		rememberedEvents: bounded(
			options,
			'rememberedEvents',
			'Remembered Event IDs',
			DEFAULT_LIMIT,
			MIN_REMEMBERED,
			MAX_REMEMBERED,
			true,
		),
		requireEncryption: options.requireEncryption === true,
		includePasswords: options.includePasswords === true,
	};
}
