/**
 * Three tiers, as jest projects; `npm test` (plain `jest`) runs all three, as CI does.
 * - unit: no server, no n8n run: pure functions, the catalog, descriptions (`npm run test:unit`).
 * - integration: the emulator over HTTP and n8n-core in process (`npm run test:integration`).
 * - e2e: test/e2e, real n8n, a browser, queue mode (`npm run test:e2e`).
 * A test file is in unit only when listed below, in e2e when under test/e2e; any other file,
 * wherever it is, runs in integration.
 *
 * ts-jest transpiles only (isolatedModules); type checking is `npm run typecheck`, which CI runs
 * before the tests.
 */

/** Test files (or folders) that start no server and run no workflow. */
const UNIT = [
	'test/architecture/layers.test.ts',
	'test/architecture/registry.test.ts',
	'test/catalog/',
	'test/transport/',
	'test/request/build.test.ts',
	'test/request/validation.test.ts',
	'test/reconcile/plan.test.ts',
	'test/events/jose.test.ts',
	'test/fuzz/request.fuzz.test.ts',
	'test/node/description.test.ts',
	'test/output/shapes.test.ts',
	'test/output/time.test.ts',
	'test/scim/auth.test.ts',
	'test/scim/filter.test.ts',
	'test/scim/patch.test.ts',
	'test/scim/routes.test.ts',
	'test/scim/webhooks.test.ts',
	'test/scripts/',
	'test/setup/leakGuard.test.ts',
	'test/trigger/groupState.test.ts',
	'test/trigger/scan.test.ts',
	'test/trigger/userState.test.ts',
];

const E2E = 'test/e2e/';

const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const under = (path) => `<rootDir>/${escape(path)}${path.endsWith('/') ? '' : '$'}`;

/** @type {import('jest').Config} */
const shared = {
	testEnvironment: 'node',
	rootDir: __dirname,
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json', isolatedModules: true }],
	},
	// Keeps n8n-core from writing ~/.n8n/config during tests.
	setupFiles: ['<rootDir>/test/setup/env.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/setup/n8nTeardown.ts'],
	// scripts/newest-n8n-libs.mjs: the same tests against the newest n8n-workflow and n8n-core on the registry,
	// installed outside the package's dependencies. End-to-end files run whole n8n releases instead.
	...(process.env.NEWEST_N8N_LIBS
		? {
				moduleNameMapper: {
					'^(n8n-workflow|n8n-core)(/.*)?$': `${process.env.NEWEST_N8N_LIBS}/$1$2`,
				},
			}
		: {}),
};

/** @type {import('jest').Config} */
module.exports = {
	// A timeout only catches a hang: no verdict may depend on how fast the machine is, so it is long
	// enough for the slowest file on a loaded 2-core machine, and tests set none of their own
	// (test/e2e's files set theirs for n8n's start-ups).
	testTimeout: 15 * 60_000,
	// Fails the run when a secret or token shows up in anything a node produced (leakGuard.ts), in
	// any tier: set up once for the whole run, checked once at its end.
	globalSetup: '<rootDir>/test/setup/globalSetup.ts',
	globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
	projects: [
		{
			...shared,
			displayName: 'unit',
			testMatch: UNIT.map((path) =>
				path.endsWith('/') ? `<rootDir>/${path}**/*.test.ts` : `<rootDir>/${path}`,
			),
		},
		{
			...shared,
			displayName: 'integration',
			testPathIgnorePatterns: ['/node_modules/', under(E2E), ...UNIT.map(under)],
		},
		{ ...shared, displayName: 'e2e', testMatch: [`<rootDir>/${E2E}**/*.test.ts`] },
	].filter((project) => !(process.env.NEWEST_N8N_LIBS && project.displayName === 'e2e')),
};
