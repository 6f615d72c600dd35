import type { IDataObject } from 'n8n-workflow';

/**
 * Fields mapped from the input item: the expression n8n's editor writes when a field of the
 * input is dragged onto a parameter, `{{ $json.name }}`, `{{ $json.address.city }}` or
 * `{{ $json['first name'] }}` (https://docs.n8n.io/data/data-mapping/data-mapping-ui/).
 * In a node's parameter `$json` is the current input item's JSON (n8n-workflow's
 * WorkflowDataProxy, "short syntax": connectionInputData[itemIndex].json), so such an
 * expression's value is that item's own property, read here without n8n's expression engine.
 * Only a string, a finite number or a boolean is taken; for anything else the caller asks n8n.
 */

/** One mapped field in a parameter: where its expression sits in the parameter, and the item property it reads. */
export interface JsonPath {
	at: Array<string | number>;
	path: string[];
}

const WHOLE = /^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*|\['[^'\\]*'\]|\["[^"\\]*"\])+)\s*\}\}$/;
const SEGMENT = /\.([A-Za-z_$][\w$]*)|\['([^'\\]*)'\]|\["([^"\\]*)"\]/g;

function pathOf(expression: string): string[] | undefined {
	const match = WHOLE.exec(expression);
	if (!match) return undefined;
	return Array.from(
		match[1].matchAll(SEGMENT),
		(segment) => segment[1] ?? segment[2] ?? segment[3],
	);
}

/** Every expression in a stored parameter value as a mapped field, or undefined when any expression is something else. */
export function mappedFields(raw: unknown): JsonPath[] | undefined {
	const fields: JsonPath[] = [];
	const walk = (value: unknown, at: Array<string | number>): boolean => {
		if (typeof value === 'string') {
			if (!value.startsWith('=')) return true;
			const path = pathOf(value);
			if (path) fields.push({ at, path });
			return path !== undefined;
		}
		if (Array.isArray(value)) return value.every((entry, i) => walk(entry, [...at, i]));
		if (value !== null && typeof value === 'object')
			return Object.entries(value).every(([key, entry]) => walk(entry, [...at, key]));
		return true;
	};
	return walk(raw, []) && fields.length > 0 ? fields : undefined;
}

function property(json: IDataObject | undefined, path: string[]): unknown {
	let value: unknown = json;
	for (const key of path) {
		// Own properties of plain data only: `$json.constructor` and the like stay n8n's to judge.
		if (
			value === null ||
			typeof value !== 'object' ||
			!Object.prototype.hasOwnProperty.call(value, key)
		)
			return undefined;
		value = (value as IDataObject)[key];
	}
	return value;
}

function isTaken(value: unknown): value is string | number | boolean {
	return (
		typeof value === 'string' ||
		typeof value === 'boolean' ||
		(typeof value === 'number' && Number.isFinite(value))
	);
}

/** The parameter's value with its mapped fields read from the item's JSON; undefined when one of them is not taken. */
export function readMapped(
	raw: unknown,
	fields: JsonPath[],
	json: IDataObject | undefined,
): unknown {
	const values = fields.map(({ path }) => property(json, path));
	if (!values.every(isTaken)) return undefined;
	if (fields.length === 1 && fields[0].at.length === 0) return values[0];
	const copy = structuredClone(raw) as IDataObject;
	fields.forEach(({ at }, i) => {
		let parent: IDataObject = copy;
		for (const key of at.slice(0, -1)) parent = parent[key] as IDataObject;
		parent[at[at.length - 1]] = values[i];
	});
	return copy;
}
