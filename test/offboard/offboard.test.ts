import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Env } from '../harness/emulatorEnv';
import { byId, outputs, startEnv } from '../harness/emulatorEnv';

/**
 * User → Offboard on the demo directory: daniel.kim (primary Platform, secondary Sales, groups All
 * Staff and Engineers) leaves. Each step is checked in the emulator's state, a rerun sends no
 * write, and a faulted step leaves the others done and is finished by the rerun.
 */

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

const DANIEL = 'user_demodanielkim01';
const LEAVERS = 'ou_demohr01';
const PROVIDER = 'demo-jwt-provider';
const WRITES = [
	'DisableUser',
	'RemoveUsersFromGroup',
	'RemoveUserFromOrganizationalUnits',
	'SetUserPrimaryOrganizationalUnit',
	'RevokeAuthenticationTokenByConsumer',
	'DeleteUser',
];
const writes = () => WRITES.reduce((sum, action) => sum + env.requests(action), 0);
const ALL_STEPS = [
	'disable',
	'removeFromGroups',
	'removeFromUnits',
	'moveToLeavers',
	'revokeTokens',
];

function offboard(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'user',
		operation: 'offboard',
		personIdentifier: 'email',
		person: '={{ $json.email }}',
		dryRun: false,
		leaversOrganizationalUnitId: byId(LEAVERS),
		jwtProviders: PROVIDER,
		...extra,
	};
}

/** Two live JWTs issued to Daniel (consumer: his user ID). */
async function issueTokens(): Promise<void> {
	for (let i = 0; i < 2; i++) {
		const result = await env.run({
			resource: 'authenticationToken',
			operation: 'generateJwt',
			credentialProviderIdentifier: PROVIDER,
			subject: DANIEL,
			audiences: 'https://api.example',
		});
		expect(result.error).toBeUndefined();
	}
	env.emu.stats.reset();
}

const liveTokens = () =>
	[...env.emu.store.pam.tokens.values()].filter((t) => t.consumerId === DANIEL && !t.revoked)
		.length;
const daniel = [{ email: 'daniel.kim@acme.example' }];

test('a dry run (the default) says every step with names, and sends no write', async () => {
	await issueTokens();
	const params = offboard();
	delete params.dryRun;
	const [item] = outputs(await env.run(params, { items: daniel }));
	expect(item).toMatchObject({
		action: 'offboarded',
		applied: false,
		dryRun: true,
		userId: DANIEL,
		username: 'daniel.kim',
		done: ALL_STEPS,
		alreadySo: [],
		failed: [],
		groups: [
			{ groupId: 'group_demoallstaff01', groupName: 'All Staff' },
			{ groupId: 'group_demoengineers01', groupName: 'Engineers' },
		],
		secondaryUnits: [{ organizationalUnitId: 'ou_demosales01', organizationalUnitName: 'Sales' }],
		previousPrimaryOrganizationalUnit: {
			organizationalUnitId: 'ou_demoplatform01',
			organizationalUnitName: 'Platform',
		},
		tokens: [{ credentialProviderIdentifier: PROVIDER, consumerId: DANIEL, liveTokens: 2 }],
	});
	expect(writes()).toBe(0);
	expect(env.emu.store.user(DANIEL).status).toBe('enabled');
	expect(liveTokens()).toBe(2);
});

test('every step is applied: disabled, out of every group and secondary unit, moved, tokens revoked', async () => {
	await issueTokens();
	const [item] = outputs(await env.run(offboard(), { items: daniel }));
	expect(item).toMatchObject({ action: 'offboarded', applied: true, done: ALL_STEPS, failed: [] });
	const user = env.emu.store.user(DANIEL);
	expect(user.status).toBe('disabled');
	expect(env.emu.store.groupIdsOf(DANIEL)).toEqual([]);
	expect(user.secondaryOrganizationalUnitIds).toEqual([]);
	expect(user.primaryOrganizationalUnitId).toBe(LEAVERS);
	expect(liveTokens()).toBe(0);
	// 1 look-up + 1 read + disable + 2 groups + 1 call for all secondary units + move + token list + revoke.
	// Counted as answered operations: which token requests (and renewals) an execution needs is the token
	// suites' to check.
	const answered = Object.entries(env.emu.stats.byAction).filter(
		([action]) => action !== 'GenerateToken',
	);
	expect(answered.reduce((sum, [, statuses]) => sum + (statuses['200'] ?? 0), 0)).toBe(9);
});

test('a rerun changes nothing and says so', async () => {
	await issueTokens();
	await env.run(offboard(), { items: daniel });
	env.emu.stats.reset();
	const [item] = outputs(await env.run(offboard(), { items: daniel }));
	expect(item).toMatchObject({
		action: 'unchanged',
		applied: false,
		done: [],
		alreadySo: ALL_STEPS,
		failed: [],
		groups: [],
		secondaryUnits: [],
	});
	expect(writes()).toBe(0);
});

test('a faulted step: the others still run, the item says which failed, a rerun finishes it', async () => {
	await issueTokens();
	env.emu.faults.serverError({
		action: 'RemoveUsersFromGroup',
		times: 1,
		status: 400,
		code: 'Injected.Refused',
	});
	const [first] = outputs(await env.run(offboard(), { items: daniel }));
	expect(first.action).toBe('failed');
	expect(first.failed).toEqual([
		expect.objectContaining({
			step: 'removeFromGroups',
			code: 'Injected.Refused',
			groupId: 'group_demoallstaff01',
			groupName: 'All Staff',
		}),
	]);
	expect(first.done).toEqual(ALL_STEPS);
	expect(env.emu.store.groupIdsOf(DANIEL)).toEqual(['group_demoallstaff01']);
	expect(env.emu.store.user(DANIEL)).toMatchObject({
		status: 'disabled',
		primaryOrganizationalUnitId: LEAVERS,
		secondaryOrganizationalUnitIds: [],
	});
	expect(liveTokens()).toBe(0);

	env.emu.stats.reset();
	const [second] = outputs(await env.run(offboard(), { items: daniel }));
	expect(second).toMatchObject({
		action: 'offboarded',
		done: ['removeFromGroups'],
		alreadySo: ['disable', 'removeFromUnits', 'moveToLeavers', 'revokeTokens'],
		failed: [],
	});
	expect(env.emu.store.groupIdsOf(DANIEL)).toEqual([]);
	expect(writes()).toBe(1);
});

test.each([
	['DisableUser', 'disable'],
	['RemoveUserFromOrganizationalUnits', 'removeFromUnits'],
	['SetUserPrimaryOrganizationalUnit', 'moveToLeavers'],
	['RevokeAuthenticationTokenByConsumer', 'revokeTokens'],
])('a refused %s fails only its step; Delete After waits for the rerun', async (action, step) => {
	await issueTokens();
	env.emu.faults.serverError({ action, times: 1, status: 400, code: 'Injected.Refused' });
	const [first] = outputs(await env.run(offboard({ deleteAfter: true }), { items: daniel }));
	expect((first.failed as IDataObject[]).map((f) => f.step)).toEqual([step, 'delete']);
	expect(first.done).toEqual(ALL_STEPS.filter((s) => s !== step));
	expect(env.emu.store.users.has(DANIEL)).toBe(true);
	const [second] = outputs(await env.run(offboard({ deleteAfter: true }), { items: daniel }));
	expect(second).toMatchObject({ action: 'offboarded', done: [step, 'delete'], failed: [] });
	expect(env.emu.store.users.has(DANIEL)).toBe(false);
	const [third] = outputs(await env.run(offboard({ deleteAfter: true }), { items: daniel }));
	expect(third).toMatchObject({ action: 'notFound', applied: false });
});

test('people by user ID, username and external ID; without a Leavers unit or providers those steps are not taken', async () => {
	const byUserId = outputs(
		await env.run(
			offboard({
				personIdentifier: 'userId',
				person: 'user_demoalicechen01',
				leaversOrganizationalUnitId: '',
				jwtProviders: '',
			}),
			{ items: [{}] },
		),
	);
	expect(byUserId[0]).toMatchObject({
		action: 'offboarded',
		done: ['disable', 'removeFromGroups'],
		alreadySo: ['removeFromUnits'],
	});
	expect(env.emu.store.user('user_demoalicechen01').primaryOrganizationalUnitId).toBe(
		'ou_demoengineering01',
	);
	const byUsername = outputs(
		await env.run(offboard({ personIdentifier: 'username', person: 'grace.lee' }), { items: [{}] }),
	);
	expect(byUsername[0]).toMatchObject({ userId: 'user_demogracelee01', secondaryUnits: [] });
	// Grace's secondary unit is HR, the Leavers unit: it becomes her primary one instead of being removed.
	expect(env.emu.store.user('user_demogracelee01').primaryOrganizationalUnitId).toBe(LEAVERS);
	const external = env.emu.store.user('user_demobobsmith01').userExternalId;
	const byExternal = outputs(
		await env.run(offboard({ personIdentifier: 'userExternalId', person: String(external) }), {
			items: [{}],
		}),
	);
	expect(byExternal[0]).toMatchObject({ userId: 'user_demobobsmith01', action: 'offboarded' });
	const unknown = outputs(
		await env.run(offboard({ person: 'nobody@acme.example' }), { items: [{}] }),
	);
	expect(unknown[0]).toMatchObject({ action: 'notFound', applied: false });
});

test('bad input is a NodeOperationError naming the field, before any request', async () => {
	const blank = await env.run(offboard({ person: '={{ "" }}' }), { items: [{}] });
	expect(blank.error?.message).toBe('Person is required: the email of a user, got ""');
	const badId = await env.run(offboard({ personIdentifier: 'userId', person: 'bob' }), {
		items: [{}],
	});
	expect(badId.error?.name).toBe('NodeOperationError');
	const badEmail = await env.run(offboard({ person: 'not-an-email' }), { items: [{}] });
	expect(badEmail.error?.message).toMatch(/^Email/);
	expect(env.requests()).toBe(0);
});

test('the change report sums up the run: counts by action and one row per change', async () => {
	await issueTokens();
	const items = [...daniel, { email: 'nobody@acme.example' }];
	const out = outputs(await env.run(offboard({ changeReport: true }), { items }));
	expect(out).toHaveLength(3);
	expect(out[2]).toEqual({
		changeReport: 'offboard',
		counts: { offboarded: 1, notFound: 1 },
		changes: [
			{ who: 'daniel.kim', userId: DANIEL, what: 'disable', before: 'enabled', after: 'disabled' },
			{
				who: 'daniel.kim',
				userId: DANIEL,
				what: 'removeFromGroups',
				before: 'All Staff, Engineers',
				after: '',
			},
			{ who: 'daniel.kim', userId: DANIEL, what: 'removeFromUnits', before: 'Sales', after: '' },
			{
				who: 'daniel.kim',
				userId: DANIEL,
				what: 'moveToLeavers',
				before: 'Platform',
				after: LEAVERS,
			},
			{
				who: 'daniel.kim',
				userId: DANIEL,
				what: 'revokeTokens',
				before: `2 live (${PROVIDER})`,
				after: 'revoked',
			},
		],
	});
});
