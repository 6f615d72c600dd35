import type { INodeParameters } from 'n8n-workflow';

import type { Env } from '../harness/emulatorEnv';
import { byId, outputs, startEnv } from '../harness/emulatorEnv';

/**
 * The change report of Reconcile and Set Members: with Add Change Report on, one more item after
 * the others, counting the items per action and listing each change (who, what, before, after).
 * Demo directory: Engineering (alice.chen, grace.lee) and Platform (chloe.martin, daniel.kim).
 */

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

const ENG = 'ou_demoengineering01';
const PLATFORM = 'ou_demoplatform01';
const rows = [
	{ id: 'E1001', login: 'alice.chen-wu', name: 'Alice Chen-Wu', ou: ENG },
	{ id: 'E1007', login: 'grace.lee', name: 'Grace Lee', ou: PLATFORM },
	{ id: 'E1003', login: 'chloe.martin', name: 'Chloe Martin', ou: PLATFORM },
	{ id: 'E2001', login: 'new.engineer', name: 'New Engineer', ou: PLATFORM },
];

function reconcile(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'user',
		operation: 'reconcile',
		authorityOrganizationalUnitId: byId(ENG),
		dryRun: false,
		maxRemovalPercent: 100,
		changeReport: true,
		userExternalId: '={{ $json.id }}',
		username: '={{ $json.login }}',
		displayName: '={{ $json.name }}',
		primaryOrganizationalUnitId: { __rl: true, mode: 'id', value: '={{ $json.ou }}' },
		...extra,
	};
}

test('Reconcile: counts by action, and one row per changed field, create and disable', async () => {
	const out = outputs(await env.run(reconcile(), { items: rows }));
	expect(out).toHaveLength(6);
	const created = out[3].userId;
	expect(out[5]).toEqual({
		changeReport: 'reconcile',
		keyDrift: 0,
		counts: { updated: 1, moved: 1, unchanged: 1, created: 1, disabled: 1 },
		changes: [
			{
				who: 'alice.chen-wu',
				userId: 'user_demoalicechen01',
				what: 'username',
				before: 'alice.chen',
				after: 'alice.chen-wu',
			},
			{
				who: 'alice.chen-wu',
				userId: 'user_demoalicechen01',
				what: 'displayName',
				before: 'Alice Chen',
				after: 'Alice Chen-Wu',
			},
			{
				who: 'grace.lee',
				userId: 'user_demogracelee01',
				what: 'primaryOrganizationalUnitId',
				before: ENG,
				after: PLATFORM,
			},
			{ who: 'new.engineer', userId: created, what: 'created', before: '', after: created },
			{
				who: 'daniel.kim',
				userId: 'user_demodanielkim01',
				what: 'status',
				before: 'enabled',
				after: 'disabled',
			},
		],
	});
});

test('Reconcile: a dry run reports what would change; without the option there is no report item', async () => {
	const dry = outputs(await env.run(reconcile({ dryRun: true }), { items: rows }));
	expect(dry[5]).toMatchObject({
		changeReport: 'reconcile',
		dryRun: true,
		counts: { updated: 1, moved: 1, unchanged: 1, created: 1, disabled: 1 },
	});
	expect(dry[5].changes).toHaveLength(5);
	const plain = outputs(
		await env.run(reconcile({ dryRun: true, changeReport: false }), { items: rows }),
	);
	expect(plain).toHaveLength(5);
	expect(plain.some((o) => o.changeReport !== undefined)).toBe(false);
});

test('Set Members: one row per member added or removed', async () => {
	const members = [...env.emu.store.groups.get('group_demosales01')!.members];
	const out = outputs(
		await env.run(
			{
				resource: 'group',
				operation: 'setMembers',
				groupId: byId('group_demosales01'),
				dryRun: false,
				memberIdentifier: 'username',
				member: '={{ $json.u }}',
				maxRemovals: 100,
				maxRemovalPercent: 100,
				changeReport: true,
			},
			{ items: [{ u: 'alice.chen' }] },
		),
	);
	const report = out.at(-1)!;
	expect(report).toMatchObject({
		changeReport: 'setMembers',
		groupId: 'group_demosales01',
		counts: { added: 1, removed: members.length },
	});
	expect(report.changes).toEqual([
		{
			who: 'alice.chen',
			userId: 'user_demoalicechen01',
			what: 'added',
			before: 'not a member',
			after: 'member',
		},
		...members.map((id) => ({
			who: id,
			userId: id,
			what: 'removed',
			before: 'member',
			after: 'not a member',
		})),
	]);
});
