import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../emulator/server';
import { startEmulator } from '../../emulator/server';
import { AlibabaIdaas } from '../../nodes/AlibabaIdaas/AlibabaIdaas.node';
import type { ExecuteResult } from '../harness/n8n';
import { CREDENTIAL_ID, N8nHarness } from '../harness/n8n';
import { recordSecret } from '../setup/leakGuard';

/** Shared pieces of the fault tests: one emulator and harness per file, counters printed once per file. */

const node = new AlibabaIdaas();

export interface Env {
	emu: Emulator;
	harness: N8nHarness;
	run(parameters: INodeParameters, options?: { items?: IDataObject[]; continueOnFail?: boolean }): Promise<ExecuteResult>;
	close(): Promise<void>;
}

/** An emulator on port 0 and an n8n harness whose credential points at it; every secret goes to the leak guard. */
export async function startEnv(options: Parameters<typeof startEmulator>[0] = {}): Promise<Env> {
	const emu = await startEmulator({ port: 0, ...options });
	const app = emu.application;
	recordSecret(app.clientSecret);
	const harness = new N8nHarness({
		region: 'custom',
		customEndpoint: emu.url,
		instanceId: emu.instanceId,
		applicationId: app.applicationId,
		clientId: app.clientId,
		clientSecret: app.clientSecret,
	});
	return {
		emu,
		harness,
		async run(parameters, runOptions = {}) {
			const result = await harness.execute(node, parameters, runOptions);
			for (const token of emu.store.tokens.keys()) recordSecret(token);
			return result;
		},
		close: () => emu.close(),
	};
}

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
export const fromList = (value: string) => ({ __rl: true, mode: 'list', value });

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
		// eslint-disable-next-line no-console
		console.log(`${this.file}: ${this.faults} faults injected over ${this.cases} runs${extra ? `; ${extra}` : ''}`);
	}
}

export const outputs = (result: ExecuteResult): IDataObject[] => result.items.map((item) => item.json);

/** Users of the emulator with this username (case-insensitive, as IDaaS compares them). */
export function usersNamed(emu: Emulator, username: string) {
	return [...emu.store.users.values()].filter((user) => user.username.toLowerCase() === username.toLowerCase());
}

export function groupsNamed(emu: Emulator, groupName: string) {
	return [...emu.store.groups.values()].filter((group) => group.groupName.toLowerCase() === groupName.toLowerCase());
}

/**
 * After `emu.reset()` the harness still holds a token the emulator forgot: hand it a live one, so
 * that the first request of a test is not refused (which would also use up a fault rule meant for it).
 */
export function withLiveToken(env: Env): void {
	env.harness.credentials.setCredential(CREDENTIAL_ID, 'alibabaIdaasApi', {
		...env.harness.storedCredential,
		accessToken: recorded(env.emu.issueAppToken()),
		accessTokenExpiresAt: Math.floor(Date.now() / 1000) + 1200,
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
