/**
 * What `npm start` needs to run a real n8n with this package: the process environment, the package staged into
 * a user folder, free ports, and process-group handling. The end-to-end tests have a TypeScript twin of this in
 * test/e2e/helpers/n8n.ts; the n8n settings themselves are shared with it through n8n-settings.cjs.
 */
import { spawn } from 'node:child_process';
import {
	cpSync,
	existsSync,
	lstatSync,
	mkdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { watchGroup } = require('./reaper.cjs');
const { n8nSettings, disabledModules } = require('./n8n-settings.cjs');

import { cleanEnv, ROOT } from '../n8n.mjs';

export const PACKAGE_NAME = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).name;

/** Env for any n8n process (CLI or server) on one user folder (https://docs.n8n.io/hosting/configuration/environment-variables/). */
export function n8nEnv({ paths, userFolder, encryptionKey, port, brokerPort, extra = {} }) {
	const env = cleanEnv({
		...n8nSettings({
			nodeBinDir: paths.nodeBinDir,
			userFolder,
			encryptionKey,
			port: port ?? 5678,
			brokerPort: brokerPort ?? 5679,
		}),
		...extra,
	});
	// A module list already set (in the shell or in extra) is kept.
	const modules = disabledModules(paths.version);
	if (modules) env.N8N_DISABLED_MODULES = env.N8N_DISABLED_MODULES || modules;
	delete env.NODE_OPTIONS;
	return env;
}

/**
 * Puts the built package where n8n looks for community packages: <userFolder>/.n8n/nodes/node_modules/<name>.
 * It is a copy of package.json + dist (what `npm install` of the published tarball gives), not a symlink to the
 * repo: through a symlink Node would resolve `n8n-workflow` from the repo's devDependencies instead of n8n's own
 * copy. n8n's copy is linked next to the package for the same reason (the user folder may sit inside the repo).
 */
export function stagePackage({ paths, userFolder }) {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const modules = join(nodesDir, 'node_modules');
	const target = join(modules, PACKAGE_NAME);
	if (!existsSync(join(ROOT, 'dist'))) throw new Error('dist/ is missing: run npm run build first');
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	cpSync(join(ROOT, 'package.json'), join(target, 'package.json'));
	cpSync(join(ROOT, 'dist'), join(target, 'dist'), { recursive: true });
	for (const f of ['README.md', 'LICENSE', 'LICENSE.md']) {
		if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(target, f));
	}
	const wf = join(modules, 'n8n-workflow');
	const n8nRequire = createRequire(join(paths.dir, 'node_modules', 'n8n', 'package.json'));
	const own = dirname(n8nRequire.resolve('n8n-workflow/package.json'));
	try {
		if (lstatSync(wf)) rmSync(wf, { recursive: true, force: true });
	} catch {}
	symlinkSync(own, wf, 'dir');
	return target;
}

export function freePort(preferred = 0) {
	return new Promise((resolve) => {
		const srv = createServer();
		srv.unref();
		srv.once('error', () => {
			if (preferred) freePort(0).then(resolve);
			else resolve(0);
		});
		srv.listen(preferred, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/**
 * Spawns in its own process group, so that stop() also ends grandchildren (n8n's task runner, tsx's node). A
 * watchdog (reaper.cjs) ends the group should this process be killed without running stop().
 */
export function spawnGroup(cmd, args, opts) {
	const child = spawn(cmd, args, { ...opts, detached: true });
	if (child.pid) watchGroup(child.pid);
	child.stop = (timeoutMs = 10_000) =>
		new Promise((resolve) => {
			if (child.exitCode !== null || child.signalCode !== null) return resolve();
			const kill = (sig) => {
				try {
					process.kill(-child.pid, sig);
				} catch {}
			};
			const t = setTimeout(() => kill('SIGKILL'), timeoutMs);
			child.once('exit', () => {
				clearTimeout(t);
				// The group may still hold a straggler (the runner); make sure it goes too.
				setTimeout(() => {
					kill('SIGKILL');
					resolve();
				}, 300);
			});
			kill('SIGTERM');
		});
	return child;
}

export async function waitFor(
	fn,
	{ timeoutMs = 120_000, intervalMs = 500, what = 'condition' } = {},
) {
	const t0 = Date.now();
	let last;
	for (;;) {
		try {
			const v = await fn();
			if (v) return v;
		} catch (e) {
			last = e;
		}
		if (Date.now() - t0 > timeoutMs)
			throw new Error(
				`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`,
			);
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}
