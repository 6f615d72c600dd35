import type { IExecuteFunctions, INodeParameters } from 'n8n-workflow';

/**
 * One execution's node parameters, read the way n8n reads them (getNodeParameter: expressions
 * resolved for the item, defaults filled in), but a parameter without any expression in it is
 * read once for all items: its value cannot differ between them, and n8n's getNodeParameter
 * costs a copy, a resolution pass and a schema check each time. In a 10,000-item run that was a
 * good part of our own CPU per item.
 */

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

export class NodeParameters {
	private readonly constants = new Map<string, unknown>();

	/** The node's stored parameters, as n8n holds them (expressions unresolved). */
	private readonly raw: INodeParameters;

	constructor(private readonly ctx: IExecuteFunctions) {
		this.raw = ctx.getNode().parameters;
	}

	/** A top-level parameter's value for one item; `fallback` when the node does not have it. */
	get(name: string, itemIndex: number, fallback?: unknown): unknown {
		if (!this.constants.has(name)) {
			const value = this.ctx.getNodeParameter(name, itemIndex, fallback);
			if (hasExpression(this.raw[name])) return value;
			this.constants.set(name, value);
		}
		const value = this.constants.get(name);
		// Each item gets its own copy of an object, as from n8n, so no item's output shares one.
		return value !== null && typeof value === 'object' ? structuredClone(value) : value;
	}
}
