import type { INodeProperties } from 'n8n-workflow';

import { CATALOG, RESOURCES } from '../../nodes/AlibabaIdaas/catalog';
import { mapWithConcurrency } from '../../nodes/AlibabaIdaas/transport/concurrency';
import { node } from './support';

const properties = node.description.properties;
const pickers = properties.filter((p) => p.name === 'operation');

test('every catalog operation is in its resource picker with the catalog action label', () => {
	for (const op of CATALOG) {
		const picker = pickers.find((p) => p.displayOptions?.show?.resource?.includes(op.resource));
		const option = (picker?.options as Array<{ value: string; action?: string }>).find((o) => o.value === op.operation);
		expect(option?.action).toBe(op.panelText);
	}
	expect(pickers.map((p) => p.displayOptions?.show?.resource?.[0])).toEqual(RESOURCES.map((r) => r.value));
	for (const p of [...pickers, properties[0]]) expect(p.noDataExpression).toBe(true);
});

test('n8n conventions: Limit, Return All, Simplify, booleans, metadata', () => {
	const desc = node.description;
	expect(desc).toMatchObject({ name: 'alibabaIdaas', usableAsTool: true, credentials: [{ name: 'alibabaIdaasApi', required: true }] });
	expect(desc.icon).toEqual({ light: 'file:alibabaIdaas.svg', dark: 'file:alibabaIdaas.dark.svg' });
	const all = (list: INodeProperties[]): INodeProperties[] =>
		list.flatMap((p) => [p, ...all(((p.options ?? []) as INodeProperties[]).flatMap((o) => ('values' in o ? (o.values as INodeProperties[]) : 'type' in o ? [o] : [])))]);
	const flat = all(properties);
	for (const p of flat.filter((x) => x.name === 'limit')) expect(p).toMatchObject({ default: 50, typeOptions: { minValue: 1 }, description: 'Max number of results to return' });
	for (const p of flat.filter((x) => x.name === 'returnAll')) expect(p.description).toBe('Whether to return all results or only up to a given limit');
	for (const p of flat.filter((x) => x.name === 'simplify')) expect(p).toMatchObject({ default: true, description: 'Whether to return a simplified version of the response instead of the raw data' });
	for (const p of flat.filter((x) => x.type === 'boolean')) expect(p.description).toMatch(/^Whether /);
	const lists = CATALOG.filter((op) => op.pagination).map((op) => `${op.resource}:${op.operation}`);
	const limited = flat.filter((p) => p.name === 'limit').map((p) => `${p.displayOptions?.show?.resource}:${p.displayOptions?.show?.operation}`);
	expect(limited.sort()).toEqual(lists.sort());
	const concurrency = flat.find((p) => p.name === 'concurrency');
	expect(concurrency).toMatchObject({ default: 5, typeOptions: { minValue: 1, maxValue: 50 } });
});

test('user, OU and group fields are resource locators; users also by username and email', () => {
	const locators = properties.filter((p) => p.type === 'resourceLocator');
	expect(new Set(locators.map((p) => p.name))).toEqual(new Set(['userId', 'organizationalUnitId', 'groupId', 'primaryOrganizationalUnitId', 'parentId']));
	const user = locators.find((p) => p.name === 'userId');
	expect(user?.modes?.map((m) => m.name)).toEqual(['list', 'id', 'username', 'email']);
	expect(user?.modes?.[1].validation?.[0]).toMatchObject({ properties: { regex: '^user_[A-Za-z0-9_-]+$' } });
});

test('mapWithConcurrency keeps order, bounds parallelism and reports the first failing item', async () => {
	let running = 0;
	let peak = 0;
	const out = await mapWithConcurrency(20, 3, async (i) => {
		running++;
		peak = Math.max(peak, running);
		await new Promise((r) => setImmediate(r));
		running--;
		return i * 2;
	});
	expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
	expect(peak).toBe(3);
	await expect(
		mapWithConcurrency(10, 4, async (i) => {
			await new Promise((r) => setImmediate(r));
			if (i === 2 || i === 3) throw new Error(`item ${i}`);
			return i;
		}),
	).rejects.toThrow('item 2');
});
