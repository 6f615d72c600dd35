// @ts-check
/**
 * StrykerJS configuration for `npm run mutation` (scripts/mutation.mjs picks the group through MUTATION_GROUP).
 * Options: https://stryker-mutator.io/docs/stryker-js/configuration/
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

import { GROUPS } from './scripts/mutationGroups.mjs';

const group = GROUPS.find((g) => g.name === process.env.MUTATION_GROUP);
if (!group)
	throw new Error(`MUTATION_GROUP must be one of: ${GROUPS.map((g) => g.name).join(', ')}`);
const tests = group.tests.filter((t) => existsSync(t));
const out = `reports/mutation/${group.name}`;

// jest.config.js holds three projects (unit, integration, e2e): merged with the group's testMatch, jest ran the
// group's file in two of them, each with its own settings, out of reach of what Stryker sets on the top level
// (its test environment, which records per-test coverage). Each mutant run is one flat project instead: the
// settings every tier shares (transform, setup files, environment), taken from the unit project, and the
// group's test files.
const { projects, ...jestGlobal } = createRequire(import.meta.url)('./jest.config.js');
// rootDir stays out: jest.config.js sets it to its own folder, and Stryker reads that file again inside its
// sandbox, where the mutated copy is; this file is read in the worktree, whose code is not mutated.
const { displayName, testMatch, rootDir, ...tier } = projects.find((p) => p.displayName === 'unit');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	testRunner: 'jest',
	jest: {
		projectType: 'custom',
		configFile: 'jest.config.js',
		config: {
			...jestGlobal,
			...tier,
			projects: undefined,
			testMatch: tests.map((t) => `<rootDir>/${t}`),
			// Each mutant is one jest run: leave out what only the whole suite needs (the leak guard's
			// files, n8n-core's shutdown), which costs seconds per run.
			globalSetup: undefined,
			globalTeardown: undefined,
			setupFilesAfterEnv: [],
		},
		enableFindRelatedTests: false,
	},
	// Mutants that do not compile are not counted (a type error is not a test's catch).
	checkers: ['typescript'],
	tsconfigFile: 'tsconfig.json',
	// Each mutant runs only the tests that reached it.
	coverageAnalysis: 'perTest',
	// Two cores, shared: one test runner and one checker by default (MUTATION_CONCURRENCY=2 to go faster).
	concurrency: Number(process.env.MUTATION_CONCURRENCY || 1),
	mutate: group.mutate,
	incremental: true,
	incrementalFile: `${out}/incremental.json`,
	reporters: ['clear-text', 'progress', 'json', 'html'],
	jsonReporter: { fileName: `${out}/mutation.json` },
	htmlReporter: { fileName: `${out}/mutation.html` },
	clearTextReporter: {
		allowColor: false,
		logTests: false,
		reportScoreTable: true,
		reportMutants: true,
	},
	tempDirName: `.stryker-tmp/${group.name}`,
	ignorePatterns: [
		'.stryker-tmp',
		'dist',
		'.sandbox',
		'coverage',
		'bench/results',
		'test/e2e',
		'reports',
		'*.tgz',
	],
	timeoutMS: 10000,
};
