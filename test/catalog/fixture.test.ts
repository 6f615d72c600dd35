import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import { FIXTURE, METADATA_FILES, fixtureFrom, serialize } from '../../scripts/api-fixture';

/**
 * The committed wire facts are the ones the metadata files give. The files are not part of the
 * repo: set IDAAS_API_METADATA to the folder holding them to run this check; without it, it is
 * skipped and the catalog tests use the committed fixture alone.
 */
const folder = process.env.IDAAS_API_METADATA;
const present =
	Boolean(folder) && Object.values(METADATA_FILES).every((file) => existsSync(join(folder!, file)));

(present ? describe : describe.skip)('API fixture', () => {
	it('is what scripts/api-fixture.ts makes from the metadata files (regenerate it if not)', () => {
		expect(readFileSync(FIXTURE, 'utf8')).toBe(serialize(fixtureFrom(folder!)));
	});
});
