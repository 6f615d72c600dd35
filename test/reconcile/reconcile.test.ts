import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Env } from '../harness/emulatorEnv';
import { byId, outputs, startEnv } from '../harness/emulatorEnv';

/**
 * User → Reconcile and Group → Set Members on the demo directory: Engineering (alice.chen,
 * grace.lee) with its sub-unit Platform (chloe.martin, daniel.kim) is the authority; everyone else
 * is outside it.
 */

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

const ENG = 'ou_demoengineering01';
const PLATFORM = 'ou_demoplatform01';
const WRITES = [
	'CreateUser',
	'PatchUser',
	'DeleteUser',
	'EnableUser',
	'DisableUser',
	'SetUserPrimaryOrganizationalUnit',
	'AddUsersToGroup',
	'RemoveUsersFromGroup',
];
const writes = () => WRITES.reduce((sum, action) => sum + env.requests(action), 0);

const engineering: IDataObject[] = [
	{ id: 'E1001', login: 'alice.chen', name: 'Alice Chen', ou: ENG },
	{ id: 'E1007', login: 'grace.lee', name: 'Grace Lee', ou: ENG },
	{ id: 'E1003', login: 'chloe.martin', name: 'Chloe Martin', ou: PLATFORM },
	{ id: 'E1004', login: 'daniel.kim', name: 'Daniel Kim', ou: PLATFORM },
];

function reconcile(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'user',
		operation: 'reconcile',
		authorityOrganizationalUnitId: byId(ENG),
		dryRun: false,
		maxRemovalPercent: 100,
		userExternalId: '={{ $json.id }}',
		username: '={{ $json.login }}',
		displayName: '={{ $json.name }}',
		primaryOrganizationalUnitId: { __rl: true, mode: 'id', value: '={{ $json.ou }}' },
		...extra,
	};
}

test('an unchanged source plans nothing and sends only the directory reads', async () => {
	const result = await env.run(reconcile(), { items: engineering });
	expect(outputs(result).map((o) => o.action)).toEqual([
		'unchanged',
		'unchanged',
		'unchanged',
		'unchanged',
	]);
	expect(writes()).toBe(0);
	// The children of Engineering, then of Platform (none); then the users of each of the two units.
	expect(env.answered('ListOrganizationalUnits')).toBe(2);
	expect(env.answered('ListUsers')).toBe(2);
});

test('a leaver is disabled, a mover moved, a rename patched, a new hire created, with the changed fields', async () => {
	const rows = [
		{ ...engineering[0], login: 'alice.chen-wu', name: 'Alice Chen-Wu' },
		{ ...engineering[1], ou: PLATFORM },
		engineering[2],
		{ id: 'E2001', login: 'new.engineer', name: 'New Engineer', ou: PLATFORM },
	];
	const out = outputs(await env.run(reconcile(), { items: rows }));
	expect(out).toEqual([
		expect.objectContaining({
			action: 'updated',
			applied: true,
			userId: 'user_demoalicechen01',
			changedFields: ['username', 'displayName'],
		}),
		expect.objectContaining({
			action: 'moved',
			userId: 'user_demogracelee01',
			changedFields: ['primaryOrganizationalUnitId'],
			previousPrimaryOrganizationalUnitId: ENG,
			primaryOrganizationalUnitId: PLATFORM,
		}),
		expect.objectContaining({ action: 'unchanged', applied: false, changedFields: [] }),
		expect.objectContaining({
			action: 'created',
			applied: true,
			userId: expect.stringMatching(/^user_/),
			username: 'new.engineer',
		}),
		expect.objectContaining({
			action: 'disabled',
			applied: true,
			userId: 'user_demodanielkim01',
			changedFields: ['status'],
		}),
	]);
	expect(env.emu.store.user('user_demoalicechen01')).toMatchObject({
		username: 'alice.chen-wu',
		displayName: 'Alice Chen-Wu',
	});
	expect(env.emu.store.user('user_demogracelee01').primaryOrganizationalUnitId).toBe(PLATFORM);
	expect(env.emu.store.user('user_demodanielkim01').status).toBe('disabled');
	// Outside the authority nothing moves: bob.smith (Sales) is neither read for changes nor disabled.
	expect(env.emu.store.user('user_demobobsmith01').status).toBe('enabled');
	expect(writes()).toBe(4);
});

test('a dry run outputs the plan and sends no write', async () => {
	const out = outputs(
		await env.run(reconcile({ dryRun: true }), { items: engineering.slice(0, 3) }),
	);
	expect(out.map((o) => [o.action, o.applied, o.dryRun])).toEqual([
		['unchanged', false, true],
		['unchanged', false, true],
		['unchanged', false, true],
		['disabled', false, true],
	]);
	expect(writes()).toBe(0);
	expect(env.emu.store.user('user_demodanielkim01').status).toBe('enabled');
});

test('above the removal limit nothing is applied and every item says why', async () => {
	const rows = [{ ...engineering[0], name: 'Alice Renamed' }];
	const out = outputs(await env.run(reconcile({ maxRemovals: 2 }), { items: rows }));
	expect(out).toHaveLength(4);
	expect(out.every((o) => o.applied === false)).toBe(true);
	expect(out[0].blocked).toBe(
		'Nothing applied: the plan disables or deletes 3, more than the maximum of 2 per run',
	);
	expect(writes()).toBe(0);
	expect(env.emu.store.user('user_demoalicechen01').displayName).toBe('Alice Chen');
});

test('above the removal share nothing is applied', async () => {
	const out = outputs(
		await env.run(reconcile({ maxRemovals: 100, maxRemovalPercent: 20 }), {
			items: engineering.slice(0, 3),
		}),
	);
	expect(out[0].blocked).toBe(
		'Nothing applied: the plan disables or deletes 1 of 4 (25%), more than the maximum share of 20%',
	);
	expect(writes()).toBe(0);
});

test('absent accounts are deleted when asked, and left alone with Leave As They Are', async () => {
	await env.run(reconcile({ absentUsers: 'nothing' }), { items: engineering.slice(0, 3) });
	expect(env.emu.store.user('user_demodanielkim01').status).toBe('enabled');
	const out = outputs(
		await env.run(reconcile({ absentUsers: 'delete' }), { items: engineering.slice(0, 3) }),
	);
	expect(out[3]).toMatchObject({
		action: 'deleted',
		applied: true,
		userId: 'user_demodanielkim01',
	});
	expect(env.emu.store.users.has('user_demodanielkim01')).toBe(false);
});

test('without sub-units only the unit itself is the authority; a row placed in a sub-unit is a conflict', async () => {
	const out = outputs(await env.run(reconcile({ includeSubUnits: false }), { items: engineering }));
	expect(out.map((o) => o.action)).toEqual(['unchanged', 'unchanged', 'conflict', 'conflict']);
	expect(out[2].reason).toBe(
		'Primary organizational unit ou_demoplatform01 is outside the authority of this reconcile',
	);
	expect(env.answered('ListOrganizationalUnits')).toBe(0);
	expect(writes()).toBe(0);
});

test('duplicate keys and a username another account keeps are reported, not guessed', async () => {
	const rows = [
		...engineering,
		{ id: 'E1001', login: 'alice.two', name: 'Alice Two', ou: ENG },
		{ id: 'E2002', login: 'grace.lee', name: 'Other Grace', ou: ENG },
	];
	const out = outputs(await env.run(reconcile(), { items: rows }));
	expect(out.map((o) => o.action)).toEqual([
		'conflict',
		'unchanged',
		'unchanged',
		'unchanged',
		'conflict',
		'conflict',
	]);
	expect(out[0].reason).toBe('Duplicate in the source: 2 rows have userExternalId "E1001"');
	expect(out[5].reason).toBe(
		'Duplicate in the source: 2 rows want username "grace.lee" (user_demogracelee01 has it)',
	);
	expect(writes()).toBe(0);
});

test('a rename into a username another rename frees waits for it; a swap is a conflict', async () => {
	const chain = [
		{ ...engineering[0], login: 'grace.lee' },
		{ ...engineering[1], login: 'grace.lee.old' },
		...engineering.slice(2),
	];
	const out = outputs(await env.run(reconcile(), { items: chain }));
	expect(out.map((o) => o.action)).toEqual(['updated', 'updated', 'unchanged', 'unchanged']);
	expect(env.emu.store.user('user_demoalicechen01').username).toBe('grace.lee');
	expect(env.emu.store.user('user_demogracelee01').username).toBe('grace.lee.old');

	env.emu.reset();
	const swap = [
		{ ...engineering[0], login: 'grace.lee' },
		{ ...engineering[1], login: 'alice.chen' },
		...engineering.slice(2),
	];
	const swapped = outputs(await env.run(reconcile(), { items: swap }));
	expect(swapped.map((o) => o.action)).toEqual(['conflict', 'conflict', 'unchanged', 'unchanged']);
	expect(env.emu.store.user('user_demoalicechen01').username).toBe('alice.chen');
});

test('match on username or e-mail; inactive rows disable, re-hires enable', async () => {
	env.emu.store.setStatus('user_demogracelee01', 'disabled');
	const rows: IDataObject[] = engineering.map((row) => ({
		...row,
		id: `HR-${String(row.id)}`,
		mail: `${String(row.login)}@acme.example`,
		active: row.login !== 'daniel.kim',
	}));
	const byUsername = outputs(
		await env.run(reconcile({ matchKey: 'username', active: '={{ $json.active }}' }), {
			items: rows,
		}),
	);
	expect(byUsername.map((o) => [o.action, o.changedFields])).toEqual([
		['unchanged', []],
		['enabled', ['status']],
		['unchanged', []],
		['disabled', ['status']],
	]);
	// The API cannot change an external ID: it is only set on accounts the reconcile creates.
	expect(env.emu.store.user('user_demoalicechen01').userExternalId).toBe('E1001');
	const renamed = rows.map((row) => ({ ...row, login: `${String(row.login)}.x` }));
	const byEmail = outputs(
		await env.run(
			reconcile({
				matchKey: 'email',
				active: '={{ $json.active }}',
				additionalFields: { email: '={{ $json.mail }}' },
			}),
			{ items: renamed },
		),
	);
	expect(byEmail.map((o) => o.action)).toEqual(['updated', 'updated', 'updated', 'updated']);
	expect(byEmail[3].changedFields).toEqual(['username']);
	expect(env.emu.store.user('user_demogracelee01')).toMatchObject({
		username: 'grace.lee.x',
		status: 'enabled',
	});
});

test('custom fields are compared with GetUser and only a differing one is patched', async () => {
	const rows: IDataObject[] = engineering.map((row) => ({
		...row,
		cc: row.login === 'alice.chen' ? 'CC-200' : '',
	}));
	const out = outputs(
		await env.run(
			reconcile({
				additionalFields: {
					customFields: { values: [{ fieldName: 'costCenter', fieldValue: '={{ $json.cc }}' }] },
				},
			}),
			{ items: rows },
		),
	);
	expect(out[0]).toMatchObject({ action: 'updated', changedFields: ['customFields'] });
	expect(env.emu.store.user('user_demoalicechen01').customFields).toEqual([
		{ fieldName: 'costCenter', fieldValue: 'CC-200' },
	]);
	expect(env.requests('PatchUser')).toBe(1);
});

test('Map Automatically takes the fields from the items by their API names', async () => {
	const items = engineering.slice(0, 3).map((row) => ({
		userExternalId: row.id,
		username: row.login,
		displayName: row.name,
		primaryOrganizationalUnitId: row.ou,
		active: row.login !== 'chloe.martin',
	}));
	const out = outputs(
		await env.run(
			{
				resource: 'user',
				operation: 'reconcile',
				authorityOrganizationalUnitId: byId(ENG),
				dryRun: false,
				maxRemovalPercent: 100,
				dataMode: 'autoMapInputData',
			},
			{ items },
		),
	);
	expect(out.map((o) => o.action)).toEqual(['unchanged', 'unchanged', 'disabled', 'disabled']);
	expect(env.emu.store.user('user_demochloemartin01').status).toBe('disabled');
	const missing = await env.run(
		{
			resource: 'user',
			operation: 'reconcile',
			authorityOrganizationalUnitId: byId(ENG),
			dataMode: 'autoMapInputData',
		},
		{ items: [{ username: 'x.y', primaryOrganizationalUnitId: ENG }] },
	);
	expect(missing.error?.message).toBe('External ID is required: it is the match key');
});

test('bad input is a NodeOperationError naming the field, before any request', async () => {
	const missingKey = await env.run(reconcile(), {
		items: [engineering[0], { login: 'no.key', name: 'No Key', ou: ENG }],
	});
	expect(missingKey.error?.message).toBe('External ID is required: it is the match key');
	expect(missingKey.error?.name).toBe('NodeOperationError');
	const badLimit = await env.run(reconcile({ maxRemovals: -1 }), { items: engineering });
	expect(badLimit.error?.message).toBe(
		'Max Disables and Deletes must be a whole number from 0, got -1',
	);
	const badEmail = await env.run(reconcile({ additionalFields: { email: 'not-an-email' } }), {
		items: engineering,
	});
	expect(badEmail.error?.message).toMatch(/^Email/);
	const badMember = await env.run(
		{
			resource: 'group',
			operation: 'setMembers',
			groupId: byId('group_demoengineers01'),
			member: '={{ "bob" }}',
		},
		{ items: [{}] },
	);
	expect(badMember.error?.message).toMatch(/^Member/);
	expect(env.requests()).toBe(0);
});

describe('Group → Set Members', () => {
	const setMembers = (extra: INodeParameters) => ({
		resource: 'group',
		operation: 'setMembers',
		groupId: byId('group_demoengineers01'),
		dryRun: false,
		...extra,
	});

	test('adds and removes only the difference, by username', async () => {
		const before = [...env.emu.store.groups.get('group_demoengineers01')!.members].sort();
		expect(before).toContain('user_demoalicechen01');
		const items = [{ u: 'alice.chen' }, { u: 'bob.smith' }];
		const out = outputs(
			await env.run(
				setMembers({
					memberIdentifier: 'username',
					member: '={{ $json.u }}',
					maxRemovals: 100,
					maxRemovalPercent: 100,
				}),
				{ items },
			),
		);
		expect(out.slice(0, 2)).toEqual([
			expect.objectContaining({
				action: 'unchanged',
				userId: 'user_demoalicechen01',
				member: 'alice.chen',
			}),
			expect.objectContaining({ action: 'added', applied: true, userId: 'user_demobobsmith01' }),
		]);
		const removed = before.filter((id) => id !== 'user_demoalicechen01');
		expect(out.slice(2).map((o) => [o.action, o.userId])).toEqual(
			removed.map((id) => ['removed', id]),
		);
		expect([...env.emu.store.groups.get('group_demoengineers01')!.members].sort()).toEqual([
			'user_demoalicechen01',
			'user_demobobsmith01',
		]);
		expect(env.requests('AddUsersToGroup')).toBe(1);
		expect(env.requests('RemoveUsersFromGroup')).toBe(removed.length > 0 ? 1 : 0);
	});

	test('the removal guard blocks the whole run', async () => {
		const out = outputs(
			await env.run(setMembers({ member: 'user_demobobsmith01', maxRemovals: 0 }), { items: [{}] }),
		);
		expect(out[0]).toMatchObject({ action: 'added', applied: false });
		expect(String(out[0].blocked)).toMatch(
			/^Nothing applied: the plan removes \d+, more than the maximum of 0 per run$/,
		);
		expect(writes()).toBe(0);
	});
});
