import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../../emulator/server';
import { AlibabaIdaas } from '../../nodes/AlibabaIdaas/AlibabaIdaas.node';
import { recordSecret } from '../setup/leakGuard';
import type { ExecuteResult } from './n8n';
import { emulatorCredential, N8nHarness } from './n8n';

/**
 * One emulator and one harness whose credential points at it, over real HTTP: the set-up the node
 * and fault tests share (each test file starts its own). Every secret the tests hand out or see
 * issued is given to the leak guard, which fails the run if one appears in any node output or error.
 */

export const node = new AlibabaIdaas();

export interface Env {
	emu: Emulator;
	harness: N8nHarness;
	run(
		parameters: INodeParameters,
		options?: { items?: IDataObject[]; continueOnFail?: boolean },
	): Promise<ExecuteResult>;
	/** Requests the emulator received for one action (or all, without an argument). */
	requests(action?: string): number;
	/** Successful (200) responses for one action: reset() drops the token, so the first request of a test may be refused and retried. */
	answered(action: string): number;
	close(): Promise<void>;
}

/** An emulator on 127.0.0.1 (any free port; demo seed unless told otherwise) and a harness for it. */
export async function startEnv(options: Parameters<typeof startEmulator>[0] = {}): Promise<Env> {
	const emu = await startEmulator({ port: 0, ...options });
	recordSecret(emu.application.clientSecret);
	const harness = new N8nHarness(emulatorCredential(emu));
	return {
		emu,
		harness,
		async run(parameters, runOptions = {}) {
			const result = await harness.execute(node, parameters, runOptions);
			// Tokens the emulator issued so far, and the PAM secrets it holds or handed out (API keys,
			// client secrets, JWTs, outside OAuth tokens, cloud STS keys): none may show up in any
			// output (checked at teardown).
			for (const token of emu.store.tokens.keys()) recordSecret(token);
			for (const secret of emu.store.pam.secretValues()) recordSecret(secret);
			return result;
		},
		requests: (action) =>
			action === undefined ? emu.stats.total : (emu.stats.requests[action] ?? 0),
		answered: (action) => emu.stats.byAction[action]?.['200'] ?? 0,
		close: () => emu.close(),
	};
}

/** Resource locator values, as the editor stores them. */
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
export const fromList = (value: string) => ({ __rl: true, mode: 'list', value });

/** The JSON of every output item. */
export const outputs = (result: ExecuteResult): IDataObject[] =>
	result.items.map((item) => item.json);
