/**
 * Prettier, with the settings of n8n's node starter (n8n-io/n8n-nodes-starter `.prettierrc.js`, the same file
 * `n8n-node new` writes into a new package). Options: https://prettier.io/docs/en/options.html
 *
 * `npm run format` writes, `npm run format:check` (in .ci/run) only checks. What it leaves alone: .prettierignore.
 */
module.exports = {
	semi: true,
	trailingComma: 'all',
	bracketSpacing: true,
	useTabs: true,
	tabWidth: 2,
	arrowParens: 'always',
	singleQuote: true,
	quoteProps: 'as-needed',
	endOfLine: 'lf',
	printWidth: 100,
};
