import type { Emulator } from '../../emulator/server';
import { Directory, ROOT_OU } from './emulated';

/**
 * The directory behind test/fixtures/trigger/state-format-2.json: the same users, groups and
 * OUs every time (IDs from a fixed seed, times pinned), so that a state the trigger stored for it
 * in an earlier version can be read back against it; and one change of every kind, whose events
 * that version reported are test/fixtures/trigger/events-format-2.json.
 */
export const PINNED_TIME = 1_750_000_000_000;

export function buildFixtureDirectory(emu: Emulator): {
	users: string[];
	ous: string[];
	groups: string[];
} {
	const dir = new Directory(emu, 20_261_207);
	const ous = [ROOT_OU, dir.addOu(ROOT_OU)];
	ous.push(dir.addOu(ous[1]), dir.addOu(ROOT_OU));
	const users: string[] = [];
	for (let i = 0; i < 40; i++) {
		const user = dir.addUser(ous[i % ous.length], {
			...(i % 7 === 3 ? { status: 'disabled' as const } : {}),
			...(i % 5 === 1 ? { password: `Init-${1000 + i}-pw` } : {}),
		});
		if (i % 6 === 2)
			dir.store.patchUser(user.userId, {
				description: `desk ${i}`,
				phoneRegion: '86',
				phoneNumber: `1380000${String(i).padStart(4, '0')}`,
			});
		users.push(user.userId);
	}
	const groups = [
		dir.addGroup(users.slice(0, 12)),
		dir.addGroup(users.slice(10, 25)),
		dir.addGroup([]),
	];
	pinTimes(emu, PINNED_TIME);
	return { users, ous, groups };
}

/** Times as the API would have stamped them, pinned (the stored state hashes updateTime): every record stamped after `since` gets `since`. */
function pinTimes(emu: Emulator, since: number): void {
	for (const record of [...emu.store.users.values(), ...emu.store.ous.values()] as unknown as Array<
		Record<string, unknown>
	>) {
		for (const [key, value] of Object.entries(record))
			if (key.endsWith('Time') && typeof value === 'number' && value >= since) record[key] = since;
	}
}

/** One change of every kind the trigger reports, the same every time. */
export function changeFixtureDirectory(
	emu: Emulator,
	{ users, ous, groups }: { users: string[]; ous: string[]; groups: string[] },
): void {
	const dir = new Directory(emu, 7);
	const { store } = emu;
	const changedAt = PINNED_TIME + 60_000;
	store.patchUser(users[0], { displayName: 'Zero renamed', email: 'zero@example.com' });
	store.setStatus(users[1], 'disabled');
	store.setStatus(users[3], 'enabled');
	store.moveUser(users[4], ous[2]);
	store.deleteUser(users[6]);
	dir.touch(users[7]);
	store.setStatus(users[8], 'disabled');
	store.moveUser(users[8], ous[3]);
	store.patchUser(users[8], { phoneRegion: '86', phoneNumber: '13900000008' });
	store.setPassword(users[9], 'Changed-2026-pw');
	store.patchUser(users[10], { description: 'new desk' });
	dir.addUser(ous[3]);
	// Listed under a second OU too: the walk leaves its primary OU in doubt, and GetUser settles it.
	store.addUserToOus(users[11], [ous[1]]);
	store.removeUsersFromGroup(groups[0], [users[0], users[2]]);
	store.addUsersToGroup(groups[1], [users[30]]);
	store.addUsersToGroup(groups[2], [users[31], users[32]]);
	dir.addOu(ous[1]);
	store.patchOu(ous[3], { organizationalUnitName: 'Renamed unit' });
	dir.moveOu(ous[2], ous[3]);
	pinTimes(emu, changedAt);
}
