import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../../emulator/server';
import { AlibabaIdaas } from '../../nodes/AlibabaIdaas/AlibabaIdaas.node';
import type { ExecuteResult } from '../harness/n8n';
import { N8nHarness } from '../harness/n8n';
import { recordSecret } from '../setup/leakGuard';

/**
 * One emulator (demo seed unless told otherwise) and one harness per test file, over real HTTP.
 * Every secret the tests hand out or see issued is given to the leak guard, which fails the run if
 * one appears in any node output or error.
 */

export const node = new AlibabaIdaas();

export interface Env {
	emu: Emulator;
	harness: N8nHarness;
	run(parameters: INodeParameters, options?: { items?: IDataObject[]; continueOnFail?: boolean }): Promise<ExecuteResult>;
	/** Requests the emulator received for one action (or all, without an argument). */
	requests(action?: string): number;
	/** Successful (200) responses for one action: reset() drops the token, so the first request of a test may be refused and retried. */
	answered(action: string): number;
	close(): Promise<void>;
}

export function credentialData(emu: Emulator) {
	const app = emu.application;
	return {
		region: 'custom',
		customEndpoint: emu.url,
		instanceId: emu.instanceId,
		applicationId: app.applicationId,
		clientId: app.clientId,
		clientSecret: app.clientSecret,
	};
}

export async function startEnv(options: Parameters<typeof startEmulator>[0] = {}): Promise<Env> {
	const emu = await startEmulator({ port: 0, ...options });
	recordSecret(emu.application.clientSecret);
	const harness = new N8nHarness(credentialData(emu));
	return {
		emu,
		harness,
		async run(parameters, runOptions = {}) {
			const result = await harness.execute(node, parameters, runOptions);
			// Tokens the emulator issued so far: none may show up in any output (checked at teardown).
			for (const token of emu.store.tokens.keys()) recordSecret(token);
			return result;
		},
		requests: (action) =>
			action === undefined ? emu.stats.total : (emu.stats.requests[action] ?? 0),
		answered: (action) => emu.stats.byAction[action]?.['200'] ?? 0,
		close: () => emu.close(),
	};
}

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
export const fromList = (value: string) => ({ __rl: true, mode: 'list', value });
export const byUsername = (value: string) => ({ __rl: true, mode: 'username', value });
export const byEmail = (value: string) => ({ __rl: true, mode: 'email', value });

export const json = (result: ExecuteResult) => result.items.map((item) => item.json);
