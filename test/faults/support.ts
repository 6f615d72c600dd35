import type { IDataObject } from 'n8n-workflow';

import type { Emulator } from '../../emulator/server';
import type { ExecuteResult } from '../harness/n8n';
import { CREDENTIAL_ID } from '../harness/n8n';
import type { Env } from '../node/support';

/** Shared pieces of the fault tests: counters printed once per file, and small helpers. */

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
		accessToken: env.emu.issueAppToken(),
		accessTokenExpiresAt: Math.floor(Date.now() / 1000) + 1200,
	});
}
