import type { Emulator } from '../../emulator/server';
import type { Env } from '../harness/emulatorEnv';
import { byId, startEnv } from '../harness/emulatorEnv';
import { CREDENTIAL_ID } from '../harness/n8n';
import { recordSecret } from '../setup/leakGuard';

/**
 * Shared pieces of the fault tests: one emulator and harness per file (test/harness/emulatorEnv.ts),
 * counters printed once per file.
 */

export type { Env } from '../harness/emulatorEnv';
export { byId, fromList, outputs, startEnv } from '../harness/emulatorEnv';

export class FaultCounter {
	faults = 0;
	cases = 0;

	constructor(private readonly file: string) {}

	/** Counts the faults a rule injected, from the emulator's per-status counters. */
	injected(emu: Emulator): void {
		for (const [status, count] of Object.entries(emu.stats.statuses)) {
			if (status === '429' || status.startsWith('5')) this.faults += count;
		}
		this.faults += emu.stats.dropped;
	}

	print(extra = ''): void {
		console.log(
			`${this.file}: ${this.faults} faults injected over ${this.cases} runs${extra ? `; ${extra}` : ''}`,
		);
	}
}

/**
 * A test's own jest timeout when `unlessStalled` judges its hangs: a day, so that only a stalled run fails it, never a
 * slow one (jest needs some number; the longest a timer takes is 2^31-1 ms).
 */
export const PROGRESS_GUARDED = 24 * 60 * 60_000;

/**
 * Waits for `run` however long it takes while it makes progress, and fails it when the emulator receives no request
 * during a whole window of `idleMs` (a hang: a renewal nobody finishes, a slot never freed; it fails within two
 * windows). A loaded machine slows a run down but does not stop its requests for minutes, so the verdict counts
 * requests, not the time the whole run took.
 */
export async function unlessStalled<T>(env: Env, run: Promise<T>, idleMs = 5 * 60_000): Promise<T> {
	let requests = 0;
	const stop = env.emu.faults.onRequest(() => {
		requests++;
	});
	let timer: NodeJS.Timeout | undefined;
	const stalled = new Promise<never>((_, reject) => {
		let seen = 0;
		const check = () => {
			if (requests === seen)
				return reject(
					new Error(`No request reached the emulator for ${idleMs / 1000} s (after ${requests})`),
				);
			seen = requests;
			timer = setTimeout(check, idleMs);
		};
		timer = setTimeout(check, idleMs);
	});
	try {
		return await Promise.race([run, stalled]);
	} finally {
		clearTimeout(timer);
		stop();
	}
}

/** Create User for each input item `{ username }`: in the Sales unit, named after its username; `options` are the node's Options. */
export function createUserPerItem(options?: { concurrency: number }) {
	return {
		resource: 'user',
		operation: 'create',
		username: '={{ $json.username }}',
		primaryOrganizationalUnitId: byId('ou_demosales01'),
		displayName: '={{ $json.username }}',
		additionalFields: {},
		...(options && { options }),
	};
}

/** Users of the emulator with this username (case-insensitive, as IDaaS compares them). */
export function usersNamed(emu: Emulator, username: string) {
	return [...emu.store.users.values()].filter(
		(user) => user.username.toLowerCase() === username.toLowerCase(),
	);
}

export function groupsNamed(emu: Emulator, groupName: string) {
	return [...emu.store.groups.values()].filter(
		(group) => group.groupName.toLowerCase() === groupName.toLowerCase(),
	);
}

/**
 * After `emu.reset()` the harness still holds a token the emulator forgot: hand it a live one, so
 * that the first request of a test is not refused (which would also use up a fault rule meant for it).
 */
export function withLiveToken(env: Env): void {
	env.harness.credentials.setCredential(CREDENTIAL_ID, 'alibabaIdaasApi', {
		...env.harness.storedCredential,
		accessToken: recorded(env.emu.issueAppToken()),
		expiresAt: Math.floor(Date.now() / 1000) + 1200,
	});
}

function recorded(token: string): string {
	recordSecret(token);
	return token;
}

/**
 * The set-up every fault test file shares: one environment for the file, a fresh demo directory
 * and a live token before each test, and the faults each test injected counted and printed.
 * Returns the environment, filled in once `beforeAll` has run.
 */
export function useFaultEnv(label: string): Env {
	const counter = new FaultCounter(label);
	const env = {} as Env;
	beforeAll(async () => {
		Object.assign(env, await startEnv());
	});
	afterAll(async () => {
		counter.print();
		await env.close();
	});
	beforeEach(() => {
		env.emu.reset();
		withLiveToken(env);
	});
	afterEach(() => {
		counter.injected(env.emu);
		counter.cases++;
	});
	return env;
}
