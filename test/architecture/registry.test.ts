import { OPERATIONS, operationFor } from '../../nodes/AlibabaIdaas/operations';
import { operationsTable } from '../../scripts/operations-table';

/**
 * The registry is the one list the node reads its operations from: each Resource → Operation pair
 * once (a second entry would never be dispatched to), and each one in the README's table.
 */

const keys = OPERATIONS.map(({ resource, option }) => `${resource}:${option.value}`);

test('each Resource → Operation pair has one entry, and dispatch finds it', () => {
	expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
	for (const entry of OPERATIONS)
		expect(operationFor({ resource: entry.resource, operation: entry.option.value })).toBe(entry);
});

test('an unknown pair gets a run that fails its items, not an entry of another operation', () => {
	expect(OPERATIONS).not.toContain(
		operationFor({ resource: 'user', operation: 'noSuchOperation' }),
	);
});

test('the README table lists every entry', () => {
	const table = operationsTable();
	const missing = OPERATIONS.filter(
		({ api, option }) => !table.includes(api ? `| ${api.apiName} |` : `${option.name}`),
	);
	expect(missing.map(({ resource, option }) => `${resource}:${option.value}`)).toEqual([]);
	for (const entry of OPERATIONS) if (!entry.api) expect(entry.readme).toBeDefined();
});
