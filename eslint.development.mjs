/**
 * ESLint for the development code: test/, emulator/, scripts/ and bench/ each have an eslint.config.mjs that
 * re-exports this. None of it ships (package.json `files`) or runs inside n8n.
 *
 * The package code (nodes/, credentials/, package.json) is linted by the root eslint.config.mjs, n8n's own
 * config unchanged: `n8n-node lint` in strict mode refuses any other root config
 * (https://github.com/n8n-io/n8n/blob/master/packages/%40n8n/node-cli/src/commands/lint.ts). `npm run lint` sets
 * ESLINT_FLAGS=unstable_config_lookup_from_file (ESLint 9.29; `v10_config_lookup_from_file` from 9.30, the default
 * from ESLint 10), so each file is linted by the nearest eslint.config.* above it:
 * https://eslint.org/docs/latest/use/configure/configuration-files#experimental-configuration-file-resolution
 *
 * This is n8n's config without the rules for code that runs inside n8n (the community-node rules: no Node.js
 * built-ins or globals, no console, NodeApiError, no literal secrets; the node and credential conventions), and
 * with what development code does on purpose allowed.
 */
import { config } from '@n8n/node-cli/eslint';

const PACKAGE_RULE = /^(@n8n\/community-nodes|n8n-nodes-base)\//;

const withoutPackageRules = (block) =>
	block.rules
		? {
				...block,
				rules: Object.fromEntries(
					Object.entries(block.rules).filter(([rule]) => !PACKAGE_RULE.test(rule)),
				),
			}
		: block;

export default [
	...config.map(withoutPackageRules),
	{
		files: ['**/*.ts'],
		rules: {
			// Scripts, benchmarks and the emulator's command line print their results.
			'no-console': 'off',
			// Tests reach into n8n's internals and build partial doubles of its types.
			'@typescript-eslint/no-explicit-any': 'off',
			// Tests and benchmarks load built files, released versions and n8n's own copies of modules by path.
			'@typescript-eslint/no-require-imports': 'off',
		},
	},
];
