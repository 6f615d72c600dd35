/**
 * Throw-away PostgreSQL and Redis servers for the queue-mode end-to-end test, on 127.0.0.1 and free ports, in temp
 * folders that stop() removes. Debian's packages provide them; scripts/ensure-queue-services.sh installs them when
 * missing. PostgreSQL refuses to run as root, so when the test runs as root its cluster belongs to the `postgres`
 * system user (Debian's package creates it) and its commands run through runuser.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { chownSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir, userInfo } from 'os';
import { join } from 'path';

import { freePort, killGroup, ROOT, waitFor } from './n8n';

const { watchGroup } = require('../../../scripts/lib/reaper.cjs') as {
	watchGroup: (pgid: number, owner?: number) => number;
};

interface Binaries {
	pgBin: string;
	redisServer: string;
}

/** Installs the Debian packages when missing (apt-get, once) and says where their binaries are. */
export function ensureQueueServices(): Binaries {
	const r = spawnSync('bash', [join(ROOT, 'scripts', 'ensure-queue-services.sh')], {
		encoding: 'utf8',
	});
	if (r.status !== 0)
		throw new Error(
			`scripts/ensure-queue-services.sh failed (${r.status}):\n${r.stdout}\n${r.stderr}`,
		);
	if (r.stderr) process.stderr.write(r.stderr);
	return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Binaries;
}

/** Servers still running, stopped by the 'exit' handler should the test end without its afterAll. */
const running = new Set<() => void>();
process.once('exit', () => {
	for (const stop of running) stop();
});

export interface Postgres {
	host: string;
	port: number;
	user: string;
	database: string;
	/** Runs one SQL statement with psql; rows as arrays of text columns. */
	query(sql: string): string[][];
	stop(): Promise<void>;
}

export async function startPostgres(bin: Binaries, database = 'n8n'): Promise<Postgres> {
	const dir = mkdtempSync(join(tmpdir(), 'queue-e2e-pg-'));
	const asRoot = userInfo().uid === 0;
	if (asRoot) {
		const id = (flag: string) =>
			Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim() || NaN);
		if (Number.isNaN(id('-u')))
			throw new Error(
				'running as root, but there is no `postgres` user to own the PostgreSQL cluster',
			);
		chownSync(dir, id('-u'), id('-g'));
	}
	/** A command line run as the cluster's owner. */
	const asOwner = (tool: string, args: string[]) =>
		asRoot
			? ['runuser', '-u', 'postgres', '--', join(bin.pgBin, tool), ...args]
			: [join(bin.pgBin, tool), ...args];
	const data = join(dir, 'data');
	const port = await freePort();
	const user = 'n8n';
	// trust on 127.0.0.1 only: the cluster lives for one test run; fsync off, since nothing must survive a crash.
	const [initdb, ...initArgs] = asOwner('initdb', [
		'-D',
		data,
		'-U',
		user,
		'-A',
		'trust',
		'-E',
		'UTF8',
		'--no-sync',
		'--locale=C',
	]);
	const init = spawnSync(initdb, initArgs, { encoding: 'utf8', cwd: dir });
	if (init.status !== 0)
		throw new Error(`initdb failed (${init.status}):\n${init.stdout}\n${init.stderr}`);
	// The server runs in its own process group (not daemonized by pg_ctl), so that the reaper can end it should
	// this process be killed before its afterAll.
	const [server, ...serverArgs] = asOwner('postgres', [
		...[
			'-D',
			data,
			'-p',
			String(port),
			'-k',
			dir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'max_connections=100',
		],
		...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
	]);
	const p = spawn(server, serverArgs, {
		cwd: dir,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	watchGroup(p.pid as number);
	let log = '';
	p.stdout!.on('data', (d) => (log = (log + d).slice(-20_000)));
	p.stderr!.on('data', (d) => (log = (log + d).slice(-20_000)));
	/** For the 'exit' handler; stop() below waits for the server to end. */
	const stop = () => {
		running.delete(stop);
		// SIGQUIT: PostgreSQL's immediate shutdown, for the server and its backends alike.
		killGroup(p.pid, 'SIGQUIT');
		if (process.env.E2E_KEEP_FOLDERS !== '1') rmSync(dir, { recursive: true, force: true });
	};
	running.add(stop);
	await waitFor(
		() => {
			if (p.exitCode !== null) throw new Error(`postgres exited ${p.exitCode}:\n${log}`);
			return /database system is ready to accept connections/.test(log);
		},
		{ timeoutMs: 60_000, intervalMs: 100, what: 'PostgreSQL' },
	);
	const query = (sql: string, db = database): string[][] => {
		const r = spawnSync(
			join(bin.pgBin, 'psql'),
			[
				'-X',
				'-q',
				'-A',
				'-t',
				'-F',
				'\t',
				'-v',
				'ON_ERROR_STOP=1',
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				user,
				'-d',
				db,
				'-c',
				sql,
			],
			{
				encoding: 'utf8',
				maxBuffer: 64 * 1024 * 1024,
			},
		);
		if (r.status !== 0) throw new Error(`psql: ${sql}\n${r.stderr}`);
		return r.stdout
			.split('\n')
			.filter((l) => l !== '')
			.map((l) => l.split('\t'));
	};
	query(`CREATE DATABASE ${database}`, 'postgres');
	return {
		host: '127.0.0.1',
		port,
		user,
		database,
		query,
		stop: async () => {
			running.delete(stop);
			if (p.exitCode === null && p.signalCode === null) {
				const exited = new Promise((res) => p.once('exit', res));
				killGroup(p.pid, 'SIGQUIT');
				await exited;
			}
			killGroup(p.pid, 'SIGKILL');
			if (process.env.E2E_KEEP_FOLDERS !== '1') rmSync(dir, { recursive: true, force: true });
		},
	};
}

export interface Redis {
	host: string;
	port: number;
	stop(): Promise<void>;
}

export async function startRedis(bin: Binaries): Promise<Redis> {
	const dir = mkdtempSync(join(tmpdir(), 'queue-e2e-redis-'));
	const port = await freePort();
	// No persistence: the queue lives as long as the test.
	const p: ChildProcess = spawn(
		bin.redisServer,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
		],
		{
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		},
	);
	let log = '';
	p.stdout!.on('data', (d) => (log = (log + d).slice(-20_000)));
	p.stderr!.on('data', (d) => (log = (log + d).slice(-20_000)));
	watchGroup(p.pid as number);
	const kill = () => {
		running.delete(kill);
		killGroup(p.pid, 'SIGKILL');
	};
	running.add(kill);
	await waitFor(
		() => {
			if (p.exitCode !== null) throw new Error(`redis-server exited ${p.exitCode}:\n${log}`);
			return /Ready to accept connections/.test(log);
		},
		{ timeoutMs: 30_000, intervalMs: 100, what: 'redis-server' },
	);
	return {
		host: '127.0.0.1',
		port,
		stop: async () => {
			if (p.exitCode === null && p.signalCode === null) {
				const exited = new Promise((res) => p.once('exit', res));
				kill();
				await exited;
			}
			running.delete(kill);
			if (process.env.E2E_KEEP_FOLDERS !== '1') rmSync(dir, { recursive: true, force: true });
		},
	};
}
