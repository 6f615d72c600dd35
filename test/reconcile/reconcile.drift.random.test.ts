import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Env } from '../harness/emulatorEnv';
import { byId, outputs, startEnv } from '../harness/emulatorEnv';
import type { Random } from '../support/random';
import { createRandom, seedFromEnv } from '../support/random';
import type { Row, World } from './world';
import { AUTHORITY, OUTSIDE, ROOT, SUB_UNITS, randomWorld, snapshot } from './world';

/**
 * The invariant of User → Reconcile over random directories (world.ts) made harder: any of the
 * three keys is the match key, and rows rename any key (the match key too: key drift); accounts in
 * and outside the scope are secondary members of units in scope, and ListUsers lists secondary
 * members (so accounts are listed twice, and outsiders are listed in scope) in half the cases.
 * After apply, whatever the plan: no account sharing a stable key with a row was deleted, every
 * such account keeps its ID (no row's account is a new one), and no account whose primary unit is
 * outside the authority was changed. DRIFT_SEED replays a run; DRIFT_CASES sets how many cases.
 */

const SEED = seedFromEnv('DRIFT_SEED');
const CASES = Number(process.env.DRIFT_CASES ?? 40);
const KEYS = ['userExternalId', 'username', 'email'] as const;
type Key = (typeof KEYS)[number];
const ROW_FIELD: Record<Key, keyof Row> = {
	userExternalId: 'id',
	username: 'login',
	email: 'mail',
};

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());

function parameters(world: World, matchKey: Key, absent: string): INodeParameters {
	return {
		resource: 'user',
		operation: 'reconcile',
		authorityOrganizationalUnitId: byId(AUTHORITY),
		includeSubUnits: world.includeSubUnits,
		matchKey,
		absentUsers: absent,
		dryRun: false,
		maxRemovals: 1000,
		maxRemovalPercent: 100,
		userExternalId: '={{ $json.id }}',
		username: '={{ $json.login }}',
		displayName: '={{ $json.name }}',
		primaryOrganizationalUnitId: { __rl: true, mode: 'id', value: '={{ $json.ou }}' },
		active: '={{ $json.active }}',
		additionalFields: { email: '={{ $json.mail }}' },
	};
}

/** Renames of every key, the match key included: each row keeps at least one key of its account. */
function drift(random: Random, rows: Row[], counts: { drifted: number }): Row[] {
	return rows.map((row) => {
		if (!random.chance(0.35)) return row;
		const renamed = { ...row };
		const keep = random.pick(['id', 'login', 'mail'] as const);
		for (const field of ['id', 'login', 'mail'] as const) {
			if (field === keep || !random.chance(0.6)) continue;
			renamed[field] =
				field === 'id' ? `${row.id}-X` : field === 'login' ? `${row.login}.x` : `x.${row.mail}`;
		}
		if (renamed.id !== row.id || renamed.login !== row.login || renamed.mail !== row.mail)
			counts.drifted++;
		return renamed;
	});
}

const keyValue = (user: IDataObject, key: Key) => String(user[key] ?? '').toLowerCase();
const rowValue = (row: Row, key: Key) => String(row[ROW_FIELD[key]] ?? '').toLowerCase();

const counts = {
	cases: 0,
	rows: 0,
	drifted: 0,
	secondary: 0,
	listedTwice: 0,
	keyDriftItems: 0,
	ownedAccounts: 0,
	conflicts: 0,
	deleted: 0,
};
afterAll(() => console.log(`reconcile drift randomized: seed ${SEED}, ${JSON.stringify(counts)}`));

test(`no account a row names is deleted or replaced, on ${CASES} random directories (seed ${SEED})`, async () => {
	const random = createRandom(SEED);
	for (let n = 0; n < CASES; n++) {
		const world = randomWorld(random);
		const matchKey = random.pick(KEYS);
		const absent = random.pick(['delete', 'delete', 'disable'] as const);
		const listSecondary = random.chance(0.5);
		const rows = drift(random, world.rows, counts);
		env.emu.reset(world.seed);
		// Secondary memberships: some accounts join units in scope (and outside) besides their primary one.
		const scopeUnits = world.includeSubUnits ? [AUTHORITY, ...SUB_UNITS] : [AUTHORITY];
		for (const user of [...env.emu.store.users.values()]) {
			if (!random.chance(0.3)) continue;
			const units = [random.pick(scopeUnits), random.pick([OUTSIDE, ROOT, ...SUB_UNITS])].filter(
				(u) => u !== user.primaryOrganizationalUnitId,
			);
			env.emu.store.addUserToOus(user.userId, units);
			counts.secondary++;
			if (
				listSecondary &&
				units.some((u) => scopeUnits.includes(u)) &&
				scopeUnits.includes(user.primaryOrganizationalUnitId)
			)
				counts.listedTwice++;
		}
		env.emu.store.listSecondaryMembers = listSecondary;
		const context = `case ${n} (seed ${SEED}, match ${matchKey}, absent ${absent}, sub-units ${world.includeSubUnits}, secondary listed ${listSecondary})`;
		const before = snapshot(env.emu);
		const scope = new Set(world.scopeOus);

		const result = await env.run(parameters(world, matchKey, absent), { items: rows });
		expect({ context, error: result.error?.message }).toEqual({ context, error: undefined });
		const out = outputs(result);
		const after = snapshot(env.emu);

		// Accounts a row names (shares any stable key with): none deleted.
		const named = [...before.values()].filter((user) =>
			rows.some((row) =>
				KEYS.some((key) => rowValue(row, key) !== '' && rowValue(row, key) === keyValue(user, key)),
			),
		);
		expect({
			context,
			deleted: named.filter((u) => !after.has(String(u.userId))).map((u) => u.userId),
		}).toEqual({ context, deleted: [] });
		// An account in scope that one row alone shares keys with is that row's, by ID: the row's
		// output names it (updated, unchanged or conflict), never a new account.
		const shares = (row: Row, user: IDataObject) =>
			KEYS.some((key) => rowValue(row, key) !== '' && rowValue(row, key) === keyValue(user, key));
		for (const user of named.filter((u) => scope.has(String(u.primaryOrganizationalUnitId)))) {
			const owners = rows.flatMap((row, i) => (shares(row, user) ? [i] : []));
			if (owners.length !== 1) continue;
			const item = out[owners[0]];
			const kept =
				item.userId === undefined ? item.action === 'conflict' : item.userId === user.userId;
			expect({
				context,
				row: rows[owners[0]],
				user: user.userId,
				action: item.action,
				kept,
			}).toEqual({
				context,
				row: rows[owners[0]],
				user: user.userId,
				action: item.action,
				kept: true,
			});
			counts.ownedAccounts++;
		}
		// Accounts whose primary unit is outside the authority are as they were, even when listed in scope.
		const outside = [...before.values()].filter(
			(u) => !scope.has(String(u.primaryOrganizationalUnitId)),
		);
		expect({ context, outside: outside.map((u) => after.get(String(u.userId))) }).toEqual({
			context,
			outside,
		});
		counts.cases++;
		counts.rows += rows.length;
		counts.keyDriftItems += out.filter((o) => o.keyDrift === true).length;
		counts.conflicts += out.filter((o) => o.action === 'conflict').length;
		counts.deleted += out.filter((o) => o.action === 'deleted').length;
	}
});
