import type { INodeParameters } from 'n8n-workflow';

import type { Env } from '../harness/emulatorEnv';
import { byId, outputs, startEnv } from '../harness/emulatorEnv';
import { createRandom, seedFromEnv } from '../support/random';
import type { World } from './world';
import {
	AUTHORITY,
	actualScope,
	expectedScope,
	outsideScope,
	randomWorld,
	snapshot,
} from './world';

/**
 * User → Reconcile against the emulator over random directories and sources (world.ts). Each
 * case: a dry run sends no write and changes nothing; an apply leaves the scope equal to the
 * source and everything outside as it was; a second run plans nothing. Half the cases inject
 * faults into the first apply (refused writes, a create whose response is lost), then a rerun
 * must converge. RECONCILE_SEED replays a run; RECONCILE_CASES sets how many cases.
 */

const SEED = seedFromEnv('RECONCILE_SEED');
const CASES = Number(process.env.RECONCILE_CASES ?? 40);
const WRITES = [
	'CreateUser',
	'PatchUser',
	'DeleteUser',
	'EnableUser',
	'DisableUser',
	'SetUserPrimaryOrganizationalUnit',
];

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());

const writesSent = () => WRITES.reduce((sum, action) => sum + env.requests(action), 0);

function parameters(world: World, absent: string, dryRun: boolean): INodeParameters {
	return {
		resource: 'user',
		operation: 'reconcile',
		authorityOrganizationalUnitId: byId(AUTHORITY),
		includeSubUnits: world.includeSubUnits,
		absentUsers: absent,
		dryRun,
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

const counts = { cases: 0, faulted: 0, failedInFaultedRun: 0, rows: 0, conflicts: 0, writes: 0 };
afterAll(() => console.log(`reconcile randomized: seed ${SEED}, ${JSON.stringify(counts)}`));

test(`reconcile converges on ${CASES} random directories (seed ${SEED})`, async () => {
	const random = createRandom(SEED);
	for (let n = 0; n < CASES; n++) {
		const world = randomWorld(random);
		const absent = random.pick(['disable', 'disable', 'delete', 'nothing'] as const);
		const faulted = n % 2 === 1;
		const context = `case ${n} (seed ${SEED}, absent ${absent}, sub-units ${world.includeSubUnits}, faults ${faulted})`;
		env.emu.reset(world.seed);
		const before = snapshot(env.emu);

		const dry = await env.run(parameters(world, absent, true), { items: world.rows });
		expect({ context, error: dry.error?.message }).toEqual({ context, error: undefined });
		expect({ context, writes: writesSent(), state: snapshot(env.emu) }).toEqual({
			context,
			writes: 0,
			state: before,
		});
		const planned = outputs(dry);
		// Every conflict the plan reports is one the source holds (only the API can tell those held outside the scope).
		const plannedConflicts = planned.flatMap((o, i) =>
			o.action === 'conflict' && i < world.rows.length ? [i] : [],
		);
		expect({
			context,
			unexpected: plannedConflicts
				.filter((i) => !world.conflicts.has(i))
				.map((i) => ({ row: world.rows[i], out: planned[i] })),
		}).toEqual({ context, unexpected: [] });

		if (faulted) {
			env.emu.faults.serverError({
				action: random.pick(WRITES.slice(1)),
				times: random.int(1, 3),
				status: 400,
				code: 'Injected.Refused',
			});
			env.emu.faults.dropConnection({ action: 'CreateUser', times: 1, afterWrite: true });
			const broken = await env.run(parameters(world, absent, false), { items: world.rows });
			expect({ context, error: broken.error?.message }).toEqual({ context, error: undefined });
			env.emu.faults.clear();
			counts.faulted++;
			counts.failedInFaultedRun += outputs(broken).filter((o) => o.action === 'failed').length;
		}
		env.emu.stats.reset();
		const applied = await env.run(parameters(world, absent, false), { items: world.rows });
		expect({ context, error: applied.error?.message }).toEqual({ context, error: undefined });
		const results = outputs(applied);
		counts.writes += writesSent();
		expect({ context, failed: results.filter((o) => o.action === 'failed') }).toEqual({
			context,
			failed: [],
		});
		expect({
			context,
			conflicts: results.flatMap((o, i) =>
				o.action === 'conflict' && i < world.rows.length ? [i] : [],
			),
		}).toEqual({
			context,
			conflicts: [...world.conflicts].sort((a, b) => a - b),
		});
		expect({ context, scope: actualScope(env.emu, world) }).toEqual({
			context,
			scope: expectedScope(world, before, absent),
		});
		expect({ context, outside: outsideScope(snapshot(env.emu), world) }).toEqual({
			context,
			outside: outsideScope(before, world),
		});

		// Right after, the plan is empty: only the conflicts only the API can tell are tried again.
		env.emu.stats.reset();
		const again = outputs(await env.run(parameters(world, absent, false), { items: world.rows }));
		const apiConflicts = results.filter(
			(o) => o.action === 'conflict' && o.code !== undefined,
		).length;
		expect({
			context,
			actions: again.filter((o) => !['unchanged', 'conflict'].includes(String(o.action))),
			writes: writesSent(),
		}).toEqual({ context, actions: [], writes: apiConflicts });
		counts.cases++;
		counts.rows += world.rows.length;
		counts.conflicts += world.conflicts.size;
	}
});
