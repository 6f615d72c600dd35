/* eslint-disable @typescript-eslint/no-explicit-any -- test code: reads SCIM JSON untyped */
/**
 * The emulator's SCIM push (emulator/scim/) under every combination of its switches that changes what it sends,
 * in both auth modes, against a recording SCIM server: a full push, a round of directory changes, the same full
 * push again. Every change must arrive exactly once (counted as the target's events) and the target must end as
 * the directory is; the second full push must change nothing.
 */
import { SWITCH_VALUES, type Switches } from '../../emulator/scim/config';
import { startEmulator, type Emulator } from '../../emulator/server';
import { RecordingTarget, type TargetEvent } from './recordingTarget';

let emu: Emulator;
let target: RecordingTarget;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'demo' });
	target = await new RecordingTarget().start();
});
afterAll(async () => {
	await emu?.close();
	await target?.close();
});

type Mode = 'bearer' | 'client_credentials';

/**
 * Every combination of the switches that shape the request sequence, with those that cannot matter under the others
 * held at their first value; the content type and the auth mode, which change no request's order or body, take
 * turns across them (each value in half of the combinations).
 */
function combinations(): Array<{ name: string; switches: Switches; mode: Mode }> {
	const shaping = Object.entries(SWITCH_VALUES).filter(([name]) => name !== 'contentType');
	let all: Array<Record<string, unknown>> = [{}];
	for (const [name, values] of shaping) all = all.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
	const seen = new Map<string, Omit<Switches, 'contentType'>>();
	for (const c of all as unknown as Switches[]) {
		const patches = c.update === 'patch' || c.deactivate === 'patch' || c.delete === 'deactivate' || (c.groups && c.groupMembers === 'patch');
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
		const name = Object.entries(switches).map(([k, v]) => `${k}=${v}`).join(' ');
		return { name: `${mode} ${name}`, switches, mode };
	});
}

const COMBINATIONS = combinations();
const key = (e: TargetEvent) => [e.type, e.key, e.detail].filter(Boolean).join(' ');

async function settle(): Promise<TargetEvent[]> {
	expect(await emu.scim.settled(60_000)).toBe(true);
	const events = target.events;
	target.events = [];
	return events;
}

/** The directory as the target should hold it: in-scope users by userName, and group memberships. */
function directory(deactivatedNames: string[]) {
	const users: Record<string, boolean> = {};
	for (const user of emu.store.users.values()) users[user.username] = user.status === 'enabled';
	for (const name of deactivatedNames) users[name] = false;
	const groups: Record<string, string[]> = {};
	for (const group of emu.store.groups.values()) groups[group.groupName] = [...group.members].map((id) => emu.store.user(id).username).sort();
	return { users, groups };
}

async function run(switches: Switches, mode: Mode) {
	emu.reset();
	target.reset(true);
	const appId = emu.application.applicationId;
	const auth =
		mode === 'bearer'
			? { mode, token: target.bearer }
			: { mode, tokenUrl: `${target.url}/token`, clientId: target.clientId, clientSecret: target.clientSecret, clientAuth: switches.lookup ? ('post' as const) : ('basic' as const) };
	emu.scim.configure(appId, { url: target.url, preset: 'custom', ...switches, auth, retryDelayMs: 0 });
	const { store } = emu;
	const root = store.rootOrganizationalUnitId;

	// 1. One-click push of the demo organisation: 10 users, 3 groups.
	expect(emu.scim.fullPush(appId)).toEqual({ users: 10, groups: switches.groups ? 3 : 0 });
	const first = await settle();
	expect(first.filter((e) => e.type === 'user.created')).toHaveLength(10);
	expect(first.filter((e) => e.type === 'group.created')).toHaveLength(switches.groups ? 3 : 0);
	expect(first.filter((e) => e.type === 'group.memberAdded')).toHaveLength(switches.groups ? 15 : 0);
	expect(first).toHaveLength(10 + (switches.groups ? 18 : 0));

	// 2. Changes: two hires, a rename, a leaver disabled, a group with membership changes, a deleted user.
	const leaver = [...store.users.values()].find((u) => [...store.groups.values()].filter((g) => g.members.has(u.userId)).length === 2)!;
	const a = store.createUser({ username: 'push.a', displayName: 'Push A', email: 'push.a@example.com', primaryOrganizationalUnitId: root } as never);
	const b = store.createUser({ username: 'push.b', displayName: 'Push B', email: 'push.b@example.com', primaryOrganizationalUnitId: root } as never);
	store.patchUser(a.userId, { displayName: 'Push A (renamed)' } as never);
	store.patchUser(b.userId, { email: 'push.b@corp.example.com' } as never);
	store.setStatus(b.userId, 'disabled');
	const group = emu.createGroup({ groupName: 'Push Group' });
	store.addUsersToGroup(group.groupId, [a.userId, b.userId]);
	store.removeUsersFromGroup(group.groupId, [b.userId]);
	store.patchGroup(group.groupId, { groupName: 'Push Group 2' });
	const leaverGroups = [...store.groups.values()].filter((g) => g.members.has(leaver.userId)).map((g) => g.groupName);
	store.deleteUser(leaver.userId);
	const second = (await settle()).map(key).sort();
	const expected = [
		'user.created push.a',
		'user.created push.b',
		'user.updated push.a displayName',
		'user.updated push.b emails',
		'user.deactivated push.b',
		...(switches.groups
			? ['group.created Push Group', 'group.memberAdded Push Group push.a', 'group.memberAdded Push Group push.b', 'group.memberRemoved Push Group push.b', 'group.renamed Push Group 2']
			: []),
		...(switches.delete === 'delete'
			? [`user.deleted ${leaver.username}`]
			: [`user.deactivated ${leaver.username}`, ...(switches.groups ? leaverGroups.map((g) => `group.memberRemoved ${g} ${leaver.username}`) : [])]),
	].sort();
	expect(second).toEqual(expected);

	// 3. The same directory pushed again: nothing changes, nothing is created twice.
	const before = target.requests.length;
	emu.scim.fullPush(appId);
	expect(await settle()).toEqual([]);
	// Known accounts are updated, never created again (a target without uniqueness checks would get duplicates).
	expect(target.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
	expect(emu.store.users.size).toBe(11);

	const want = directory(switches.delete === 'deactivate' ? [leaver.username] : []);
	const have = Object.fromEntries([...target.users.values()].map((u) => [u.resource.userName, u.resource.active]));
	expect(have).toEqual(want.users);
	if (switches.groups) expect(target.membership()).toEqual(want.groups);
	expect(emu.scim.log.failures).toEqual([]);
	// What the switches promise about the requests themselves.
	const methods = new Set(target.requests.map((r) => `${r.method} ${r.path.split('/')[1].split('?')[0]}`));
	expect(methods.has('DELETE Users')).toBe(switches.delete === 'delete');
	expect(methods.has('PUT Users')).toBe(switches.update === 'put');
	expect(target.requests.some((r) => r.method === 'GET' && r.path.startsWith('/Users?filter='))).toBe(switches.lookup);
	expect(new Set(target.requests.filter((r) => r.method !== 'GET' && r.method !== 'DELETE' && r.path !== '/token').map((r) => r.contentType))).toEqual(
		new Set([`${switches.contentType}; charset=utf-8`]),
	);
	if (mode === 'client_credentials') expect(target.tokenRequests).toEqual([{ basic: !switches.lookup }]);
	return target.requests;
}

test('the switches give distinct clients, each auth mode and content type in half of them', () => {
	// 2^9 raw combinations; those that differ only in a switch no request uses are the same client.
	expect(COMBINATIONS.length).toBe(244);
	expect(COMBINATIONS.filter((c) => c.mode === 'bearer')).toHaveLength(122);
	expect(COMBINATIONS.filter((c) => c.switches.contentType === 'application/json')).toHaveLength(122);
});

test.each(COMBINATIONS.map((c) => [c.name, c] as const))('%s', async (_name, { switches, mode }) => {
	await run(switches, mode);
});
