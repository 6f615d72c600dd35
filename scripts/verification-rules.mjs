#!/usr/bin/env node
/**
 * n8n's verification checks, at their newest release, on this package and on its packed tarball. One command for the
 * next rule change:
 *
 *   npm run build && node scripts/verification-rules.mjs
 *   node scripts/verification-rules.mjs --scanner-dir <dir> --plugin-dir <dir>   copies built from an unreleased commit
 *
 * The newest @n8n/scan-community-package and @n8n/eslint-plugin-community-nodes on the npm registry are installed
 * into the cache folder (`<sandbox>/verification-rules/<scanner>-<plugin>/`), never into the package's dependencies;
 * `--scanner-dir` / `--plugin-dir` name package folders to use instead (each with its own node_modules).
 *
 * Three stages, each printed with its findings:
 *   1. scanner   the scanner's own ESLint passes, as n8n runs them: the source (package.json, nodes/, credentials/)
 *                and every .js and package.json of the unpacked tarball (analyzePackage, as test/package/scan.mjs).
 *   2. all rules every rule of the newest community-nodes plugin at "error", recommended or not, on the source
 *                (so a rule n8n adds to `recommended` later is already met).
 *   3. YARA      the scanner's YARA stage (GuardDog rules) on the unpacked tarball, when the scanner has one
 *                (scanner/yara.mjs); a scanner without it says so.
 * Exit code 1 when a stage finds something, 2 when a stage could not run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ROOT, SANDBOX, cleanEnv } from './n8n.mjs';

const SCANNER = '@n8n/scan-community-package';
const PLUGIN = '@n8n/eslint-plugin-community-nodes';

function option(name) {
	const i = process.argv.indexOf(name);
	return i === -1 ? undefined : resolve(process.argv[i + 1]);
}

function latest(name) {
	const r = spawnSync('npm', ['view', name, 'version'], { encoding: 'utf8', env: cleanEnv() });
	if (r.status !== 0) throw new Error(`npm view ${name} version failed:\n${r.stderr}`);
	return r.stdout.trim();
}

/** The scanner and plugin folders: given on the command line, or the newest releases installed into the cache. */
function packages() {
	let scannerDir = option('--scanner-dir');
	let pluginDir = option('--plugin-dir');
	if (scannerDir && pluginDir) return { scannerDir, pluginDir };
	const scannerVersion = latest(SCANNER);
	const pluginVersion = latest(PLUGIN);
	const dir = join(SANDBOX, 'verification-rules', `${scannerVersion}-${pluginVersion}`);
	if (!existsSync(join(dir, '.installed'))) {
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true }) + '\n');
		// The plugin at the top level, newest; the scanner keeps the plugin release it pins under its own folder.
		const specs = [
			`${SCANNER}@${scannerVersion}`,
			`${PLUGIN}@${pluginVersion}`,
			'eslint@9.29.0',
			'@typescript-eslint/parser@^8.35.0',
		];
		const r = spawnSync(
			'npm',
			['install', '--no-audit', '--no-fund', '--ignore-scripts', ...specs],
			{ cwd: dir, env: cleanEnv(), stdio: 'inherit' },
		);
		if (r.status !== 0) process.exit(2);
		writeFileSync(join(dir, '.installed'), specs.join('\n') + '\n');
	}
	scannerDir ??= join(dir, 'node_modules', SCANNER);
	pluginDir ??= join(dir, 'node_modules', PLUGIN);
	return { scannerDir, pluginDir };
}

const version = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
const importFrom = (dir, file) => import(pathToFileURL(join(dir, file)).href);

/** `npm pack` of the built package, unpacked: what npm would publish. */
function packed(work) {
	if (!existsSync(join(ROOT, 'dist'))) throw new Error('no dist/: run `npm run build` first');
	const [info] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
			cwd: ROOT,
			encoding: 'utf8',
			env: cleanEnv(),
		}),
	);
	const unpacked = join(work, 'unpacked');
	mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', join(work, info.filename), '-C', unpacked, '--strip-components=1']);
	return { tarball: info.filename, unpacked };
}

function report(stage, findings) {
	console.log(
		`\n== ${stage}: ${findings.length === 0 ? 'no findings' : `${findings.length} finding(s)`}`,
	);
	for (const f of findings) console.log(`  ${f}`);
	return findings.length;
}

const eslintMessages = (results, root) =>
	results.flatMap((r) =>
		r.messages.map(
			(m) =>
				`${r.filePath.replace(root + '/', '')}:${m.line ?? 0}  ${m.ruleId ?? 'parse'}  ${m.message}`,
		),
	);

const { scannerDir, pluginDir } = packages();
const work = mkdtempSync(join(tmpdir(), 'idaas-verification-'));
let found = 0;
let failed = false;
try {
	const { tarball, unpacked } = packed(work);
	console.log(`scanner ${SCANNER} ${version(scannerDir)} (${scannerDir})`);
	console.log(`plugin  ${PLUGIN} ${version(pluginDir)} (${pluginDir})`);
	console.log(`tarball ${tarball}`);

	// 1. The scanner's passes. It makes a temp folder when it loads: keep that inside `work`.
	process.env.TMPDIR = work;
	const scanner = await importFrom(scannerDir, 'scanner/scanner.mjs');
	const source = await scanner.analyzePackage(ROOT, scanner.SOURCE_FILE_PATTERNS);
	const shipped = await scanner.analyzePackage(unpacked, ['**/*.js', 'package.json']);
	const details = (r) =>
		r.passed ? [] : (r.details ?? r.message ?? 'failed').split('\n').filter(Boolean);
	found += report('1. scanner, source', details(source));
	found += report('1. scanner, tarball', details(shipped));

	// 2. Every rule of the plugin at "error", on the source, with the eslint the scanner brings.
	const scannerRequire = createRequire(join(scannerDir, 'package.json'));
	const { ESLint } = await import(pathToFileURL(scannerRequire.resolve('eslint')).href);
	const parserModule = await import(
		pathToFileURL(scannerRequire.resolve('@typescript-eslint/parser')).href
	);
	const parser = parserModule.default ?? parserModule;
	const plugin = (
		await importFrom(
			pluginDir,
			JSON.parse(readFileSync(join(pluginDir, 'package.json'), 'utf8')).main,
		)
	).default;
	const rules = Object.fromEntries(
		Object.keys(plugin.rules).map((name) => [`@n8n/community-nodes/${name}`, 'error']),
	);
	const eslint = new ESLint({
		cwd: ROOT,
		overrideConfigFile: true,
		allowInlineConfig: false,
		overrideConfig: [
			{
				files: ['**/*.ts', '**/*.json'],
				languageOptions: { parser },
				plugins: { '@n8n/community-nodes': plugin },
				rules,
			},
		],
	});
	const all = await eslint.lintFiles(['package.json', 'nodes/**/*.ts', 'credentials/**/*.ts']);
	found += report(
		`2. all ${Object.keys(rules).length} plugin rules, source`,
		eslintMessages(all, ROOT),
	);

	// 3. YARA, when this scanner has the stage.
	if (existsSync(join(scannerDir, 'scanner', 'yara.mjs'))) {
		const { runYaraRules } = await importFrom(scannerDir, 'scanner/yara.mjs');
		const yara = await runYaraRules(unpacked);
		found += report(
			'3. YARA (GuardDog rules), tarball',
			yara.findings.map((f) => `${f.file}:${f.line}  ${f.rule}  ${f.message}`),
		);
	} else {
		console.log(
			`\n== 3. YARA: not run: ${SCANNER} ${version(scannerDir)} has no YARA stage (no scanner/yara.mjs)`,
		);
	}
} catch (error) {
	console.error(error.stack ?? String(error));
	failed = true;
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 2 : found ? 1 : 0);
