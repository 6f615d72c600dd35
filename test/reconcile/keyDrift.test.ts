import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Env } from '../harness/emulatorEnv';
import { byId, outputs, startEnv } from '../harness/emulatorEnv';

/**
 * A person whose match key changed in the source (HR gave them a new e-mail, a new username) is
 * the same person: Reconcile updates their account or reports a conflict, and never deletes it to
 * create another (which would give it a new ID and lose its groups, secondary units, password and
 * tokens). Demo directory: Engineering (alice.chen, grace.lee) and its sub-unit Platform
 * (chloe.martin, daniel.kim) are the authority.
 */

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

const ENG = 'ou_demoengineering01';
const PLATFORM = 'ou_demoplatform01';
const ALICE = 'user_demoalicechen01';

/** The four accounts of the authority as the source gives them, keyed by e-mail. */
function source(): IDataObject[] {
	return [
		'user_demoalicechen01',
		'user_demogracelee01',
		'user_demochloemartin01',
		'user_demodanielkim01',
	].map((id) => {
		const user = env.emu.store.user(id);
		return {
			id: user.userExternalId,
			login: user.username,
			name: user.displayName,
			mail: user.email,
			ou: user.primaryOrganizationalUnitId,
		};
	});
}

function reconcile(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'user',
		operation: 'reconcile',
		authorityOrganizationalUnitId: byId(ENG),
		matchKey: 'email',
		absentUsers: 'delete',
		dryRun: false,
		maxRemovals: 100,
		maxRemovalPercent: 100,
		userExternalId: '={{ $json.id }}',
		username: '={{ $json.login }}',
		displayName: '={{ $json.name }}',
		primaryOrganizationalUnitId: { __rl: true, mode: 'id', value: '={{ $json.ou }}' },
		additionalFields: { email: '={{ $json.mail }}' },
		...extra,
	};
}

test('Match On Email, Accounts Missing = Delete: a changed e-mail updates the account, keeping its ID, groups and units', async () => {
	const groupsBefore = env.emu.store.groupIdsOf(ALICE);
	const rows = source();
	rows[0] = { ...rows[0], mail: 'alice.wu@acme.example' };

	const dry = outputs(await env.run(reconcile({ dryRun: true }), { items: rows }));
	expect(dry[0]).toMatchObject({
		action: 'updated',
		keyDrift: true,
		userId: ALICE,
		changedFields: ['email'],
	});
	expect(dry.filter((o) => o.action === 'deleted' || o.action === 'created')).toEqual([]);

	const out = outputs(await env.run(reconcile(), { items: rows }));
	expect(out.map((o) => o.action)).toEqual(['updated', 'unchanged', 'unchanged', 'unchanged']);
	expect(out[0]).toMatchObject({ userId: ALICE, applied: true, keyDrift: true });
	expect(env.emu.store.user(ALICE)).toMatchObject({
		email: 'alice.wu@acme.example',
		username: 'alice.chen',
	});
	expect(env.emu.store.groupIdsOf(ALICE)).toEqual(groupsBefore);
	expect(env.requests('DeleteUser') + env.requests('CreateUser')).toBe(0);
});

test('a drifted key whose other keys name another account is a conflict, never a delete', async () => {
	const rows = source();
	// Alice's row gets a new e-mail and Grace's external ID: two accounts claim the same person.
	rows[0] = { ...rows[0], mail: 'someone@acme.example', id: 'E1007' };
	rows.splice(1, 1);
	const out = outputs(await env.run(reconcile(), { items: rows }));
	expect(out[0]).toMatchObject({ action: 'conflict', keyDrift: true });
	expect(String(out[0].reason)).toMatch(
		/user_demoalicechen01.*user_demogracelee01|user_demogracelee01.*user_demoalicechen01/,
	);
	expect(env.emu.store.users.has(ALICE)).toBe(true);
	expect(env.emu.store.users.has('user_demogracelee01')).toBe(true);
	expect(env.requests('DeleteUser') + env.requests('CreateUser')).toBe(0);
});

test('the guard counts key drift apart from removals', async () => {
	const rows = source();
	rows[0] = { ...rows[0], mail: 'alice.wu@acme.example' };
	rows[1] = { ...rows[1], login: 'grace.l', mail: 'grace.l@acme.example' };
	const out = outputs(await env.run(reconcile({ dryRun: true, maxRemovals: 0 }), { items: rows }));
	expect(out.filter((o) => o.keyDrift === true).map((o) => o.userId)).toEqual([
		ALICE,
		'user_demogracelee01',
	]);
	expect(out.some((o) => o.warning !== undefined)).toBe(false);
	expect(out.map((o) => o.action)).toEqual(['updated', 'updated', 'unchanged', 'unchanged']);
});

describe('accounts listed under a unit they are only a secondary member of', () => {
	const BOB = 'user_demobobsmith01';
	beforeEach(() => {
		// Bob (Sales) is a secondary member of Engineering and Platform; ListUsers lists secondary members too.
		env.emu.store.addUserToOus(BOB, [ENG, PLATFORM]);
		env.emu.store.listSecondaryMembers = true;
	});

	test('are never deleted, disabled or moved: their primary unit is read first', async () => {
		const out = outputs(await env.run(reconcile(), { items: source() }));
		expect(out.map((o) => o.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
		expect(env.emu.store.users.has(BOB)).toBe(true);
		expect(env.requests('GetUser')).toBe(1);
		expect(env.requests('DeleteUser') + env.requests('DisableUser')).toBe(0);
	});

	test('a user listed twice is planned once', async () => {
		const rows = source().filter((row) => row.login !== 'daniel.kim');
		// Daniel (Platform) is also a secondary member of Engineering: one account, one delete.
		env.emu.store.addUserToOus('user_demodanielkim01', [ENG]);
		const out = outputs(await env.run(reconcile({ absentUsers: 'disable' }), { items: rows }));
		expect(out.filter((o) => o.userId === 'user_demodanielkim01').map((o) => o.action)).toEqual([
			'disabled',
		]);
		expect(out.some((o) => o.userId === BOB)).toBe(false);
		expect(env.requests('DisableUser')).toBe(1);
	});

	test('a row placing such a user in the authority does not move them in', async () => {
		const bob = env.emu.store.user(BOB);
		const rows = [
			...source(),
			{
				id: bob.userExternalId,
				login: bob.username,
				name: bob.displayName,
				mail: bob.email,
				ou: ENG,
			},
		];
		const out = outputs(await env.run(reconcile({ matchKey: 'username' }), { items: rows }));
		expect(out[4].action).not.toBe('moved');
		expect(env.emu.store.user(BOB).primaryOrganizationalUnitId).toBe('ou_demosales01');
	});
});

describe('verified flags on a changed e-mail', () => {
	const rows = () => {
		const all = source();
		all[0] = { ...all[0], login: 'alice.chen', mail: 'alice.new@acme.example' };
		return all;
	};

	test('are not set unless the user chose so', async () => {
		await env.run(reconcile({ matchKey: 'username' }), { items: rows() });
		expect(env.emu.store.user(ALICE)).toMatchObject({
			email: 'alice.new@acme.example',
			emailVerified: false,
		});
	});

	test('are set with Mark Changed Contacts Verified, or when the row says so', async () => {
		await env.run(reconcile({ matchKey: 'username', markContactsVerified: true }), {
			items: rows(),
		});
		expect(env.emu.store.user(ALICE).emailVerified).toBe(true);
		env.emu.reset();
		await env.run(
			reconcile({
				matchKey: 'username',
				additionalFields: { email: '={{ $json.mail }}', emailVerified: true },
			}),
			{ items: rows() },
		);
		expect(env.emu.store.user(ALICE).emailVerified).toBe(true);
	});

	test('a new account still gets its e-mail verified, as Create does', async () => {
		const all = [
			...source(),
			{ id: 'E3001', login: 'new.hire', name: 'New Hire', mail: 'new.hire@acme.example', ou: ENG },
		];
		const out = outputs(await env.run(reconcile({ matchKey: 'username' }), { items: all }));
		expect(env.emu.store.user(String(out[4].userId)).emailVerified).toBe(true);
	});
});
