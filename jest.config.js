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
};
