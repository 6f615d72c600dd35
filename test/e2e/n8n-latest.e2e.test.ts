/**
 * End to end: the package in the newest n8n the tests install, 2.41.1 on Node 24 (from the registry's
 * node@24 package). Smoke: the onboarding example runs through its CLI against the emulator (the user ends up in
 * IDaaS), and `n8n start` serves both node types and the credential type.
 *
 * A fresh machine installs 2.41.1 first (~4-7 min, 2.9 GB in the n8n cache, ~/.cache/n8n-nodes-alibaba-idaas/); E2E_SKIP_LATEST=1 skips this file.
 * E2E_LATEST_VERSION names another version, with N8N_EXTERNAL_PREFIX pointing at where it is installed: the n8n 3
 * job (.github/workflows/n8n3.yml) runs this file inside the official Docker image that way.
 */
import { recordOutput, recordSecret } from '../setup/leakGuard';
import { DemoEmulator, startDemoEmulator } from './helpers/emulator';
import {
	describeE2E,
	nodeItems,
	ensureBuilt,
	ensureN8n,
	loadExample,
	N8nSandbox,
	NODE_TYPE,
	TRIGGER_TYPE,
} from './helpers/n8n';
import { credentialRefs, withLocalNotifications } from './helpers/workflows';
import { createCredential, openCredential, testCredential } from './helpers/credentialRest';

const VERSION = process.env.E2E_LATEST_VERSION || '2.41.1';
const skip = process.env.E2E_SKIP_LATEST === '1';
const maybe = skip ? describe.skip : describeE2E;
jest.setTimeout(180_000);

let emulator: DemoEmulator;
let n8n: N8nSandbox;
let credentialId: string;
const onboarding = withLocalNotifications(loadExample('onboarding'));
const agentSecrets = loadExample('agent-secrets');

maybe(`n8n ${VERSION} on Node 24`, () => {
	beforeAll(async () => {
		ensureBuilt();
		const paths = ensureN8n(VERSION);
		emulator = await startDemoEmulator();
		n8n = await N8nSandbox.create(paths, 'latest');
		const [ref] = credentialRefs(onboarding);
		const data = emulator.credentialData();
		recordSecret(data.clientSecret);
		credentialId = ref.id;
		await n8n.importCredentials([{ id: ref.id, name: ref.name, type: 'alibabaIdaasApi', data }]);
		await n8n.importWorkflows([onboarding, agentSecrets]);
	}, 20 * 60_000);

	afterAll(async () => {
		await n8n?.dispose();
		await emulator?.close();
	});

	test('runs on Node 24', async () => {
		const r = await n8n.cliOk(['--version']);
		expect(r.stdout.trim().split('\n').pop()).toBe(VERSION);
		const { spawnSync } = await import('child_process');
		expect(spawnSync(n8n.paths.node, ['--version'], { encoding: 'utf8' }).stdout.trim()).toMatch(
			/^v24\./,
		);
	});

	test('runs the onboarding example through the CLI', async () => {
		const { code, run, result } = await n8n.execute(onboarding.id);
		recordOutput('e2e 2.41 onboarding', result.stdout);
		for (const t of emulator.issuedTokens()) recordSecret(t);
		// An unknown type would fail here with "Unrecognized node type".
		expect(result.stdout).not.toMatch(/Unrecognized node type/);
		expect(code).toBe(0);
		expect(run.status).toBe('success');
		const hire = JSON.parse(
			onboarding.nodes.find((n: any) => n.name === 'New hire').parameters.jsonOutput,
		);
		const user = emulator.findUser({ username: hire.username });
		expect(user).toBeDefined();
		expect(emulator.primaryOuOf(user!.userId)).toBe(emulator.ouNamed(hire.department));
		expect(emulator.groupIdsOfUser(user!.userId).sort()).toEqual(
			(hire.groups as string[]).map((name) => emulator.groupNamed(name)).sort(),
		);
	});

	test('runs the PAM example (agent secrets) with the PAM client token, the default path', async () => {
		const { code, run, result } = await n8n.execute(agentSecrets.id);
		recordOutput('e2e 2.41 agent secrets', result.stdout);
		for (const t of emulator.issuedTokens()) recordSecret(t);
		expect(code).toBe(0);
		expect(run.status).toBe('success');
		expect(nodeItems(run, 'Issue a JWT for the agent')[0]).toMatchObject({
			consumerId: 'support-agent-1',
		});
		expect(emulator.requestsTo('GenerateTokenByAuthorizationServer')).toBe(1);
	});

	test('serves both node types and the credential type to the editor', async () => {
		await n8n.startServer();
		await n8n.setupOwner();
		const names = (await n8n.rest('/types/nodes.json')).map((t: any) => t.name);
		expect(names).toEqual(expect.arrayContaining([NODE_TYPE, TRIGGER_TYPE]));
		const creds = (await n8n.rest('/types/credentials.json')).map((c: any) => c.name);
		expect(creds).toContain('alibabaIdaasApi');
		// The onboarding run stored a token in the credential; the editor still opens and tests it.
		const opened = await openCredential(n8n, credentialId);
		expect(opened.data.expiresAt).toMatch(/^\d{10}$/);
		expect(await testCredential(n8n, opened)).toEqual({
			status: 'OK',
			message: expect.any(String),
		});
		// With Customize PAM Client on, the Test asks for the PAM client's token too and names it when refused.
		const pam = { ...emulator.credentialData(), customizePamClient: true };
		const pamBefore = emulator.requestsTo('GenerateTokenByAuthorizationServer');
		expect(await testCredential(n8n, await createCredential(n8n, 'PAM client', pam))).toEqual({
			status: 'OK',
			message: expect.any(String),
		});
		expect(emulator.requestsTo('GenerateTokenByAuthorizationServer')).toBe(pamBefore + 1);
		const wrong = ['not', 'the', 'pam', 'client', 'value'].join('-');
		recordSecret(wrong);
		const refused = await testCredential(
			n8n,
			await createCredential(n8n, 'PAM client refused', { ...pam, pamClientSecret: wrong }),
		);
		expect(refused.status).toBe('Error');
		expect(refused.message).toContain('PAM');
		expect(refused.message).not.toContain(wrong);
		await n8n.stopServer();
	});
});
