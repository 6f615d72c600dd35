/**
 * n8n's node UI guidelines that its community-nodes lint rules check after the release the package lints with
 * (@n8n/eslint-plugin-community-nodes 0.32.0): on the descriptions as n8n loads them, so lists built from the
 * catalog count too, which a lint rule reading array literals cannot see. docs/verification.md lists the rules.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { AlibabaIdaas } from '../../nodes/AlibabaIdaas/AlibabaIdaas.node';
import { AlibabaIdaasEventTrigger } from '../../nodes/AlibabaIdaasEventTrigger/AlibabaIdaasEventTrigger.node';
import { AlibabaIdaasScimTrigger } from '../../nodes/AlibabaIdaasScimTrigger/AlibabaIdaasScimTrigger.node';
import { AlibabaIdaasTrigger } from '../../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node';

const NODES: Array<[string, INodeTypeDescription]> = [
	['AlibabaIdaas', new AlibabaIdaas().description],
	['AlibabaIdaasTrigger', new AlibabaIdaasTrigger().description],
	['AlibabaIdaasEventTrigger', new AlibabaIdaasEventTrigger().description],
	['AlibabaIdaasScimTrigger', new AlibabaIdaasScimTrigger().description],
];

/** The node panel's top-level categories (https://docs.n8n.io/integrations/creating-nodes/build/reference/node-codex-files/). */
const CATEGORIES = [
	'AI',
	'Analytics',
	'Communication',
	'Core Nodes',
	'Data & Storage',
	'Developer Tools',
	'Development',
	'ECM',
	'Finance & Accounting',
	'HITL',
	'Marketing & Content',
	'Miscellaneous',
	'Productivity',
	'Sales',
	'Utility',
];

/** Every property, with the ones inside collections and fixed collections, and the path to it. */
function* walk(
	properties: INodeProperties[] | undefined,
	at = '',
): Generator<[string, INodeProperties]> {
	for (const p of properties ?? []) {
		yield [`${at}${p.name}`, p];
		if (p.type === 'collection') yield* walk(p.options as INodeProperties[], `${at}${p.name}.`);
		if (p.type === 'fixedCollection')
			for (const group of (p.options ?? []) as Array<{ name: string; values: INodeProperties[] }>)
				yield* walk(group.values, `${at}${p.name}.${group.name}.`);
	}
}

describe.each(NODES)('%s', (file, description) => {
	const properties = [...walk(description.properties)];

	test('every option list reads in alphabetical order (options-sorted-alphabetically)', () => {
		const unsorted = properties
			.filter(
				([, p]) => (p.type === 'options' || p.type === 'multiOptions') && Array.isArray(p.options),
			)
			.map(
				([path, p]) => [path, (p.options as Array<{ name: string }>).map((o) => o.name)] as const,
			)
			.filter(
				([, names]) =>
					names.join('\n') !==
					[...names]
						.sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }))
						.join('\n'),
			);
		expect(unsorted).toEqual([]);
	});

	test('every parameter has a default (require-param-default)', () => {
		expect(properties.filter(([, p]) => !('default' in p)).map(([path]) => path)).toEqual([]);
	});

	test('hints stay under 120 characters (hint-max-length)', () => {
		expect(properties.filter(([, p]) => (p.hint?.length ?? 0) > 120).map(([path]) => path)).toEqual(
			[],
		);
	});

	test('no optional JSON field at the top level (open-ended-node-fields)', () => {
		expect(
			description.properties.filter((p) => p.type === 'json' && !p.required).map((p) => p.name),
		).toEqual([]);
	});

	test("the codex names only the node panel's categories and no subcategory of its own (valid-codex-categories)", () => {
		const codex = JSON.parse(
			readFileSync(join(__dirname, '..', '..', 'nodes', file, `${file}.node.json`), 'utf8'),
		);
		expect(codex.categories.filter((c: string) => !CATEGORIES.includes(c))).toEqual([]);
		expect(codex.subcategories).toBeUndefined();
	});

	test('one credential per node (single-credential-per-node)', () => {
		expect(description.credentials).toHaveLength(1);
	});
});
