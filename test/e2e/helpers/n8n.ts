/**
 * Runs a real n8n (installed by scripts/n8n.mjs into ~/.cache/n8n-nodes-alibaba-idaas/, N8N_SANDBOX_DIR moves it) against this package for the end-to-end tests.
 * Every N8nSandbox has its own mktemp user folder (sqlite DB, encryption key), its own free ports, and is removed
 * by dispose(). Servers listen on 127.0.0.1 only. The JS twin for `npm start` is scripts/lib/n8n-env.mjs; both take
 * n8n's settings from scripts/lib/n8n-settings.cjs.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	symlinkSync,
	utimesSync,
	writeFileSync,
} from 'fs';
import { createServer, AddressInfo } from 'net';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const PACKAGE_NAME: string = JSON.parse(
	readFileSync(join(ROOT, 'package.json'), 'utf8'),
).name;
export const NODE_TYPE = `${PACKAGE_NAME}.alibabaIdaas`;
export const TRIGGER_TYPE = `${PACKAGE_NAME}.alibabaIdaasTrigger`;
export const ARTIFACTS = join(ROOT, 'test', 'e2e', '.artifacts');
export const ENCRYPTION_KEY = 'e2e-test-encryption-key-0123456789';

const { watchGroup } = require('../../../scripts/lib/reaper.cjs') as {
	watchGroup: (pgid: number, owner?: number) => number;
};
/** The n8n settings `npm start` uses too (a .cjs: jest cannot load the ES module scripts/lib/n8n-env.mjs). */
const { n8nSettings, disabledModules } = require('../../../scripts/lib/n8n-settings.cjs') as {
	n8nSettings: (o: {
		nodeBinDir: string;
		userFolder: string;
		encryptionKey: string;
		port: number;
		brokerPort: number;
	}) => NodeJS.ProcessEnv;
	disabledModules: (version: string) => string | undefined;
};

/**
 * Every n8n process (CLI or server) runs in its own process group, registered here until it exits. dispose() and
 * the timeouts kill whole groups (n8n + its task runner); should this process exit without its afterAll hooks, the
 * 'exit' handler kills what is left, and should it be killed hard, the reaper (scripts/lib/reaper.cjs) does.
 */
const liveGroups = new Set<number>();
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
	if (!pid) return;
	try {
		process.kill(-pid, signal);
	} catch {
		/* gone */
	}
}
function trackGroup(p: ChildProcess): void {
	if (!p.pid) return;
	const pid = p.pid;
	liveGroups.add(pid);
	watchGroup(pid);
	p.once('exit', () => {
		liveGroups.delete(pid);
		killGroup(pid); // a task runner that outlived its parent
	});
}
process.once('exit', () => {
	for (const pid of liveGroups) killGroup(pid);
});
/** Process groups still alive (tests assert this is empty after dispose). */
export function liveN8nGroups(): number[] {
	return [...liveGroups];
}

export interface N8nPaths {
	version: string;
	dir: string;
	node: string;
	nodeBinDir: string;
	cli: string;
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	ms: number;
}

/** Env that must not leak into the children: a parent `npm test` exports npm_config_* (ignore-scripts etc.). */
function baseEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_(config|package|lifecycle)_/i.test(k) || k === 'npm_command' || k === 'INIT_CWD')
			continue;
		// jest sets NODE_ENV=test, under which n8n's logger is silent: `execute --rawOutput` would
		// then print nothing at all, not even the run JSON.
		if (
			k === 'NODE_OPTIONS' ||
			k === 'NODE_ENV' ||
			k.startsWith('JEST_') ||
			k === 'N8N_USER_FOLDER'
		)
			continue;
		env[k] = v;
	}
	return env;
}

/** Installs (once; a marker makes later calls instant) and returns where n8n `version` lives. */
export function ensureN8n(version: string): N8nPaths {
	const t0 = Date.now();
	const r = spawnSync(
		process.execPath,
		[join(ROOT, 'scripts', 'n8n.mjs'), 'install', '--version', version],
		{
			cwd: ROOT,
			env: baseEnv(),
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024,
		},
	);
	if (r.status !== 0)
		throw new Error(
			`scripts/n8n.mjs install ${version} failed (${r.status}):\n${r.stderr}\n${r.stdout}`,
		);
	const paths = JSON.parse(r.stdout) as N8nPaths;
	const s = (Date.now() - t0) / 1000;
	if (s > 5) process.stderr.write(`[e2e] n8n ${version} installed in ${s.toFixed(0)} s\n`);
	return paths;
}

/** Newest modification time (ms) of the files `npm run build` reads. */
function newestSource(): number {
	let newest = statSync(join(ROOT, 'package.json')).mtimeMs;
	const walk = (dir: string) => {
		for (const e of readdirSync(dir, { withFileTypes: true })) {
			const p = join(dir, e.name);
			if (e.isDirectory()) walk(p);
			else newest = Math.max(newest, statSync(p).mtimeMs);
		}
	};
	for (const d of ['nodes', 'credentials', 'tsconfig.json']) {
		const p = join(ROOT, d);
		if (!existsSync(p)) continue;
		if (statSync(p).isDirectory()) walk(p);
		else newest = Math.max(newest, statSync(p).mtimeMs);
	}
	return newest;
}

/**
 * Builds dist/ unless it is newer than every source file (npm test does not build by itself). The build starts by
 * deleting dist/, so parallel suites take a lock: one builds, the others wait and then find dist/ fresh instead of
 * copying a half-written one. E2E_SKIP_BUILD=1 uses dist/ as it is.
 */
export function ensureBuilt(): void {
	const stamp = join(ROOT, 'dist', '.e2e-built');
	const fresh = () =>
		existsSync(join(ROOT, 'dist', 'nodes', 'AlibabaIdaas', 'AlibabaIdaas.node.js')) &&
		existsSync(stamp) &&
		statSync(stamp).mtimeMs >= newestSource();
	if (process.env.E2E_SKIP_BUILD === '1' && existsSync(join(ROOT, 'dist'))) return;
	if (fresh()) return;
	const lock = join(artifactsDir(), '.build.lock'); // git-ignored
	const t0 = Date.now();
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch {
			if (Date.now() - t0 > 5 * 60_000)
				rmSync(lock, { recursive: true, force: true }); // its owner died
			else spawnSync('sleep', ['1']);
		}
	}
	try {
		if (fresh()) return;
		const started = Date.now();
		const r = spawnSync('npm', ['run', 'build', '--silent'], {
			cwd: ROOT,
			env: baseEnv(),
			encoding: 'utf8',
		});
		if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
		writeFileSync(stamp, '');
		// Sources saved during the build make the stamp older than them: the next suite builds again.
		utimesSync(stamp, started / 1000, started / 1000);
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

export function freePort(): Promise<number> {
	return new Promise((res, rej) => {
		const srv = createServer();
		srv.once('error', rej);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as AddressInfo;
			srv.close(() => res(port));
		});
	});
}

export async function waitFor<T>(
	fn: () => Promise<T | undefined | false | null> | T | undefined | false | null,
	{ timeoutMs = 60_000, intervalMs = 500, what = 'condition' } = {},
): Promise<T> {
	const t0 = Date.now();
	let last: unknown;
	for (;;) {
		try {
			const v = await fn();
			if (v) return v as T;
		} catch (e) {
			last = e;
		}
		if (Date.now() - t0 > timeoutMs) {
			throw new Error(
				`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
			);
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

/** The run JSON that `n8n execute --rawOutput` prints after its log lines. */
export function parseRunOutput(stdout: string): any {
	// Log lines come first; after the JSON, a failed run prints "Error executing workflow…".
	const start = stdout.startsWith('{\n') ? 0 : stdout.indexOf('\n{\n') + 1;
	if (start === 0 && !stdout.startsWith('{\n'))
		throw new Error(`no run JSON in n8n output:\n${stdout.slice(-4000)}`);
	const end = stdout.indexOf('\n}', start);
	const close = stdout.slice(end).match(/^\n}(\n|$)/) ? end + 2 : stdout.length;
	return JSON.parse(stdout.slice(start, close));
}

/** Items a node produced in a run (first run of the node, output 0). */
export function nodeItems(run: any, nodeName: string, output = 0): any[] {
	const runs = run?.data?.resultData?.runData?.[nodeName];
	if (!runs)
		throw new Error(
			`node "${nodeName}" did not run; ran: ${Object.keys(run?.data?.resultData?.runData ?? {}).join(', ')}`,
		);
	return (runs[0]?.data?.main?.[output] ?? []).map((i: any) => i.json);
}

export class N8nSandbox {
	readonly userFolder: string;
	port = 0;
	brokerPort = 0;
	server?: ChildProcess;
	serverLog = '';
	cookie = '';
	/** Added to every process's environment (e.g. queue mode: the shared database and Redis). */
	extraEnv: NodeJS.ProcessEnv = {};

	private constructor(
		readonly paths: N8nPaths,
		readonly label: string,
	) {
		this.userFolder = mkdtempSync(join(tmpdir(), `n8n-e2e-${label}-`));
	}

	static async create(paths: N8nPaths, label = paths.version): Promise<N8nSandbox> {
		const sb = new N8nSandbox(paths, label.replace(/[^a-z0-9.-]/gi, '_'));
		sb.port = await freePort();
		sb.brokerPort = await freePort();
		while (sb.brokerPort === sb.port) sb.brokerPort = await freePort();
		sb.stagePackage();
		return sb;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = {
			...baseEnv(),
			...n8nSettings({
				nodeBinDir: this.paths.nodeBinDir,
				userFolder: this.userFolder,
				encryptionKey: ENCRYPTION_KEY,
				port: this.port,
				brokerPort: this.brokerPort,
			}),
			...this.extraEnv,
			...extra,
		};
		// Unlike npm start's, this overrides a module list set in extra or in the parent's environment.
		const modules = disabledModules(this.paths.version);
		if (modules) env.N8N_DISABLED_MODULES = modules;
		return env;
	}

	/** package.json + dist copied (not symlinked: see scripts/lib/n8n-env.mjs) into .n8n/nodes/node_modules. */
	private stagePackage(): void {
		const modules = join(this.userFolder, '.n8n', 'nodes', 'node_modules');
		const target = join(modules, PACKAGE_NAME);
		mkdirSync(target, { recursive: true });
		cpSync(join(ROOT, 'package.json'), join(target, 'package.json'));
		cpSync(join(ROOT, 'dist'), join(target, 'dist'), { recursive: true });
		const own = dirname(
			require.resolve('n8n-workflow/package.json', {
				paths: [join(this.paths.dir, 'node_modules', 'n8n')],
			}),
		);
		symlinkSync(own, join(modules, 'n8n-workflow'), 'dir');
	}

	cli(
		args: string[],
		{ timeoutMs = 120_000, env = {} as NodeJS.ProcessEnv } = {},
	): Promise<CliResult> {
		const t0 = Date.now();
		return new Promise((res, rej) => {
			const p = spawn(this.paths.node, [this.paths.cli, ...args], {
				cwd: this.userFolder,
				env: this.env(env),
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true,
			});
			trackGroup(p);
			let stdout = '';
			let stderr = '';
			p.stdout.on('data', (d) => (stdout += d));
			p.stderr.on('data', (d) => (stderr += d));
			const timer = setTimeout(() => {
				killGroup(p.pid);
				rej(
					new Error(`n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`),
				);
			}, timeoutMs);
			p.on('error', rej);
			p.on('close', (code) => {
				clearTimeout(timer);
				res({ code, stdout, stderr, ms: Date.now() - t0 });
			});
		});
	}

	async cliOk(args: string[]): Promise<CliResult> {
		const r = await this.cli(args);
		if (r.code !== 0)
			throw new Error(
				`n8n ${args.join(' ')} exited ${r.code}\n${r.stdout.slice(-6000)}\n${r.stderr.slice(-3000)}`,
			);
		return r;
	}

	private writeTemp(name: string, data: unknown): string {
		const dir = join(this.userFolder, 'e2e-input');
		mkdirSync(dir, { recursive: true });
		const file = join(dir, name);
		writeFileSync(file, JSON.stringify(data, null, 2));
		return file;
	}

	async importCredentials(credentials: unknown[]): Promise<void> {
		await this.cliOk([
			'import:credentials',
			`--input=${this.writeTemp(`credentials-${Date.now()}.json`, credentials)}`,
		]);
	}

	async importWorkflows(workflows: unknown[]): Promise<void> {
		await this.cliOk([
			'import:workflow',
			`--input=${this.writeTemp(`workflows-${Date.now()}.json`, workflows)}`,
		]);
	}

	/** `n8n execute --id --rawOutput`; returns the parsed run and the exit code (1 = a node failed). */
	async execute(id: string): Promise<{ code: number | null; run: any; result: CliResult }> {
		const result = await this.cli(['execute', `--id=${id}`, '--rawOutput']);
		let run: any;
		try {
			run = parseRunOutput(result.stdout);
		} catch {
			throw new Error(
				`execute ${id} exited ${result.code} without run JSON:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`,
			);
		}
		return { code: result.code, run, result };
	}

	async exportCredentialsDecrypted(): Promise<any[]> {
		const out = join(this.userFolder, `export-${Date.now()}.json`);
		await this.cliOk(['export:credentials', '--all', '--decrypted', `--output=${out}`]);
		return JSON.parse(readFileSync(out, 'utf8'));
	}

	async publish(workflowId: string): Promise<void> {
		// 2.x: publish:workflow; update:workflow --active is deprecated there.
		await this.cliOk(['publish:workflow', `--id=${workflowId}`]);
	}

	/**
	 * `n8n start`, or with command 'worker' a queue-mode worker (`args` e.g. --concurrency), which serves no HTTP and
	 * is ready when it logs so, or with 'webhook' a queue-mode webhook processor (production webhooks only).
	 */
	async startServer({
		timeoutMs = 180_000,
		command = 'start' as 'start' | 'worker' | 'webhook',
		args = [] as string[],
	} = {}): Promise<void> {
		const p = spawn(this.paths.node, [this.paths.cli, command, ...args], {
			cwd: this.userFolder,
			env: this.env(),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		trackGroup(p);
		this.server = p;
		// A restart appends to the log: readiness is read from after this line only.
		const mark = `\n[e2e] n8n ${command} spawned (pid ${p.pid})\n`;
		this.serverLog += mark;
		const sinceStart = () => this.serverLog.slice(this.serverLog.lastIndexOf(mark));
		const keep = (d: Buffer) => {
			this.serverLog = (this.serverLog + d.toString()).slice(-200_000);
		};
		p.stdout!.on('data', keep);
		p.stderr!.on('data', keep);
		await waitFor(
			async () => {
				if (p.exitCode !== null)
					throw new Error(`n8n ${command} exited ${p.exitCode}:\n${this.serverLog.slice(-5000)}`);
				if (command === 'worker') return /n8n worker is now ready/.test(sinceStart());
				if (command === 'webhook')
					return (
						/Webhook listener waiting for requests/.test(sinceStart()) &&
						(await fetch(`${this.baseUrl}/healthz`)).ok
					);
				// /healthz answers long before the REST routes and /types exist ("n8n is starting up");
				// the editor line is logged once everything is served.
				return (
					/Editor is now accessible via/.test(sinceStart()) &&
					(await fetch(`${this.baseUrl}/rest/settings`)).ok
				);
			},
			{ timeoutMs, intervalMs: 500, what: `n8n ${command} ${this.paths.version} readiness` },
		).catch((e) => {
			throw new Error(`${e.message}\n--- n8n log ---\n${this.serverLog.slice(-5000)}`);
		});
	}

	/** Creates the owner (fresh folder) and keeps the auth cookie for rest(). */
	async setupOwner(
		owner = {
			email: 'e2e@example.com',
			firstName: 'E2E',
			lastName: 'Owner',
			password: 'E2ePassw0rd!x',
		},
	) {
		const r = await fetch(`${this.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
		});
		if (!r.ok) throw new Error(`owner setup ${r.status}: ${await r.text()}`);
		const setCookie = r.headers.getSetCookie?.() ?? [r.headers.get('set-cookie') ?? ''];
		this.cookie = setCookie
			.map((c) => c.split(';')[0])
			.filter(Boolean)
			.join('; ');
		return owner;
	}

	async rest(path: string, init: RequestInit = {}): Promise<any> {
		const r = await fetch(`${this.baseUrl}${path}`, {
			...init,
			headers: { 'content-type': 'application/json', cookie: this.cookie, ...(init.headers ?? {}) },
		});
		const text = await r.text();
		if (!r.ok)
			throw new Error(`${init.method ?? 'GET'} ${path} → ${r.status}: ${text.slice(0, 500)}`);
		return text ? JSON.parse(text) : undefined;
	}

	async stopServer(): Promise<void> {
		const p = this.server;
		this.server = undefined;
		if (!p || p.exitCode !== null || p.signalCode !== null) return;
		const kill = (sig: NodeJS.Signals) => killGroup(p.pid, sig);
		await new Promise<void>((res) => {
			const t = setTimeout(() => kill('SIGKILL'), 15_000);
			p.once('exit', () => {
				clearTimeout(t);
				res();
			});
			kill('SIGTERM');
		});
		kill('SIGKILL'); // the task runner, should it outlive its parent
	}

	async dispose(): Promise<void> {
		await this.stopServer();
		for (const pid of liveGroups) killGroup(pid); // a CLI run a failed test left behind
		if (process.env.E2E_KEEP_FOLDERS !== '1')
			rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/** Reads an n8n module (e.g. flatted) from the installed n8n, for decoding REST execution data. */
export function requireFromN8n<T = any>(paths: N8nPaths, id: string): T {
	// A path known only at run time, inside the installed n8n.
	return require(require.resolve(id, { paths: [join(paths.dir, 'node_modules', 'n8n')] }));
}

/** Loads a shipped example workflow (examples/<name>.json). */
export function loadExample(name: string): any {
	return JSON.parse(
		readFileSync(join(ROOT, 'examples', name.endsWith('.json') ? name : `${name}.json`), 'utf8'),
	);
}

/**
 * The end-to-end suites need the emulator and both node types in the tree. While one of them has not landed, the
 * suites are skipped with a notice instead of failing everyone's `npm test`.
 */
export function e2eMissing(): string[] {
	const needed = [
		'emulator/server.ts',
		'emulator/seeds/demo.json',
		'nodes/AlibabaIdaas/AlibabaIdaas.node.ts',
		'nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node.ts',
	];
	return needed.filter((f) => !existsSync(join(ROOT, f)));
}

export function describeE2E(name: string, fn: () => void): void {
	const missing = e2eMissing();
	if (missing.length > 0) {
		process.stderr.write(`[e2e] skipping "${name}": not in the tree yet: ${missing.join(', ')}\n`);
		describe.skip(name, fn);
	} else describe(name, fn);
}

export function artifactsDir(): string {
	mkdirSync(ARTIFACTS, { recursive: true });
	return ARTIFACTS;
}
