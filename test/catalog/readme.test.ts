import { readFileSync } from 'fs';

import { CATALOG } from '../../nodes/AlibabaIdaas/catalog';
import { README, operationsTable, withTable } from '../../scripts/operations-table';

describe('README operation table', () => {
	const readme = readFileSync(README, 'utf8');

	it('is the one generated from the catalog (run npx tsx scripts/operations-table.ts)', () => {
		expect(withTable(readme)).toBe(readme);
	});

	it('has a row for every catalog operation', () => {
		const table = operationsTable();
		for (const op of CATALOG) expect(table).toContain(`| ${op.apiName} |`);
	});
});
