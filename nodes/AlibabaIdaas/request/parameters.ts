import type { IExecuteFunctions, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { JsonPath } from './mappedField';
import { mappedFields, readMapped } from './mappedField';

/**
 * One execution's node parameters, read the way n8n reads them (getNodeParameter: expressions
 * resolved for the item, defaults filled in), with two shortcuts that give the same values:
 * - a parameter without any expression in it is read once for all items: its value cannot
 *   differ between them, and n8n's getNodeParameter costs a copy, a resolution pass and a
 *   schema check each time;
 * - a parameter whose expressions are all fields mapped from the input item (mappedField.ts:
 *   `{{ $json.name }}`, what dragging a field onto the node writes) takes those values from the
 *   item itself. n8n evaluates every expression in a data proxy of its own, the largest part of
 *   an item's CPU in a 10,000-item run; reading `$json.name` needs none of it. The first item's
 *   value is checked against n8n's own reading, and any difference (or a value the shortcut does
 *   not take: missing, null, an object) leaves that parameter to n8n.
 */

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

/** How a parameter is read: once for all items, per item from its mapped fields, or by n8n for each item. */
type Reading =
	| { kind: 'constant'; value: unknown }
	| { kind: 'mapped'; fields: JsonPath[]; checked: boolean }
	| { kind: 'n8n' };

export class NodeParameters {
	private readonly readings = new Map<string, Reading>();

	/** The node's stored parameters, as n8n holds them (expressions unresolved). */
	private readonly raw: INodeParameters;

	private input?: INodeExecutionData[];

	constructor(private readonly ctx: IExecuteFunctions) {
		this.raw = ctx.getNode().parameters;
	}

	/** A top-level parameter's value for one item; `fallback` when the node does not have it. */
	get(name: string, itemIndex: number, fallback?: unknown): unknown {
		let reading = this.readings.get(name);
		if (!reading) {
			const raw = this.raw[name];
			if (!hasExpression(raw)) {
				reading = { kind: 'constant', value: this.ctx.getNodeParameter(name, itemIndex, fallback) };
			} else {
				const fields = mappedFields(raw);
				reading = fields ? { kind: 'mapped', fields, checked: false } : { kind: 'n8n' };
			}
			this.readings.set(name, reading);
		}
		if (reading.kind === 'constant') {
			// Each item gets its own copy of an object, as from n8n, so no item's output shares one.
			const { value } = reading;
			return value !== null && typeof value === 'object' ? structuredClone(value) : value;
		}
		if (reading.kind === 'mapped') {
			this.input ??= this.ctx.getInputData();
			const value = readMapped(this.raw[name], reading.fields, this.input[itemIndex]?.json);
			if (value !== undefined) {
				if (reading.checked) return value;
				const n8n = this.ctx.getNodeParameter(name, itemIndex, fallback);
				if (JSON.stringify(n8n) === JSON.stringify(value)) {
					reading.checked = true;
				} else {
					this.readings.set(name, { kind: 'n8n' });
				}
				return n8n;
			}
		}
		return this.ctx.getNodeParameter(name, itemIndex, fallback);
	}
}
