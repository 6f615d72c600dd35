/**
 * Loads every file the package's `n8n` block lists the way n8n's package loader does: require the file
 * and instantiate the class named after it (AlibabaIdaas.node.js → AlibabaIdaas). Run with `node` from
 * inside an installed copy, so that only what is installed there (the package and n8n-workflow) can be
 * resolved. Prints, per file, the type name it declares and the codex beside it.
 *
 *   node load.cjs <installed package dir>
 */
const { existsSync, readFileSync } = require('node:fs');
const { basename, join } = require('node:path');

const dir = process.argv[2];
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

const loaded = [];
for (const kind of ['nodes', 'credentials']) {
	for (const file of pkg.n8n[kind] ?? []) {
		const path = join(dir, file);
		const className = basename(file).split('.')[0];
		const Type = require(path)[className];
		if (typeof Type !== 'function') throw new Error(`${file} does not export a class ${className}`);
		const instance = new Type();
		const codexPath = path.replace(/\.js$/, '.json');
		loaded.push({
			file,
			kind,
			name: kind === 'nodes' ? instance.description.name : instance.name,
			codex: existsSync(codexPath) ? JSON.parse(readFileSync(codexPath, 'utf8')) : undefined,
		});
	}
}
process.stdout.write(JSON.stringify(loaded));
