/**
 * End to end: the shipped example workflows run in a real n8n 2.8.4 (its CLI: import:credentials,
 * import:workflow, execute --id) against the IDaaS emulator on 127.0.0.1, and the emulator's state is checked
 * afterwards. Then token expiry between two executions: n8n must fetch exactly one new token and store it.
 *
 * Slow on a fresh machine: the first run installs n8n into the n8n cache, ~/.cache/n8n-nodes-alibaba-idaas/ (~4-7 min); later runs take ~1 min.
 */
import { recordOutput, recordSecret } from '../setup/leakGuard';
import { DemoEmulator, startDemoEmulator } from './helpers/emulator';
import {
	describeE2E,
	ensureBuilt,
	ensureN8n,
	loadExample,
	N8nSandbox,
	nodeItems,
} from './helpers/n8n';
import { credentialRefs, withLocalNotifications } from './helpers/workflows';

const VERSION = '2.8.4';
jest.setTimeout(120_000);

let emulator: DemoEmulator;
let n8n: N8nSandbox;

const examples = {
	onboarding: withLocalNotifications(loadExample('onboarding')),
	offboarding: withLocalNotifications(loadExample('offboarding')),
	hrSync: withLocalNotifications(loadExample('hr-sync')),
	hrReconcile: withLocalNotifications(loadExample('hr-reconcile')),
	agentSecrets: loadExample('agent-secrets'),
};

async function run(workflow: any) {
	const { code, run, result } = await n8n.execute(workflow.id);
	recordOutput(`e2e execute ${workflow.name}`, result.stdout);
	for (const t of emulator.issuedTokens()) recordSecret(t);
	if (code !== 0 || run.status !== 'success') {
		throw new Error(
			`${workflow.name} ended ${run.status} (exit ${code}): ${JSON.stringify(run.data?.resultData?.error ?? {}).slice(0, 2000)}`,
		);
	}
	return run;
}

describeE2E(`examples in real n8n ${VERSION} against the emulator`, () => {
	beforeAll(async () => {
		ensureBuilt();
		const paths = ensureN8n(VERSION);
		emulator = await startDemoEmulator();
		n8n = await N8nSandbox.create(paths, 'examples');
		const refs = credentialRefs(examples.onboarding);
		expect(refs).toHaveLength(1);
		const data = emulator.credentialData();
		recordSecret(data.clientSecret);
		await n8n.importCredentials([
			{ id: refs[0].id, name: refs[0].name, type: 'alibabaIdaasApi', data },
		]);
		await n8n.importWorkflows(Object.values(examples));
	}, 20 * 60_000);

	afterAll(async () => {
		await n8n?.dispose();
		await emulator?.close();
	});

	test('agent secrets (PAM): the PAM client token by default, the key withheld, a JWT for the agent', async () => {
		const pamBefore = emulator.requestsTo('GenerateTokenByAuthorizationServer');
		const r = await run(examples.agentSecrets);
		const [key] = nodeItems(r, 'Read the LLM API key');
		expect(key.credentialContent).toEqual({ apiKeyContent: { apiKey: '[redacted]' } });
		const [jwt] = nodeItems(r, 'Issue a JWT for the agent');
		expect(jwt).toMatchObject({
			consumerId: 'support-agent-1',
			authenticationTokenId: expect.any(String),
		});
		expect(nodeItems(r, "List the agent's tokens").map((t) => t.authenticationTokenId)).toContain(
			jwt.authenticationTokenId,
		);
		// One token of the authorization server (the default path) for the three PAM steps, stored in the credential.
		expect(emulator.requestsTo('GenerateTokenByAuthorizationServer')).toBe(pamBefore + 1);
		const [stored] = (await n8n.exportCredentialsDecrypted()).filter(
			(c) => c.type === 'alibabaIdaasApi',
		);
		expect(emulator.issuedTokens()).toContain(stored.data.pamAccessToken);
	});

	// First, while Engineering holds only the demo's four people (the other examples add to it).
	test('HR reconcile: dry run, approval, apply, Slack summary; a second run plans nothing', async () => {
		const hr = JSON.parse(
			examples.hrReconcile.nodes.find((n: any) => n.name === 'HR export').parameters.jsonOutput,
		);
		expect(emulator.findUser({ userExternalId: 'E3001' })).toBeUndefined();

		const r = await run(examples.hrReconcile);

		const plan = nodeItems(r, 'Reconcile (dry run)');
		expect(plan.map((o: any) => [o.action, o.dryRun, o.applied])).toEqual([
			['updated', true, false],
			['moved', true, false],
			['unchanged', true, false],
			['created', true, false],
			['disabled', true, false],
		]);
		const applied = nodeItems(r, 'Reconcile (apply)');
		expect(applied.map((o: any) => [o.action, o.applied])).toEqual([
			['updated', true],
			['moved', true],
			['unchanged', false],
			['created', true],
			['disabled', true],
		]);
		expect(emulator.findUser({ userExternalId: 'E1001' })!.displayName).toBe(
			hr.rows[0].displayName,
		);
		expect(emulator.primaryOuOf(emulator.findUser({ userExternalId: 'E1007' })!.userId)).toBe(
			'ou_demoplatform01',
		);
		expect(emulator.findUser({ userExternalId: 'E3001' })).toMatchObject({
			username: 'hugo.tran',
			status: 'enabled',
		});
		expect(emulator.findUser({ username: 'daniel.kim' })!.status).toBe('disabled');
		// Outside Engineering nobody is touched.
		expect(emulator.findUser({ username: 'bob.smith' })!.status).toBe('enabled');
		const [summary] = nodeItems(r, 'Slack summary');
		expect(summary.text).toBe(
			':busts_in_silhouette: HR reconcile of Engineering applied: created 1, updated 1, moved 1, enabled 0, disabled 1, deleted 0; conflicts 0, failed 0.',
		);

		const again = await run(examples.hrReconcile);
		expect(nodeItems(again, 'Reconcile (apply)').map((o: any) => o.action)).toEqual([
			'unchanged',
			'unchanged',
			'unchanged',
			'unchanged',
		]);
	});

	test('onboarding: the new hire exists in the right OU and groups', async () => {
		const hire = JSON.parse(
			examples.onboarding.nodes.find((n: any) => n.name === 'New hire').parameters.jsonOutput,
		);
		expect(emulator.findUser({ username: hire.username })).toBeUndefined();

		const r = await run(examples.onboarding);

		const user = emulator.findUser({ username: hire.username });
		expect(user).toBeDefined();
		expect(user!.displayName).toBe(hire.displayName);
		expect(user!.email).toBe(hire.email);
		expect(user!.userExternalId).toBe(hire.employeeId);
		// The row names its unit and groups; the node found them by name.
		const groupIds = (hire.groups as string[]).map((name) => emulator.groupNamed(name));
		expect(emulator.primaryOuOf(user!.userId)).toBe(emulator.ouNamed(hire.department));
		expect(emulator.groupIdsOfUser(user!.userId).sort()).toEqual([...groupIds].sort());
		// The notification stand-in ran once, after the group step, with the created user's data.
		expect(nodeItems(r, 'Create or update user')[0].userId).toBe(user!.userId);
		expect(r.data.resultData.runData['Notify IT on Slack']).toHaveLength(1);

		// A second run (the sandbox's Execute button pressed again) matches the hire on the external ID.
		const users = emulator.userCount();
		const again = await run(examples.onboarding);
		expect(nodeItems(again, 'Create or update user')[0].userId).toBe(user!.userId);
		expect(nodeItems(again, 'Create or update user')[0].action).not.toBe('created');
		expect(emulator.userCount()).toBe(users);
		expect(emulator.groupIdsOfUser(user!.userId).sort()).toEqual([...groupIds].sort());
	});

	test('offboarding: one Offboard node disables the leaver and takes them out of every group; a rerun changes nothing', async () => {
		const leaver = JSON.parse(
			examples.offboarding.nodes.find((n: any) => n.name === 'Leaver').parameters.jsonOutput,
		);
		const before = emulator.findUser({ username: leaver.username });
		expect(before).toBeDefined();
		expect(before!.status).toBe('enabled');
		const groupsBefore = emulator.groupIdsOfUser(before!.userId);
		expect(groupsBefore.length).toBeGreaterThan(0);

		const first = await run(examples.offboarding);
		const [person, report] = nodeItems(first, 'Offboard leaver');
		expect(person).toMatchObject({
			action: 'offboarded',
			applied: true,
			userId: before!.userId,
			failed: [],
		});
		expect(person.done).toEqual(expect.arrayContaining(['disable', 'removeFromGroups']));
		expect(person.groups.map((g: any) => g.groupId).sort()).toEqual([...groupsBefore].sort());
		expect(report).toMatchObject({ changeReport: 'offboard', counts: { offboarded: 1 } });

		const after = emulator.findUser({ username: leaver.username })!;
		expect(after.status).toBe('disabled');
		expect(emulator.groupIdsOfUser(after.userId)).toEqual([]);
		// Other members of those groups stay.
		for (const g of groupsBefore) expect(emulator.memberIdsOfGroup(g)).not.toContain(after.userId);

		// Pressed again: nothing left to do, and the item says so.
		const again = await run(examples.offboarding);
		expect(nodeItems(again, 'Offboard leaver')[0]).toMatchObject({
			action: 'unchanged',
			applied: false,
			done: [],
		});
	});

	test('HR sync: rows are upserted by external ID (create, then update, no duplicates)', async () => {
		const rows = JSON.parse(
			examples.hrSync.nodes.find((n: any) => n.name === 'HR export').parameters.jsonOutput,
		).rows;
		for (const row of rows)
			expect(emulator.findUser({ userExternalId: row.employeeId })).toBeUndefined();

		await run(examples.hrSync);
		const created = rows.map((row: any) => emulator.findUser({ userExternalId: row.employeeId }));
		rows.forEach((row: any, i: number) => {
			expect(created[i]).toBeDefined();
			expect(created[i].username).toBe(row.username);
			expect(created[i].displayName).toBe(row.displayName);
			expect(emulator.primaryOuOf(created[i].userId)).toBe(row.organizationalUnitId);
		});

		// HR renames someone; the second sync updates the same account instead of creating another one.
		const renamed = JSON.parse(JSON.stringify(examples.hrSync));
		const hr = renamed.nodes.find((n: any) => n.name === 'HR export');
		const changed = JSON.parse(hr.parameters.jsonOutput);
		changed.rows[0].displayName = 'Carol White-Renamed';
		hr.parameters.jsonOutput = JSON.stringify(changed);
		renamed.id = 'idaasExHrSync002';
		await n8n.importWorkflows([renamed]);
		const usersBefore = emulator.userCount();
		await run(renamed);
		expect(emulator.userCount()).toBe(usersBefore);
		const updated = emulator.findUser({ userExternalId: rows[0].employeeId })!;
		expect(updated.userId).toBe(created[0].userId);
		expect(updated.displayName).toBe('Carol White-Renamed');
	});

	test('token expiry between two executions: one new token, stored by n8n', async () => {
		const [before] = (await n8n.exportCredentialsDecrypted()).filter(
			(c) => c.type === 'alibabaIdaasApi',
		);
		const oldToken = before.data.accessToken;
		expect(typeof oldToken).toBe('string');
		expect(oldToken.length).toBeGreaterThan(10);
		const issuedBefore = emulator.tokensIssued();
		const callsBefore = emulator.generateTokenCalls();
		const refusedBefore = emulator.badRequestAnswers();

		await emulator.expireTokens();
		await run(examples.hrSync); // idempotent by design: a third sync changes nothing

		// The stored token was presented and refused, then exactly one GenerateToken renewed it.
		expect(emulator.badRequestAnswers()).toBeGreaterThan(refusedBefore);
		expect(emulator.generateTokenCalls()).toBe(callsBefore + 1);
		expect(emulator.tokensIssued()).toBe(issuedBefore + 1);
		const [after] = (await n8n.exportCredentialsDecrypted()).filter(
			(c) => c.type === 'alibabaIdaasApi',
		);
		expect(after.data.accessToken).not.toBe(oldToken);
		expect(emulator.issuedTokens()).toContain(after.data.accessToken);
		// …and the next run reuses it.
		await run(examples.hrSync);
		expect(emulator.generateTokenCalls()).toBe(callsBefore + 1);
		expect(emulator.tokensIssued()).toBe(issuedBefore + 1);
	});
});
