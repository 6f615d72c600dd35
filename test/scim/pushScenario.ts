import { SWITCH_VALUES, type ScimPushInput, type Switches } from '../../emulator/scim/config';
import type { Emulator } from '../../emulator/server';

/**
 * One push scenario for any SCIM target: the demo organisation's one-click push, a round of
 * directory changes, the same full push again. The target reports what it saw as change lines
 * (`user.created push.a`, `group.memberAdded Push Group push.a`, one per user or member changed),
 * so the recording server and the SCIM Trigger are held to the same expectations.
 */

export type Mode = 'bearer' | 'client_credentials';

export interface TargetUnderTest {
	url: string;
	auth(mode: Mode, switches: Switches): ScimPushInput['auth'];
	reset(): void;
	/** The changes seen since the last call. */
	take(): string[];
	/** userName → active. */
	users(): Record<string, boolean>;
	/** Group name → its members' userNames, sorted. */
	groups(): Record<string, string[]>;
}

/**
 * Every combination of the switches that shape the request sequence, with those that cannot matter under the others
 * held at their first value; the content type and the auth mode, which change no request's order or body, take
 * turns across them (each value in half of the combinations).
 */
export function combinations(): Array<{ name: string; switches: Switches; mode: Mode }> {
	const shaping = Object.entries(SWITCH_VALUES).filter(([name]) => name !== 'contentType');
	let all: Array<Record<string, unknown>> = [{}];
	for (const [name, values] of shaping)
		all = all.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
	const seen = new Map<string, Switches>();
	for (const c of all as unknown as Switches[]) {
		const patches =
			c.update === 'patch' ||
			c.deactivate === 'patch' ||
			c.delete === 'deactivate' ||
			(c.groups && c.groupMembers === 'patch');
		const effective = {
			...c,
			patchOps: patches ? c.patchOps : 'lower',
			patchStyle: patches ? c.patchStyle : 'paths',
			groupMembers: c.groups ? c.groupMembers : 'patch',
			memberRemoval: c.groups && c.groupMembers === 'patch' ? c.memberRemoval : 'valueList',
		} as Switches;
		seen.set(JSON.stringify(effective), effective);
	}
	return [...seen.values()].map((c, i) => {
		const switches: Switches = { ...c, contentType: SWITCH_VALUES.contentType[i % 2] };
		const mode: Mode = Math.floor(i / 2) % 2 === 0 ? 'bearer' : 'client_credentials';
		const name = Object.entries(switches)
			.map(([k, v]) => `${k}=${v}`)
			.join(' ');
		return { name: `${mode} ${name}`, switches, mode };
	});
}

/** Waits for the pushes to finish (a bound only against a hang, not a verdict on speed) and takes what arrived. */
async function settle(emu: Emulator, target: TargetUnderTest): Promise<string[]> {
	expect(await emu.scim.settled(600_000)).toBe(true);
	return target.take().sort();
}

const posts = (emu: Emulator) =>
	emu.scim.log.requests.filter((r) => r.method === 'POST' && r.path !== '(token endpoint)').length;

/** Runs the scenario and checks every change arrived exactly once and the target ends as the directory is. */
export async function pushScenario(
	emu: Emulator,
	target: TargetUnderTest,
	switches: Switches,
	mode: Mode,
): Promise<void> {
	emu.reset();
	target.reset();
	const appId = emu.application.applicationId;
	emu.scim.configure(appId, {
		url: target.url,
		preset: 'custom',
		...switches,
		auth: target.auth(mode, switches),
		retryDelayMs: 0,
	});
	const { store } = emu;
	const root = store.rootOrganizationalUnitId;

	// 1. One-click push of the demo organisation: 10 users, 3 groups with 15 memberships.
	expect(emu.scim.fullPush(appId)).toEqual({ users: 10, groups: switches.groups ? 3 : 0 });
	const first = await settle(emu, target);
	const count = (type: string) => first.filter((line) => line.startsWith(`${type} `)).length;
	expect([
		count('user.created'),
		count('group.created'),
		count('group.memberAdded'),
		first.length,
	]).toEqual(switches.groups ? [10, 3, 15, 28] : [10, 0, 0, 10]);

	// 2. Two hires, a rename, an e-mail change, a leaver disabled, a new group with members added, removed and renamed,
	// a user in two groups deleted.
	const leaver = [...store.users.values()].find(
		(u) => [...store.groups.values()].filter((g) => g.members.has(u.userId)).length === 2,
	)!;
	const a = store.createUser({
		username: 'push.a',
		displayName: 'Push A',
		email: 'push.a@example.com',
		primaryOrganizationalUnitId: root,
	} as never);
	const b = store.createUser({
		username: 'push.b',
		displayName: 'Push B',
		email: 'push.b@example.com',
		primaryOrganizationalUnitId: root,
	} as never);
	store.patchUser(a.userId, { displayName: 'Push A (renamed)' } as never);
	store.patchUser(b.userId, { email: 'push.b@corp.example.com' } as never);
	store.setStatus(b.userId, 'disabled');
	const group = emu.createGroup({ groupName: 'Push Group' });
	store.addUsersToGroup(group.groupId, [a.userId, b.userId]);
	store.removeUsersFromGroup(group.groupId, [b.userId]);
	store.patchGroup(group.groupId, { groupName: 'Push Group 2' });
	const leaverGroups = [...store.groups.values()]
		.filter((g) => g.members.has(leaver.userId))
		.map((g) => g.groupName);
	store.deleteUser(leaver.userId);
	const expected = [
		'user.created push.a',
		'user.created push.b',
		'user.updated push.a',
		'user.updated push.b',
		'user.deactivated push.b',
		...(switches.groups
			? [
					'group.created Push Group',
					'group.memberAdded Push Group push.a',
					'group.memberAdded Push Group push.b',
					'group.memberRemoved Push Group push.b',
					'group.renamed Push Group 2',
				]
			: []),
		...(switches.delete === 'delete'
			? [`user.deleted ${leaver.username}`]
			: [
					`user.deactivated ${leaver.username}`,
					...(switches.groups
						? leaverGroups.map((g) => `group.memberRemoved ${g} ${leaver.username}`)
						: []),
				]),
	].sort();
	expect(await settle(emu, target)).toEqual(expected);

	// 3. The same directory pushed again: nothing changes, nothing is created twice.
	const postsBefore = posts(emu);
	emu.scim.fullPush(appId);
	expect(await settle(emu, target)).toEqual([]);
	// Known accounts are updated, never created again (a target without uniqueness checks would get duplicates).
	expect(posts(emu)).toBe(postsBefore);

	const users: Record<string, boolean> = {};
	for (const user of store.users.values()) users[user.username] = user.status === 'enabled';
	if (switches.delete === 'deactivate') users[leaver.username] = false;
	expect(target.users()).toEqual(users);
	if (switches.groups) {
		const groups: Record<string, string[]> = {};
		for (const g of store.groups.values())
			groups[g.groupName] = [...g.members].map((id) => store.user(id).username).sort();
		expect(target.groups()).toEqual(groups);
	}
	expect(emu.scim.log.failures).toEqual([]);
}
