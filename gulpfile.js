/**
 * Copies what tsc does not into dist/ beside the compiled nodes: the icons, the schemas and the
 * codex files (the files `n8n-node build` copies).
 *
 * The codex's `node` key and its documentation link come from package.json (`name` and
 * `homepage`), so a fork that publishes under another name or repository changes them once
 * there. n8n builds a node's Docs link from `resources.primaryDocumentation` when the node sets
 * no `documentationUrl` (editor-ui NodeSettings), so the link follows `homepage` too.
 */
const { Transform } = require('node:stream');
const { src, dest, parallel } = require('gulp');
const pkg = require('./package.json');

function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

function copySchemas() {
	return src(['nodes/**/__schema__/**/*.json'], { base: '.', allowEmpty: true }).pipe(dest('dist'));
}

/** AlibabaIdaasTrigger.node.json → alibabaIdaasTrigger, the node's `name` by n8n's convention. */
function nodeName(file) {
	const base = file.basename.replace(/\.node\.json$/, '');
	return base.charAt(0).toLowerCase() + base.slice(1);
}

/**
 * n8n 2.8.4's nodes panel shows a search result's description only when the node's codex has a
 * subcategory under "Core Nodes": a search result's subcategory is
 * `codex.subcategories["Core Nodes"][0] ?? "*"`, and NodeItem leaves the description out for "*"
 * (editor-ui src/components/Node/NodeCreator/utils.ts transformNodeType and ItemTypes/NodeItem.vue,
 * https://github.com/n8n-io/n8n/tree/n8n%402.8.4/packages/frontend/editor-ui). The key is read for
 * that alone: "Core Nodes" is not among the node's categories, so the panel does not list it with
 * n8n's core nodes. Later versions show a community node's description in search anyway. The value is
 * one of n8n's own subcategories ("Other Trigger Nodes" for a trigger, "Helpers" otherwise), the only
 * ones n8n's codex-taxonomy check accepts (@n8n/eslint-plugin-community-nodes, valid-codex-categories:
 * https://github.com/n8n-io/n8n/blob/master/packages/%40n8n/eslint-plugin-community-nodes/src/utils/codex-taxonomy.ts).
 */
function withSearchSubcategory(file, subcategories = {}) {
	if (subcategories['Core Nodes']) return subcategories;
	return {
		...subcategories,
		'Core Nodes': [/Trigger\.node\.json$/.test(file.relative) ? 'Other Trigger Nodes' : 'Helpers'],
	};
}

function codexFromPackage() {
	return new Transform({
		objectMode: true,
		transform(file, _encoding, done) {
			const codex = JSON.parse(file.contents.toString());
			if ('node' in codex || codex.resources?.primaryDocumentation) {
				done(
					new Error(
						`${file.relative}: leave out "node" and "primaryDocumentation"; the build sets them from package.json`,
					),
				);
				return;
			}
			const filled = {
				node: `${pkg.name}.${nodeName(file)}`,
				...codex,
				subcategories: withSearchSubcategory(file, codex.subcategories),
				resources: { ...codex.resources, primaryDocumentation: [{ url: pkg.homepage }] },
			};
			file.contents = Buffer.from(JSON.stringify(filled, null, '\t') + '\n');
			done(null, file);
		},
	});
}

function writeCodex() {
	return src(['nodes/**/*.node.json'], { base: '.' }).pipe(codexFromPackage()).pipe(dest('dist'));
}

exports.build = parallel(copyIcons, copySchemas, writeCodex);
exports.default = exports.build;
