#!/usr/bin/env node
/**
 * `npm start`: a real n8n with this package, talking to the local IDaaS emulator.
 *
 *  1. npm run build                       (SKIP_BUILD=1 skips it)
 *  2. n8n installed into the n8n cache     (N8N_VERSION=2.8.4 default, or 2.41.1 on Node 24; scripts/n8n.mjs)
 *  3. the emulator with the demo org on 127.0.0.1:8787 (IDAAS_EMULATOR_PORT; a free port if taken)
 *  4. user folder .sandbox/user-<version>/ (N8N_START_USER_FOLDER moves it) with a fixed encryption key; the
 *     package copied into .n8n/nodes
 *  5. a credential for the emulator and the example workflows imported (only when they changed)
 *  6. `n8n start` on 127.0.0.1:5678 (N8N_PORT), owner account set up headlessly, editor URL + login printed
 *
 * Ctrl-C (or SIGTERM) stops n8n, its task runner and the emulator.
 * To point this n8n at a real tenant instead, open the editor, edit the "Alibaba IDaaS (local emulator)"
 * credential (or add a new one) and pick the region + instance/application/client values of your tenant.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	createWriteStream,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';

import { ensureN8n, DEFAULT_VERSION, ROOT, SANDBOX } from './n8n.mjs';
import {
	freePort,
	n8nEnv,
	PACKAGE_NAME,
	spawnGroup,
	stagePackage,
	waitFor,
} from './lib/n8n-env.mjs';
import { CREDENTIAL_ID, CREDENTIAL_NAME, demoCredential } from './lib/demo.mjs';
import sandboxExamples from './lib/sandbox-examples.cjs';

const { forSandbox } = sandboxExamples;

const T0 = Date.now();
const say = (...a) => console.log(`[start +${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...a);

export const OWNER = {
	email: process.env.N8N_OWNER_EMAIL || 'owner@example.com',
	password: process.env.N8N_OWNER_PASSWORD || 'IdaasDemo-Passw0rd',
	firstName: 'IDaaS',
	lastName: 'Demo',
};
const ENCRYPTION_KEY =
	process.env.N8N_ENCRYPTION_KEY || 'n8n-nodes-alibaba-idaas-local-dev-key-0001';

const children = [];
let stopping = false;
async function stopAll(code = 0) {
	if (stopping) return;
	stopping = true;
	say('stopping…');
	for (const c of children.reverse()) await c.stop();
	say('stopped');
	process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function sh(cmd, args, opts = {}) {
	const t = Date.now();
	const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
	return (Date.now() - t) / 1000;
}

function runN8nCli(paths, env, args) {
	const r = spawnSync(paths.node, [paths.cli, ...args], {
		env,
		encoding: 'utf8',
		cwd: env.N8N_USER_FOLDER,
	});
	if (r.status !== 0)
		throw new Error(`n8n ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
	return r.stdout;
}

async function startEmulator() {
	const wanted = Number(process.env.IDAAS_EMULATOR_PORT || 8787);
	const port = await freePort(wanted);
	if (port !== wanted) say(`port ${wanted} is taken; the emulator uses ${port}`);
	const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
	const child = spawnGroup(
		tsx,
		[join(ROOT, 'emulator', 'cli.ts'), '--port', String(port), '--host', '127.0.0.1'],
		{
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	children.push(child);
	const logs = [];
	const keep = (d) => logs.push(d.toString());
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	const url = `http://127.0.0.1:${port}`;
	await waitFor(
		async () => {
			if (child.exitCode !== null)
				throw new Error(`emulator exited ${child.exitCode}:\n${logs.join('')}`);
			const r = await fetch(`${url}/__emulator/stats`);
			return r.ok;
		},
		{ timeoutMs: 30_000, intervalMs: 250, what: 'the emulator' },
	);
	return { url, child };
}

async function setupOwner(base) {
	const res = await fetch(`${base}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	if (res.ok) return 'created';
	// Already set up on an earlier start: log in to prove the printed password works.
	const login = await fetch(`${base}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			emailOrLdapLoginId: OWNER.email,
			email: OWNER.email,
			password: OWNER.password,
		}),
	});
	if (login.ok) return 'exists';
	throw new Error(
		`owner setup answered ${res.status} and login ${login.status}: ${await login.text()}`,
	);
}

async function main() {
	const version = process.env.N8N_VERSION || DEFAULT_VERSION;
	if (process.env.SKIP_BUILD !== '1') {
		say('npm run build');
		const s = sh('npm', ['run', 'build', '--silent']);
		say(`built in ${s.toFixed(1)} s`);
	}
	say(`n8n ${version}: checking the install in ${SANDBOX}`);
	const paths = await ensureN8n(version);
	say(`n8n ${version} ready (${paths.node})`);

	const emu = await startEmulator();
	say(`emulator on ${emu.url}`);

	const userFolder = process.env.N8N_START_USER_FOLDER
		? resolve(process.env.N8N_START_USER_FOLDER)
		: join(ROOT, '.sandbox', `user-${version}`);
	mkdirSync(userFolder, { recursive: true });
	const port = await freePort(Number(process.env.N8N_PORT || 5678));
	const brokerPort = await freePort(Number(process.env.N8N_RUNNERS_BROKER_PORT || 5679));
	const env = n8nEnv({ paths, userFolder, encryptionKey: ENCRYPTION_KEY, port, brokerPort });
	stagePackage({ paths, userFolder });

	// Credential + examples: imported again only when they (or the emulator URL) changed.
	const credential = demoCredential(emu.url);
	const importDir = join(userFolder, 'import');
	mkdirSync(join(importDir, 'workflows'), { recursive: true });
	writeFileSync(join(importDir, 'credentials.json'), JSON.stringify([credential], null, 2));
	const examplesDir = join(ROOT, 'examples');
	const examples = existsSync(examplesDir)
		? readdirSync(examplesDir)
				.filter((f) => f.endsWith('.json'))
				.sort()
		: [];
	const hash = createHash('sha256').update(JSON.stringify(credential));
	const disabledSteps = [];
	for (const f of examples) {
		const { workflow, disabled } = forSandbox(
			JSON.parse(readFileSync(join(examplesDir, f), 'utf8')),
			credential.type,
		);
		const text = JSON.stringify(workflow, null, 2);
		hash.update(f).update(text);
		writeFileSync(join(importDir, 'workflows', f), text);
		disabledSteps.push(...disabled.map((name) => `${f}: ${name}`));
	}
	const digest = hash.digest('hex');
	const stamp = join(userFolder, '.imported');
	if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest) {
		say('importing the emulator credential…');
		runN8nCli(paths, env, ['import:credentials', `--input=${join(importDir, 'credentials.json')}`]);
		if (examples.length) {
			say(`importing ${examples.length} example workflows…`);
			runN8nCli(paths, env, [
				'import:workflow',
				'--separate',
				`--input=${join(importDir, 'workflows')}`,
			]);
		}
		writeFileSync(stamp, digest);
	} else say('credential and examples unchanged since the last start');

	say(`n8n start on 127.0.0.1:${port}`);
	const n8n = spawnGroup(paths.node, [paths.cli, 'start'], {
		env,
		cwd: userFolder,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	children.push(n8n);
	const logFile = join(userFolder, 'n8n.log');
	const log = createWriteStream(logFile);
	n8n.stdout.pipe(log);
	n8n.stderr.pipe(log);
	let recent = '';
	const tail = (d) => {
		recent = (recent + d.toString()).slice(-20000);
	};
	n8n.stdout.on('data', tail);
	n8n.stderr.on('data', tail);
	if (process.env.N8N_START_VERBOSE === '1') {
		n8n.stdout.pipe(process.stdout);
		n8n.stderr.pipe(process.stderr);
	}
	n8n.on('exit', (code) => {
		if (!stopping) {
			console.error(`n8n exited (${code}); see ${logFile}`);
			stopAll(1);
		}
	});
	const base = `http://127.0.0.1:${port}`;
	// /healthz answers long before the REST routes and /types exist; the editor line comes once all is served.
	await waitFor(
		async () =>
			/Editor is now accessible via/.test(recent) && (await fetch(`${base}/rest/settings`)).ok,
		{
			timeoutMs: 180_000,
			what: `n8n to be ready (log: ${logFile})`,
		},
	);
	const loadErrors = recent
		.split('\n')
		.filter((l) => l.includes(PACKAGE_NAME) && /error|cannot/i.test(l));
	if (loadErrors.length)
		console.error(`n8n reported problems loading the package:\n${loadErrors.join('\n')}`);
	const owner = await setupOwner(base);

	console.log(`
  n8n ${version} with n8n-nodes-alibaba-idaas is running (ready in ${((Date.now() - T0) / 1000).toFixed(1)} s)

    Editor:    ${base}/
    Email:     ${OWNER.email}
    Password:  ${OWNER.password}      (owner ${owner === 'created' ? 'created now' : 'from an earlier start'})

    Emulator:  ${emu.url}   (demo org; state: ${emu.url}/__emulator/state)
    Credential "${CREDENTIAL_NAME}" (${CREDENTIAL_ID}) points at the emulator. To build one by hand
    (demo values): Region "Custom Endpoint", Endpoint URL ${emu.url}, Instance ID ${credential.data.instanceId},
    Application ID ${credential.data.applicationId}, Client ID ${credential.data.clientId},
    Client Secret ${credential.data.clientSecret}   (the emulator's demo value, emulator/seeds/demo.json; not a real secret)
    Examples:  ${examples.length ? examples.join(', ') : '(none)'}${
			disabledSteps.length
				? `\n               disabled until you add their credentials: ${disabledSteps.join('; ')}`
				: ''
		}
    n8n log:   ${logFile}

  Press Ctrl-C to stop n8n and the emulator.
`);
}

main().catch(async (e) => {
	console.error(e.stack || String(e));
	await stopAll(1);
});
