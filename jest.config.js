/**
 * One jest run covers every test group. ts-jest transpiles only (isolatedModules); type checking
 * is `npm run typecheck`, which CI runs before the tests.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json', isolatedModules: true }],
	},
	testTimeout: 30000,
	// Keeps n8n-core from writing ~/.n8n/config during tests.
	setupFiles: ['<rootDir>/test/setup/env.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/setup/n8nTeardown.ts'],
	// Fails the run when a secret or token shows up in anything a node produced (leakGuard.ts).
	globalSetup: '<rootDir>/test/setup/globalSetup.ts',
	globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
	// scripts/newest-n8n-libs.mjs: the same tests against the newest n8n-workflow and n8n-core on the registry,
	// installed outside the package's dependencies. End-to-end files run whole n8n releases instead.
	...(process.env.NEWEST_N8N_LIBS
		? {
				moduleNameMapper: { '^(n8n-workflow|n8n-core)(/.*)?$': `${process.env.NEWEST_N8N_LIBS}/$1$2` },
				testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
			}
		: {}),
};
