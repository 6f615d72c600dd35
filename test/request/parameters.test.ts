import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { mappedFields } from '../../nodes/AlibabaIdaas/request/mappedField';
import { NodeParameters } from '../../nodes/AlibabaIdaas/request/read';
import { N8nHarness } from '../harness/n8n';

/**
 * NodeParameters against n8n's own getNodeParameter, inside n8n-core's execution code: a probe
 * node reads every parameter both ways for every item, so any difference between the shortcut
 * for mapped fields and n8n's expression engine shows up as a value.
 */

describe('which expressions are fields mapped from the item', () => {
	test.each([
		['={{ $json.username }}', [['username']]],
		['={{$json.username}}', [['username']]],
		['={{ $json.address.city }}', [['address', 'city']]],
		["={{ $json['first name'] }}", [['first name']]],
		['={{ $json["e-mail"].primary }}', [['e-mail', 'primary']]],
	])('%s reads %j', (expression, paths) => {
		expect(mappedFields(expression)?.map((field) => field.path)).toEqual(paths);
	});

	test.each([
		'={{ $json.username + "@acme.com" }}',
		'=Hi {{ $json.name }}',
		'={{ $json.a }}{{ $json.b }}',
		'={{ $json[0] }}',
		'={{ $json.name.toUpperCase() }}',
		"={{ $('HR').item.json.name }}",
		'={{ $json }}',
		'=plain',
	])('%s is left to n8n', (expression) => {
		expect(mappedFields(expression)).toBeUndefined();
	});

	test('a collection is mapped only when every expression in it is', () => {
		expect(
			mappedFields({ a: '={{ $json.a }}', b: 'fixed', c: { d: '={{ $json.d }}' } })?.map(
				(field) => field.at,
			),
		).toEqual([['a'], ['c', 'd']]);
		expect(mappedFields({ a: '={{ $json.a }}', b: '={{ $json.b.trim() }}' })).toBeUndefined();
		expect(mappedFields({ a: 'fixed' })).toBeUndefined();
	});
});

const PARAMETERS: INodeParameters = {
	plain: '={{ $json.v }}',
	nested: '={{ $json.deep.v }}',
	quoted: "={{ $json['first name'] }}",
	locator: { __rl: true, mode: 'id', value: '={{ $json.v }}' },
	collection: { fixed: 'constant', mapped: '={{ $json.v }}', other: '={{ $json.n }}' },
	computed: '={{ String($json.v) + "!" }}',
	constant: 'same for all',
};

/** Input items whose `v` takes every kind of JSON value, and some that are not JSON. */
const VALUES: unknown[] = [
	'text',
	'',
	'  padded  ',
	'with "quotes" and \\',
	'ünïcødé',
	0,
	42,
	-1.5,
	true,
	false,
	null,
	undefined,
	{ an: 'object' },
	['a', 'list'],
];
const ITEMS: IDataObject[] = VALUES.map(
	(v, i) => ({ v, n: i, deep: { v }, 'first name': v }) as IDataObject,
);

interface Probe {
	/** What NodeParameters gave, and what n8n's getNodeParameter gave, per item and parameter. */
	ours: Array<Record<string, unknown>>;
	n8n: Array<Record<string, unknown>>;
	/** How often NodeParameters asked n8n, per parameter. */
	asked: Record<string, number>;
}

/** Every item's parameters through NodeParameters (over a context that counts its calls to n8n) and through n8n. */
function readBothWays(ctx: IExecuteFunctions, probe: Probe, shiftInput: boolean): void {
	const items = ctx.getInputData();
	const counted = Object.create(ctx, {
		getNodeParameter: {
			value: (name: string, itemIndex: number, fallback?: unknown) => {
				probe.asked[name] = (probe.asked[name] ?? 0) + 1;
				return ctx.getNodeParameter(name, itemIndex, fallback);
			},
		},
		getInputData: { value: () => (shiftInput ? [...items.slice(1), items[0]] : items) },
	}) as IExecuteFunctions;
	const parameters = new NodeParameters(counted);
	items.forEach((_, i) => {
		probe.ours.push(
			Object.fromEntries(Object.keys(PARAMETERS).map((name) => [name, parameters.get(name, i)])),
		);
		probe.n8n.push(
			Object.fromEntries(
				Object.keys(PARAMETERS).map((name) => [name, ctx.getNodeParameter(name, i)]),
			),
		);
	});
}

/** A node that reads its parameters through NodeParameters (optionally seeing other input items than n8n does) and through n8n. */
function probeNode(shiftInput = false): { type: INodeType; probe: Probe } {
	const probe: Probe = { ours: [], n8n: [], asked: {} };
	const type: INodeType = {
		description: {
			displayName: 'Probe',
			name: 'probe',
			group: ['transform'],
			version: 1,
			description: 'Reads its parameters two ways',
			defaults: { name: 'Probe' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [
				...['plain', 'nested', 'quoted', 'computed', 'constant'].map((name) => ({
					displayName: name,
					name,
					type: 'string' as const,
					default: '',
				})),
				{
					displayName: 'Locator',
					name: 'locator',
					type: 'resourceLocator',
					default: { mode: 'id', value: '' },
					modes: [{ displayName: 'ID', name: 'id', type: 'string' }],
				},
				{
					displayName: 'Collection',
					name: 'collection',
					type: 'collection',
					default: {},
					options: ['fixed', 'mapped', 'other'].map((name) => ({
						displayName: name,
						name,
						type: 'string' as const,
						default: '',
					})),
				},
			],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			readBothWays(this, probe, shiftInput);
			return [[{ json: {} }]];
		},
	};
	return { type, probe };
}

async function run(shiftInput = false): Promise<Probe> {
	const { type, probe } = probeNode(shiftInput);
	const result = await new N8nHarness({}).execute(type, PARAMETERS, {
		items: ITEMS,
		typeName: 'probe',
	});
	if (result.error) throw result.error;
	return probe;
}

describe('every parameter reads as n8n reads it', () => {
	test('for every kind of value in the mapped field', async () => {
		const probe = await run();
		expect(probe.ours).toHaveLength(VALUES.length);
		expect(probe.ours).toEqual(probe.n8n);
		// Spot checks, so the comparison is not between two empty readings.
		expect(probe.ours[0]).toMatchObject({
			plain: 'text',
			nested: 'text',
			quoted: 'text',
			locator: { value: 'text' },
			collection: { fixed: 'constant', mapped: 'text', other: 0 },
			computed: 'text!',
		});
		expect(probe.ours[6]).toMatchObject({ plain: 42, collection: { mapped: 42, other: 6 } });
		expect(probe.ours[8]).toMatchObject({ plain: true });
	});

	test('mapped fields ask n8n only to check the first item, and for values the shortcut does not take', async () => {
		const probe = await run();
		// null, undefined, an object and a list (4 of the items) go to n8n; the first item is the check.
		for (const name of ['plain', 'nested', 'quoted', 'locator', 'collection'])
			expect(probe.asked[name]).toBe(1 + 4);
		expect(probe.asked.computed).toBe(VALUES.length);
		expect(probe.asked.constant).toBe(1);
	});

	test('when the item it reads is not the one n8n reads, n8n reads every item', async () => {
		const probe = await run(true);
		expect(probe.ours).toEqual(probe.n8n);
		expect(probe.asked.plain).toBe(VALUES.length);
	});
});
