import type { INodeProperties } from 'n8n-workflow';

import { RESOURCES } from '../catalog';
import { CONCURRENCY_CAP } from '../transport/pacing';
import type { DescribedOperation } from './properties';
import { resourceProperties } from './properties';
import { toolDescriptionProperties } from './toolText';

/**
 * The node's fields, all drawn from the registry of operations (operations/index.ts): the tool
 * variant's Tool Description, the Resource picker, each resource's operations and their fields,
 * and the node-wide Options.
 */

/** The operations of each resource, in the order of the Resource picker's source list. */
export function byResource<T extends DescribedOperation>(
	operations: readonly T[],
): Array<{ resource: (typeof RESOURCES)[number]; operations: T[] }> {
	return RESOURCES.map((resource) => ({
		resource,
		operations: operations.filter((op) => op.resource === resource.value),
	}));
}

export function nodeProperties(operations: readonly DescribedOperation[]): INodeProperties[] {
	const grouped = byResource(operations);
	return [
		...toolDescriptionProperties(
			grouped.flatMap(({ operations: ops }) =>
				ops.map(({ resource, option, toolText }) => ({
					resource,
					operation: option.value,
					text: toolText,
				})),
			),
		),
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			// Alphabetical, as n8n's UI guidelines ask (https://docs.n8n.io/integrations/creating-nodes/plan/node-ui-design/#lists).
			options: RESOURCES.map(({ name, value, description }) => ({ name, value, description })).sort(
				(a, b) => a.name.localeCompare(b.name),
			),
			default: 'user',
		},
		...grouped.flatMap(({ resource, operations: ops }) => resourceProperties(resource.value, ops)),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Concurrency',
					name: 'concurrency',
					type: 'number',
					default: 5,
					typeOptions: { minValue: 1, maxValue: CONCURRENCY_CAP, numberPrecision: 0 },
					description: `A fixed number of requests to send at the same time (1-${CONCURRENCY_CAP}), for several input items at once or the pages of one Get Many. Without this option the node finds the number itself: it sends more while IDaaS answers quickly, and fewer when it throttles or slows down. Output order always follows the input.`,
				},
			],
		},
	];
}

/**
 * The canvas line under the node's name, in the words of the pickers ("Create: User", "Add Users:
 * Group", "Create or Update: User"), never the internal values. n8n evaluates it as an expression
 * over $parameter; the labels are written into it as one flat map (no "}}" inside the expression).
 */
export function canvasSubtitle(operations: readonly DescribedOperation[]): string {
	const labels: Record<string, string> = {};
	for (const { resource, operations: ops } of byResource(operations)) {
		for (const { option } of ops)
			labels[`${resource.value}:${option.value}`] = `${option.name}: ${resource.name}`;
	}
	return `={{ (${JSON.stringify(labels)})[$parameter["resource"] + ":" + $parameter["operation"]] || $parameter["operation"] + ": " + $parameter["resource"] }}`;
}
