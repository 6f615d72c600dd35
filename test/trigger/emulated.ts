import { randomBytes } from 'crypto';

import { Indexes } from '../../emulator/indexes';
import { startEmulator, type Emulator } from '../../emulator/server';
import type { SeedData, UserRecord } from '../../emulator/types';
import { emulatorCredential, N8nHarness } from '../harness/n8n';
import { recordSecret } from '../setup/leakGuard';

/**
 * The trigger's tests run against the shared emulator (emulator/). This file only adds what the
 * trigger's tests need on top: a small seed of their own (an empty root OU and one application
 * that sees the whole tree), IDs drawn from the test's seed so that a replayed seed builds the
 * same directory, shorthand for creating users and OUs straight in the store, and the credential.
 * Everything else (changes, faults, counters) the tests do through the emulator's own API.
 */

export const INSTANCE = 'idaas_trigger01';
export const APPLICATION = 'app_trigger01';
export const ROOT_OU = 'ou_triggerroot01';

const ID_CHARS = '0123456789abcdefghijklmnopqrstuvwxyz';

export function triggerSeed(clientSecret: string): SeedData {
	return {
		instanceId: INSTANCE,
		rootOrganizationalUnit: {
			organizationalUnitId: ROOT_OU,
			organizationalUnitName: 'Trigger Org',
		},
		applications: [{ applicationId: APPLICATION, clientSecret }],
	};
}

/** Starts an emulator on 127.0.0.1, any free port, holding the trigger's seed. */
export async function startTriggerEmulator(): Promise<Emulator> {
	const clientSecret = `cs-trigger-${randomBytes(12).toString('hex')}`;
	recordSecret(clientSecret);
	return await startEmulator({ host: '127.0.0.1', port: 0, seed: triggerSeed(clientSecret) });
}

/** The harness credential for the trigger's emulator (the same as every emulator-backed test's). */
export { emulatorCredential as credentialOf } from '../harness/n8n';

/** Hands every token the emulator has issued so far to the leak guard (each once). */
export function tokenRecorder(emu: Emulator): () => void {
	const recorded = new Set<string>();
	return () => {
		for (const token of emu.store.tokens.keys()) {
			if (recorded.has(token)) continue;
			recorded.add(token);
			recordSecret(token);
		}
	};
}

/**
 * Users and OUs with IDs of the real shape (`user_` + 26 base-36 characters) drawn from a seed:
 * the emulator's own IDs are random, which would make a replayed seed build another directory.
 */
export class Directory {
	private counter = 0;
	private state: number;

	constructor(
		readonly emu: Emulator,
		seed = 1,
	) {
		this.state = (seed ^ 0x9e3779b9) >>> 0;
	}

	get store() {
		return this.emu.store;
	}

	newId(prefix: 'user_' | 'ou_' | 'group_'): string {
		let id = prefix;
		for (let i = 0; i < 26; i++) {
			this.state = (Math.imul(this.state ^ (this.state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
			id += ID_CHARS[(this.state >>> 8) % 36];
		}
		return id;
	}

	addOu(parentId = ROOT_OU): string {
		const n = ++this.counter;
		return this.store.createOu({
			organizationalUnitId: this.newId('ou_'),
			organizationalUnitName: `Unit ${n}`,
			parentId,
		}).organizationalUnitId;
	}

	addUser(
		ou = ROOT_OU,
		extra: { status?: 'enabled' | 'disabled'; password?: string } = {},
	): UserRecord {
		const n = ++this.counter;
		return this.store.createUser({
			userId: this.newId('user_'),
			username: `u${n}`,
			displayName: `User ${n}`,
			email: `u${n}@example.com`,
			emailVerified: true,
			primaryOrganizationalUnitId: ou,
			...extra,
		});
	}

	/** A group of the real ID shape, in the trigger application's provisioning scope (as the API's CreateGroup puts it). */
	addGroup(members: readonly string[] = []): string {
		const n = ++this.counter;
		const group = this.store.createGroup({
			groupId: this.newId('group_'),
			groupName: `Group ${n}`,
		});
		this.store.applications.get(APPLICATION)!.provisioningScope.groupIds.push(group.groupId);
		if (members.length > 0) this.store.addUsersToGroup(group.groupId, members);
		return group.groupId;
	}

	/**
	 * An OU moved under another parent. The Developer API has no call for it (the console and
	 * directory sync do it), so the emulator's store has none either: this moves it in the
	 * store's tree and name index, as the console would.
	 */
	moveOu(ouId: string, parentId: string): void {
		const ou = this.store.ou(ouId);
		this.store.ou(parentId);
		if (ouId === parentId || this.store.ancestorIds(parentId).includes(ouId))
			throw new Error(`cannot move ${ouId} below itself`);
		const name = ou.organizationalUnitName;
		this.store.idx.ouName.move(`${ou.parentId}|${name}`, `${parentId}|${name}`, ouId, name);
		this.store.idx.childrenOf.get(ou.parentId)?.delete(ouId);
		Indexes.bucket(this.store.idx.childrenOf, parentId).add(ouId);
		ou.parentId = parentId;
		ou.updateTime = this.store.now();
		// What the store's own changes do (its scoped listings are cached per version).
		(this.store as unknown as { version: number }).version++;
	}

	/** Something the trigger cannot see field by field (a custom field): only updateTime moves. */
	touch(userId: string): void {
		this.store.patchUser(userId, {
			customFields: [
				{ fieldName: 'costCenter', fieldValue: `cc-${++this.counter}`, operation: 'replace' },
			],
		});
	}
}

/**
 * The emulator a trigger test file shares across its tests: started before them and closed after;
 * after each test its faults are cleared and its tokens handed to the leak guard; before each, it
 * is reset to the seed (which lifts a page cap) with a fresh harness.
 */
export function useTriggerEmulator(): { readonly emu: Emulator; readonly harness: N8nHarness } {
	let emu: Emulator | undefined;
	let harness: N8nHarness | undefined;
	let recordTokens = () => {};
	beforeAll(async () => {
		emu = await startTriggerEmulator();
		recordTokens = tokenRecorder(emu);
	});
	afterAll(async () => {
		recordTokens();
		await emu?.close();
	});
	beforeEach(() => {
		emu!.reset();
		harness = new N8nHarness(emulatorCredential(emu!));
	});
	afterEach(() => {
		emu!.faults.clear();
		recordTokens();
	});
	return {
		get emu() {
			return emu!;
		},
		get harness() {
			return harness!;
		},
	};
}
