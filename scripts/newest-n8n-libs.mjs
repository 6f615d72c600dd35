#!/usr/bin/env node
/**
 * Runs the unit and integration tests against the newest n8n-workflow and n8n-core on the npm registry, beside
 * the pinned pair in devDependencies (the oldest line the package supports). n8n 3 is Docker-only, but its
 * libraries may still reach the registry; when a 3.x (or a newer 2.x) appears, this picks it up with no edit.
 *
 *   node scripts/newest-n8n-libs.mjs [jest args…]     e.g. test/request test/harness
 *   node scripts/newest-n8n-libs.mjs --print           only say which versions it would use
 *
 * The pair is installed into the cache folder (`<sandbox>/n8n-libs-<core>-<workflow>/`), never into the package's
 * dependencies, and jest maps `n8n-workflow` and `n8n-core` there (NEWEST_N8N_LIBS in jest.config.js). The newest n8n-core
 * names the n8n-workflow it was built with; that one is used, so the two always match. End-to-end files are left
 * out (jest.config.js): they run whole n8n releases (scripts/n8n.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, SANDBOX, cleanEnv, ensureNode24 } from './n8n.mjs';

function npmView(spec, field) {
	const r = spawnSync('npm', ['view', spec, field, '--json'], {
		encoding: 'utf8',
		env: cleanEnv(),
	});
	if (r.status !== 0) throw new Error(`npm view ${spec} ${field} failed:\n${r.stderr}`);
	return JSON.parse(r.stdout);
}

/** Highest version by semver order of major.minor.patch; prereleases are skipped. */
function newest(versions) {
	const parse = (v) => v.split('.').map(Number);
	return versions
		.filter((v) => /^\d+\.\d+\.\d+$/.test(v))
		.sort((a, b) => {
			const [x, y] = [parse(a), parse(b)];
			return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
		})
		.pop();
}

const core = newest(npmView('n8n-core', 'versions'));
const workflow = npmView(`n8n-core@${core}`, 'dependencies')['n8n-workflow'];
const pinned = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies;
console.error(
	`[newest-n8n-libs] n8n-core ${core} with n8n-workflow ${workflow} (pinned: ${pinned['n8n-core']}, ${pinned['n8n-workflow']})`,
);
if (process.argv.includes('--print')) process.exit(0);

const dir = join(SANDBOX, `n8n-libs-${core}-${workflow}`);
const modules = join(dir, 'node_modules');
if (!existsSync(join(dir, '.installed'))) {
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true }) + '\n');
	const r = spawnSync(
		'npm',
		[
			'install',
			'--no-audit',
			'--no-fund',
			'--ignore-scripts',
			`n8n-core@${core}`,
			`n8n-workflow@${workflow}`,
		],
		{
			cwd: dir,
			env: cleanEnv(),
			stdio: 'inherit',
		},
	);
	if (r.status !== 0) process.exit(r.status ?? 1);
	writeFileSync(join(dir, '.installed'), `${core} ${workflow}\n`);
}

// When n8n-core declares a Node engine newer than the one running this, the tests run on Node 24 (scripts/n8n.mjs).
const engines =
	JSON.parse(readFileSync(join(modules, 'n8n-core', 'package.json'), 'utf8')).engines?.node ?? '';
const major = Number(/(\d+)/.exec(engines)?.[1] ?? 0);
const node =
	major > Number(process.versions.node.split('.')[0])
		? (await ensureNode24()).bin
		: process.execPath;

const args = process.argv.slice(2);
const jest = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const r = spawnSync(node, [jest, ...args], {
	cwd: ROOT,
	env: { ...cleanEnv(), NEWEST_N8N_LIBS: modules },
	stdio: 'inherit',
});
process.exit(r.status ?? 1);
