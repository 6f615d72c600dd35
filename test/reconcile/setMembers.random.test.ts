import type { IDataObject } from 'n8n-workflow';

import type { SeedData } from '../../emulator/types';
import type { Env } from '../harness/emulatorEnv';
import { byId, outputs, startEnv } from '../harness/emulatorEnv';
import { createRandom, seedFromEnv } from '../support/random';
import { APP, INSTANCE, ROOT } from './world';

/**
 * Group → Set Members over random groups and member lists, named by user ID, username, e-mail or
 * external ID, with unknown names and duplicates: a dry run sends no write; an apply makes the
 * members exactly the users named, sending one add and one remove at most (batches of 100); a
 * run whose writes were refused is repeated and converges; a second run sends nothing.
 */

const SEED = seedFromEnv('SET_MEMBERS_SEED');
const CASES = Number(process.env.SET_MEMBERS_CASES ?? 40);
const GROUP = 'group_reconteam01';
const KINDS = ['userId', 'username', 'email', 'userExternalId'] as const;

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());

const writes = () => env.requests('AddUsersToGroup') + env.requests('RemoveUsersFromGroup');
const members = () => [...env.emu.store.groups.get(GROUP)!.members].sort();
const counts = { cases: 0, faulted: 0, added: 0, removed: 0 };
afterAll(() => console.log(`set members randomized: seed ${SEED}, ${JSON.stringify(counts)}`));

test(`set members converges on ${CASES} random groups (seed ${SEED})`, async () => {
	const random = createRandom(SEED);
	for (let n = 0; n < CASES; n++) {
		const users = Array.from({ length: random.int(2, 30) }, (_, i) => ({
			userId: `user_member${i}`,
			username: `member${i}`,
			email: `member${i}@corp.example`,
			emailVerified: true,
			userExternalId: `M-${i}`,
			primaryOrganizationalUnitId: ROOT,
			groupIds: random.chance(0.5) ? [GROUP] : [],
		}));
		const seed: SeedData = {
			instanceId: INSTANCE,
			rootOrganizationalUnit: { organizationalUnitId: ROOT, organizationalUnitName: 'Corp' },
			groups: [{ groupId: GROUP, groupName: 'Team' }],
			users,
			applications: [
				{
					...APP,
					enabled: true,
					apiEnabled: true,
					scopes: [
						'urn:alibaba:idaas:scope:user:read_all',
						'urn:alibaba:idaas:scope:user:manage_all',
					],
					provisioningScope: { organizationalUnitIds: [ROOT], groupIds: [GROUP] },
				},
			],
		};
		env.emu.reset(seed);
		const kind = random.pick(KINDS);
		const wantedUsers = users.filter(() => random.chance(0.5));
		const items: IDataObject[] = wantedUsers.map((u) => ({ member: u[kind] }));
		if (wantedUsers.length > 0 && random.chance(0.3))
			items.push({ member: random.pick(wantedUsers)[kind] });
		const unknown = random.chance(0.3) && kind !== 'userId' ? 1 : 0;
		if (unknown) items.push({ member: kind === 'email' ? 'nobody@corp.example' : 'nobody' });
		if (items.length === 0) {
			items.push({ member: users[0][kind] });
			wantedUsers.push(users[0]);
		}
		const wanted = [...new Set(wantedUsers.map((u) => u.userId))].sort();
		const initial = members();
		const context = `case ${n} (seed ${SEED}, by ${kind})`;
		const run = async (dryRun: boolean) =>
			await env.run(
				{
					resource: 'group',
					operation: 'setMembers',
					groupId: byId(GROUP),
					memberIdentifier: kind,
					member: '={{ $json.member }}',
					dryRun,
					maxRemovals: 1000,
					maxRemovalPercent: 100,
				},
				{ items },
			);

		env.emu.stats.reset();
		const dry = await run(true);
		expect({ context, error: dry.error?.message, writes: writes(), members: members() }).toEqual({
			context,
			error: undefined,
			writes: 0,
			members: initial,
		});

		if (n % 2 === 1) {
			env.emu.faults.serverError({
				action: random.pick(['AddUsersToGroup', 'RemoveUsersFromGroup']),
				times: 1,
				status: 400,
				code: 'Injected.Refused',
			});
			await run(false);
			env.emu.faults.clear();
			counts.faulted++;
		}
		const applied = outputs(await run(false));
		expect({
			context,
			members: members(),
			failed: applied.filter((o) => o.action === 'failed').length,
		}).toEqual({ context, members: wanted, failed: unknown });
		counts.added += applied.filter((o) => o.action === 'added').length;
		counts.removed += applied.filter((o) => o.action === 'removed').length;
		expect({
			context,
			removed: applied
				.filter((o) => o.action === 'removed')
				.map((o) => o.userId)
				.sort(),
		}).toEqual({
			context,
			removed: n % 2 === 1 ? expect.any(Array) : initial.filter((id) => !wanted.includes(id)),
		});

		env.emu.stats.reset();
		const again = outputs(await run(false));
		expect({
			context,
			writes: writes(),
			changed: again.filter((o) => o.action === 'added' || o.action === 'removed'),
		}).toEqual({ context, writes: 0, changed: [] });
		counts.cases++;
	}
});
