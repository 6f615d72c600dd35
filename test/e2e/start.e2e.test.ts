/**
 * `npm start` as a supervisor or a script treats it: started, used, then stopped by a signal sent to the PID of
 * `npm start` alone (not to its process group, as Ctrl-C in a terminal would). Each signal must stop n8n, its task
 * runner and the emulator and leave no process behind. npm forwards SIGINT and SIGTERM to the shell running the
 * script; the script `exec`s node, so that shell does not die on them and orphan start.mjs.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { recordOutput, recordSecret } from '../setup/leakGuard';
import {
	describeE2E,
	ensureBuilt,
	ensureN8n,
	freePort,
	killGroup,
	ROOT,
	waitFor,
} from './helpers/n8n';

jest.setTimeout(10 * 60_000);

interface Proc {
	pid: number;
	ppid: number;
	args: string;
}

/** The demo application's client secret, as the seed holds it. */
function demoClientSecret(): string {
	const seed = readFileSync(join(ROOT, 'emulator', 'seeds', 'demo.json'), 'utf8');
	const secret = /"clientSecret":\s*"(demo-client-secret-[^"]+)"/.exec(seed)?.[1];
	if (!secret) throw new Error('emulator/seeds/demo.json has no demo application secret');
	return secret;
}

function processes(): Proc[] {
	return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
		.split('\n')
		.filter(Boolean)
		.map((line) => {
			const [, pid, ppid, args] = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line) ?? [];
			return { pid: Number(pid), ppid: Number(ppid), args: args ?? '' };
		});
}

/** `root` and everything below it (detached children keep their parent, so the tree finds them). */
function tree(root: number): Proc[] {
	const all = processes();
	const found = all.filter((p) => p.pid === root);
	for (let i = 0; i < found.length; i++) found.push(...all.filter((p) => p.ppid === found[i].pid));
	return found;
}

const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

async function startAndStop(
	signal: NodeJS.Signals,
): Promise<{ before: Proc[]; survivors: Proc[]; output: string }> {
	const userFolder = mkdtempSync(join(tmpdir(), 'idaas-start-'));
	const env: NodeJS.ProcessEnv = {
		...process.env,
		SKIP_BUILD: '1',
		N8N_START_USER_FOLDER: userFolder,
	};
	delete env.NODE_ENV;
	delete env.NODE_OPTIONS;
	env.N8N_PORT = String(await freePort());
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.IDAAS_EMULATOR_PORT = String(await freePort());
	// detached: a group of its own, so a failed test can clean up; the signal under test goes to the npm PID only.
	const npm: ChildProcess = spawn('npm', ['start', '--silent'], {
		cwd: ROOT,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	npm.stdout!.on('data', (d) => (output += d.toString()));
	npm.stderr!.on('data', (d) => (output += d.toString()));
	try {
		await waitFor(() => /is running \(ready in/.test(output) || npm.exitCode !== null, {
			timeoutMs: 6 * 60_000,
			intervalMs: 500,
			what: 'npm start to be ready',
		});
		if (npm.exitCode !== null) throw new Error(`npm start exited ${npm.exitCode}:\n${output}`);
		const before = tree(npm.pid!);
		process.kill(npm.pid!, signal);
		await waitFor(() => before.every((p) => !alive(p.pid)), {
			timeoutMs: 60_000,
			intervalMs: 500,
			what: 'every process of npm start to exit',
		}).catch(() => undefined);
		return { before, survivors: before.filter((p) => alive(p.pid)), output };
	} finally {
		killGroup(npm.pid);
		for (const p of tree(npm.pid!)) killGroup(p.pid);
		rmSync(userFolder, { recursive: true, force: true });
	}
}

describeE2E('npm start stops on a signal to its PID', () => {
	beforeAll(() => {
		ensureBuilt();
		ensureN8n('2.8.4');
	}, 20 * 60_000);

	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		test(`${signal}: n8n, its task runner and the emulator stop, no process is left`, async () => {
			const { before, survivors, output } = await startAndStop(signal);
			// The banner prints the emulator's demo secret on purpose, on one line, so a person can type a credential
			// by hand; everything else npm start printed goes to the leak guard.
			const secret = demoClientSecret();
			recordSecret(secret); // so the guard knows it when this file runs alone too
			const lines = output.split('\n');
			expect(lines.filter((line) => line.includes(secret))).toEqual([
				expect.stringMatching(/Client Secret .*demo value/),
			]);
			recordOutput(
				`npm start ${signal}`,
				lines.filter((line) => !line.includes(secret)).join('\n'),
			);
			// What was running: npm, start.mjs, the emulator, n8n (its runner comes with the first execution).
			expect(before.some((p) => /scripts\/start\.mjs/.test(p.args))).toBe(true);
			expect(before.some((p) => /emulator\/cli\.ts/.test(p.args))).toBe(true);
			expect(before.some((p) => /n8n\/bin\/n8n start|n8n start/.test(p.args))).toBe(true);
			expect(survivors.map((p) => `${p.pid} ${p.args}`)).toEqual([]);
			expect(output).toMatch(/stopped/);
		});
	}
});
