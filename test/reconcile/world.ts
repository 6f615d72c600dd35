import type { IDataObject } from 'n8n-workflow';

import type { Emulator } from '../../emulator/server';
import type { SeedData } from '../../emulator/types';
import type { Random } from '../support/random';

/**
 * Random directories and HR sources for the reconcile tests, and the state a correct reconcile
 * leaves. The directory: an authority unit with nested sub-units and a unit outside it, users in
 * both. The source: the in-scope people with renames, moves, new e-mails and names, leavers (left
 * out), inactive rows, re-hires (disabled accounts back in the source), new hires, and the cases
 * that must be reported, not guessed: duplicate keys, and usernames or external IDs another account
 * (in scope and kept, or outside) holds.
 */

export const INSTANCE = 'idaas_demoacme01';
export const ROOT = 'ou_reconroot01';
export const AUTHORITY = 'ou_reconauth01';
export const SUB_UNITS = ['ou_reconsub01', 'ou_reconsub02', 'ou_reconsubsub01'];
export const OUTSIDE = 'ou_reconoutside01';
// The demo seed's instance and application: the test harness's credential is made for them.
export const APP = {
	applicationId: 'app_demoapplication01',
	clientId: 'app_demoapplication01',
	clientSecret: 'demo-client-secret-0000000000000001',
};

export interface Row extends IDataObject {
	id: string;
	login: string;
	name: string;
	mail: string;
	ou: string;
	active: boolean;
}

export interface World {
	seed: SeedData;
	rows: Row[];
	includeSubUnits: boolean;
	scopeOus: string[];
	/** Item indexes that must come back as conflict. */
	conflicts: Set<number>;
}

interface SeedUser {
	userId: string;
	username: string;
	displayName: string;
	email: string;
	emailVerified: boolean;
	userExternalId: string;
	primaryOrganizationalUnitId: string;
	status: 'enabled' | 'disabled';
}

export function randomWorld(random: Random): World {
	const includeSubUnits = random.chance(0.7);
	const scopeOus = includeSubUnits ? [AUTHORITY, ...SUB_UNITS] : [AUTHORITY];
	let serial = 0;
	const fresh = () => `p${++serial}`;
	const users: SeedUser[] = [];
	const addUser = (ou: string) => {
		const n = fresh();
		const user: SeedUser = {
			userId: `user_recon${n}`,
			username: `${n}.user`,
			displayName: `Person ${n}`,
			email: `${n}@corp.example`,
			emailVerified: true,
			userExternalId: `E-${n}`,
			primaryOrganizationalUnitId: ou,
			status: random.chance(0.15) ? 'disabled' : 'enabled',
		};
		users.push(user);
		return user;
	};
	const inScope = Array.from({ length: random.int(3, 25) }, () => addUser(random.pick(scopeOus)));
	// Users in the authority's sub-units are outside the scope when the sub-units are not included.
	const outside = Array.from({ length: random.int(1, 6) }, () =>
		addUser(random.pick(includeSubUnits ? [OUTSIDE, ROOT] : [OUTSIDE, ROOT, ...SUB_UNITS])),
	);

	const rows: Row[] = [];
	const conflicts = new Set<number>();
	const rowOf = (user: SeedUser): Row => ({
		id: user.userExternalId,
		login: user.username,
		name: user.displayName,
		mail: user.email,
		ou: user.primaryOrganizationalUnitId,
		active: true,
	});
	const kept: Row[] = [];
	for (const user of inScope) {
		if (random.chance(0.2)) continue; // a leaver
		const row = rowOf(user);
		if (random.chance(0.2)) row.login = `${fresh()}.renamed`;
		if (random.chance(0.2)) row.name = `Renamed ${fresh()}`;
		if (random.chance(0.15)) row.mail = `${fresh()}@new.example`;
		if (random.chance(0.2)) row.ou = random.pick(scopeOus);
		if (random.chance(0.1)) row.active = false;
		rows.push(row);
		kept.push(row);
	}
	for (let i = random.int(0, 4); i > 0; i--) {
		const n = fresh();
		rows.push({
			id: `E-${n}`,
			login: `${n}.hire`,
			name: `Hire ${n}`,
			mail: `${n}@corp.example`,
			ou: random.pick(scopeOus),
			active: true,
		});
	}
	const push = (row: Row) => conflicts.add(rows.push(row) - 1);
	if (kept.length > 0 && random.chance(0.3)) {
		// Two rows, one key: both reported, the account left as it was.
		const twin = random.pick(kept);
		conflicts.add(rows.indexOf(twin));
		push({ ...twin, name: `Twin ${fresh()}` });
	}
	const unchangedLogins = kept.filter((row) =>
		inScope.some((u) => u.username === row.login && u.userExternalId === row.id),
	);
	if (unchangedLogins.length > 0 && random.chance(0.3)) {
		// A new person wanting the username a kept account in scope still has.
		const n = fresh();
		push({
			id: `E-${n}`,
			login: random.pick(unchangedLogins).login,
			name: `Clash ${n}`,
			mail: `${n}@corp.example`,
			ou: random.pick(scopeOus),
			active: true,
		});
	}
	if (random.chance(0.3)) {
		// A new person wanting the username of an account outside the scope (only the API knows).
		const n = fresh();
		push({
			id: `E-${n}`,
			login: random.pick(outside).username,
			name: `Outside ${n}`,
			mail: `${n}@corp.example`,
			ou: random.pick(scopeOus),
			active: true,
		});
	}
	if (random.chance(0.3)) {
		// The external ID of an account outside the scope: not matched (never touched), and not creatable.
		const n = fresh();
		push({
			id: random.pick(outside).userExternalId,
			login: `${n}.outsider`,
			name: `Outsider ${n}`,
			mail: `${n}@corp.example`,
			ou: random.pick(scopeOus),
			active: true,
		});
	}
	// The source's order is not the directory's.
	const order = rows
		.map((row, index) => ({ row, conflict: conflicts.has(index), sort: random.next() }))
		.sort((a, b) => a.sort - b.sort);
	const shuffled = order.map((entry) => entry.row);
	const shuffledConflicts = new Set(
		order.flatMap((entry, index) => (entry.conflict ? [index] : [])),
	);

	const seed: SeedData = {
		instanceId: INSTANCE,
		rootOrganizationalUnit: { organizationalUnitId: ROOT, organizationalUnitName: 'Corp' },
		organizationalUnits: [
			{ organizationalUnitId: AUTHORITY, organizationalUnitName: 'Authority', parentId: ROOT },
			{ organizationalUnitId: SUB_UNITS[0], organizationalUnitName: 'Sub 1', parentId: AUTHORITY },
			{ organizationalUnitId: SUB_UNITS[1], organizationalUnitName: 'Sub 2', parentId: AUTHORITY },
			{
				organizationalUnitId: SUB_UNITS[2],
				organizationalUnitName: 'Sub 1.1',
				parentId: SUB_UNITS[0],
			},
			{ organizationalUnitId: OUTSIDE, organizationalUnitName: 'Outside', parentId: ROOT },
		],
		users,
		applications: [
			{
				...APP,
				enabled: true,
				apiEnabled: true,
				scopes: [
					'urn:alibaba:idaas:scope:user:read_all',
					'urn:alibaba:idaas:scope:user:manage_all',
					'urn:alibaba:idaas:scope:organizational_unit:read_all',
				],
				provisioningScope: { organizationalUnitIds: [ROOT] },
			},
		],
	};
	return { seed, rows: shuffled, includeSubUnits, scopeOus, conflicts: shuffledConflicts };
}

/** The compared fields of every account in the emulator, by user ID. */
export function snapshot(emu: Emulator): Map<string, IDataObject> {
	const out = new Map<string, IDataObject>();
	for (const user of emu.store.users.values()) {
		const {
			userId,
			username,
			displayName,
			email,
			userExternalId,
			primaryOrganizationalUnitId,
			status,
		} = user;
		out.set(userId, {
			userId,
			username,
			displayName,
			email,
			userExternalId,
			primaryOrganizationalUnitId,
			status,
		});
	}
	return out;
}

/**
 * The accounts a correct reconcile leaves, keyed by external ID, for the given absent policy:
 * each non-conflicting row as it says (inactive rows without an account have none), conflicting
 * rows' accounts as they were, absent accounts disabled, deleted or as they were.
 */
export function expectedScope(
	world: World,
	before: Map<string, IDataObject>,
	absent: 'nothing' | 'disable' | 'delete',
): Map<string, IDataObject> {
	const scope = new Set(world.scopeOus);
	const inScope = [...before.values()].filter((u) =>
		scope.has(String(u.primaryOrganizationalUnitId)),
	);
	const expected = new Map<string, IDataObject>();
	const claimed = new Set<string>(world.rows.map((row) => row.id));
	for (const user of inScope) {
		const id = String(user.userExternalId);
		if (claimed.has(id)) continue;
		if (absent === 'delete') continue;
		const rest = withoutId(user);
		expected.set(id, absent === 'disable' ? { ...rest, status: 'disabled' } : rest);
	}
	world.rows.forEach((row, index) => {
		const existing = inScope.find((u) => u.userExternalId === row.id);
		if (world.conflicts.has(index)) {
			if (existing) {
				const rest = withoutId(existing);
				expected.set(row.id, rest);
			}
			return;
		}
		if (!existing && !row.active) return;
		expected.set(row.id, {
			username: row.login,
			displayName: row.name,
			email: row.mail,
			userExternalId: row.id,
			primaryOrganizationalUnitId: row.ou,
			status: row.active ? 'enabled' : 'disabled',
		});
	});
	return expected;
}

/** The emulator's accounts in scope now, keyed by external ID, without their IDs. */
export function actualScope(emu: Emulator, world: World): Map<string, IDataObject> {
	const scope = new Set(world.scopeOus);
	const actual = new Map<string, IDataObject>();
	for (const user of snapshot(emu).values()) {
		if (!scope.has(String(user.primaryOrganizationalUnitId))) continue;
		const rest = withoutId(user);
		actual.set(String(user.userExternalId), rest);
	}
	return actual;
}

/** The accounts outside the scope, as they are. */
export function outsideScope(snap: Map<string, IDataObject>, world: World): IDataObject[] {
	const scope = new Set(world.scopeOus);
	return [...snap.values()].filter((u) => !scope.has(String(u.primaryOrganizationalUnitId)));
}

/** A user record as the comparison reads it: everything but its ID. */
function withoutId<T extends { userId?: unknown }>(user: T): Omit<T, 'userId'> {
	const rest = { ...user };
	delete rest.userId;
	return rest;
}
