#!/usr/bin/env node
/**
 * `npm run mutation`: StrykerJS over the code that makes decisions, each group of files against the tests that
 * judge it (scripts/mutationGroups.mjs), then the score per file. Not part of `npm test`.
 *
 *   npm run mutation                          every group
 *   npm run mutation -- retry triggerState    some groups (by name, or by a part of a mutated file's path)
 *   npm run mutation -- retry --force         Stryker options after the names: --force re-tests every mutant
 *                                             instead of only those changed since the last run (incremental)
 *   MUTATION_CONCURRENCY=2 npm run mutation   two test runners instead of one
 *
 * Stryker 10 needs Node 22 or later; this runs it on the Node 24 the project installs for n8n 2.41.1
 * (scripts/n8n.mjs; installed on first use). Reports: reports/mutation/<group>/mutation.html and .json.
 * Why each surviving mutant is left: docs/mutation-testing.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { GROUPS } from './mutationGroups.mjs';
import { ROOT, cleanEnv, ensureNode24 } from './n8n.mjs';

const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('-'));
const names = firstOption === -1 ? args : args.slice(0, firstOption);
const strykerArgs = firstOption === -1 ? [] : args.slice(firstOption);

const chosen =
	names.length === 0
		? GROUPS.filter((g) => !g.onlyWhenNamed)
		: GROUPS.filter((g) =>
				names.some(
					(n) => g.name === n || (!g.onlyWhenNamed && g.mutate.some((f) => f.includes(n))),
				),
			);
if (chosen.length === 0) {
	console.error(
		`No group matches ${names.join(' ')}; groups: ${GROUPS.map((g) => g.name).join(', ')}`,
	);
	process.exit(2);
}

const node24 = await ensureNode24();
const stryker = join(ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
let failed = false;
for (const group of chosen) {
	const t0 = Date.now();
	console.log(`\n=== mutation: ${group.name} (${group.mutate.join(', ')})`);
	const run = spawnSync(node24.bin, [stryker, 'run', 'stryker.config.mjs', ...strykerArgs], {
		cwd: ROOT,
		stdio: 'inherit',
		env: cleanEnv({ MUTATION_GROUP: group.name, PATH: `${node24.binDir}:${process.env.PATH}` }),
	});
	console.log(`=== ${group.name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	if (run.status !== 0) failed = true;
}

/** Stryker's own score: killed (or timed out) among the mutants that compiled and ran; https://stryker-mutator.io/docs/mutation-testing-elements/mutant-states-and-metrics/ */
const rows = [];
for (const group of GROUPS) {
	const file = join(ROOT, 'reports', 'mutation', group.name, 'mutation.json');
	if (!existsSync(file)) continue;
	const report = JSON.parse(readFileSync(file, 'utf8'));
	for (const [path, { mutants }] of Object.entries(report.files)) {
		const count = (...states) => mutants.filter((m) => states.includes(m.status)).length;
		const caught = count('Killed', 'Timeout');
		const valid = caught + count('Survived', 'NoCoverage');
		rows.push({
			group: group.name,
			file: relative(ROOT, join(ROOT, path)),
			killed: count('Killed'),
			survived: count('Survived'),
			'no coverage': count('NoCoverage'),
			timeout: count('Timeout'),
			score: valid === 0 ? '-' : `${((100 * caught) / valid).toFixed(1)}%`,
		});
	}
}
console.log('\nMutation score per file (latest run of each group):');
console.table(rows);
process.exit(failed ? 1 : 0);
