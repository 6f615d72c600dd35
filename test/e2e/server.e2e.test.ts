/**
 * End to end, two parts, on one running `n8n start` (2.8.4) against the IDaaS emulator:
 *  (c) the published welcome example (IDaaS Trigger → e-mail; the e-mail is a NoOp stand-in here) polls the
 *      emulator; a user created in the emulator starts the workflow, and the execution read back through the REST
 *      API carries the event. The shipped example polls every minute; the test uses a custom cron every 10 s
 *      (n8n refuses a `*` in the seconds field, a list of seconds is accepted).
 *  (e) Debian's Chromium (playwright-core) logs into the editor, opens the offboarding example, opens its "Offboard leaver" IDaaS node
 *      and checks that resource, operation and its Leavers Unit picker render; a one-node workflow's user picker lists the demo users. Screenshots: test/e2e/.artifacts/.
 */
import { join } from 'path';

import { recordOutput, recordSecret } from '../setup/leakGuard';
import { launchChromium } from './helpers/browser';
import { DemoEmulator, startDemoEmulator } from './helpers/emulator';
import {
	artifactsDir,
	describeE2E,
	ensureBuilt,
	ensureN8n,
	loadExample,
	N8nPaths,
	N8nSandbox,
	NODE_TYPE,
	requireFromN8n,
	TRIGGER_TYPE,
	waitFor,
} from './helpers/n8n';
import {
	credentialRefs,
	pickerWorkflow,
	withLocalNotifications,
	withPollTimes,
} from './helpers/workflows';
import {
	createCredential,
	openCredential,
	saveCredential,
	testCredential,
	usedByRelease010,
} from './helpers/credentialRest';

const VERSION = '2.8.4';
jest.setTimeout(180_000);

let paths: N8nPaths;
let emulator: DemoEmulator;
let n8n: N8nSandbox;
const POLL_INTERVAL_S = 10;
const welcome = withPollTimes(withLocalNotifications(loadExample('welcome')), {
	mode: 'custom',
	cronExpression: '0,10,20,30,40,50 * * * * *',
});
const offboarding = loadExample('offboarding'); // shipped as is: the editor must render it, Slack node included
const LEGACY = { id: 'idaasLegacyCred01', name: 'IDaaS saved by 0.1.0' };
const LEGACY_TOKEN = 'legacy-access-token-0123456789abcdef';
let welcomeCredentialId: string;
let clientSecret: string;

describeE2E(`n8n start ${VERSION} with the package`, () => {
	beforeAll(async () => {
		ensureBuilt();
		paths = ensureN8n(VERSION);
		emulator = await startDemoEmulator();
		n8n = await N8nSandbox.create(paths, 'server');
		const [ref] = credentialRefs(welcome);
		const data = emulator.credentialData();
		recordSecret(data.clientSecret);
		recordSecret(LEGACY_TOKEN);
		welcomeCredentialId = ref.id;
		clientSecret = data.clientSecret;
		await n8n.importCredentials([
			{ id: ref.id, name: ref.name, type: 'alibabaIdaasApi', data },
			{ ...LEGACY, type: 'alibabaIdaasApi', data: usedByRelease010(data, LEGACY_TOKEN) },
		]);
		await n8n.importWorkflows([welcome, offboarding, pickerWorkflow(ref, NODE_TYPE)]);
		await n8n.publish(welcome.id);
		await n8n.startServer();
		await n8n.setupOwner();
	}, 20 * 60_000);

	afterAll(async () => {
		await n8n?.dispose();
		await emulator?.close();
	});

	test('the node and trigger types are served to the editor', async () => {
		const types = await n8n.rest('/types/nodes.json');
		const names = types.map((t: any) => t.name);
		expect(names).toContain('n8n-nodes-alibaba-idaas.alibabaIdaas');
		expect(names).toContain(TRIGGER_TYPE);
		const creds = await n8n.rest('/types/credentials.json');
		expect(creds.map((c: any) => c.name)).toContain('alibabaIdaasApi');
	});

	test('(c) a user created in IDaaS starts the published trigger workflow', async () => {
		// The activation poll sets the baseline; wait for it, so the new user is a change.
		await waitFor(() => /Activated workflow/.test(n8n.serverLog), {
			timeoutMs: 60_000,
			what: 'the trigger to be activated',
		});
		const before = await listExecutions(welcome.id);
		expect(before).toHaveLength(0);

		const t0 = Date.now();
		const created = await emulator.createUser({
			username: 'trigger.e2e',
			displayName: 'Trigger E2E',
			email: 'trigger.e2e@example.com',
		});

		const exec = await waitFor(async () => (await listExecutions(welcome.id))[0], {
			timeoutMs: 90_000,
			intervalMs: 1000,
			what: `an execution of "${welcome.name}"`,
		});
		const seconds = (Date.now() - t0) / 1000;
		process.stderr.write(`[e2e] trigger execution after ${seconds.toFixed(1)} s\n`);
		// Within one poll interval (10 s), plus a margin for a loaded 2-core CI machine (execution saved, REST read).
		expect(seconds).toBeLessThan(POLL_INTERVAL_S + 10);

		const full = await waitFor(
			async () => {
				const e = (await n8n.rest(`/rest/executions/${exec.id}`)).data;
				return e.finished || e.status === 'success' ? e : undefined;
			},
			{ timeoutMs: 30_000, what: 'the execution to finish' },
		);
		expect(full.status).toBe('success');
		const { parse } = requireFromN8n(paths, 'flatted');
		const runData = parse(full.data).resultData.runData;
		recordOutput('e2e trigger execution', runData);
		const triggerName = welcome.nodes.find((n: any) => n.type === TRIGGER_TYPE).name;
		const items = runData[triggerName][0].data.main[0].map((i: any) => i.json);
		const event = items.find((i: any) => JSON.stringify(i).includes(created.userId));
		expect(event).toBeDefined();
		expect(JSON.stringify(event)).toContain('trigger.e2e');
		// The e-mail stand-in rendered the message for the new user.
		const mail = runData['Send welcome e-mail'][0].data.main[0].map((i: any) => i.json);
		expect(mail).toHaveLength(items.length);
		expect(mail[0].toEmail).toBe('trigger.e2e@example.com');
		expect(mail[0].text).toContain('trigger.e2e');
	});

	test('(f) after use, the credential opens, tests and saves; one saved by release 0.1.0 opens too', async () => {
		// Test (c) ran the trigger, which fetched a token and stored it with its expiry in the credential.
		for (const id of [LEGACY.id, welcomeCredentialId]) {
			const opened = await openCredential(n8n, id);
			expect(JSON.stringify(opened.data)).not.toContain(clientSecret);
			expect(JSON.stringify(opened.data)).not.toContain(LEGACY_TOKEN);
			// The legacy credential's stored token is unknown to the emulator: Test must not depend on it.
			const tokens = emulator.generateTokenCalls();
			expect(await testCredential(n8n, opened)).toEqual({
				status: 'OK',
				message: expect.any(String),
			});
			expect(emulator.generateTokenCalls()).toBe(tokens + 1);
			await saveCredential(n8n, opened);
			await openCredential(n8n, id);
		}
		const used = await openCredential(n8n, welcomeCredentialId);
		expect(used.data.expiresAt).toMatch(/^\d{10}$/);

		// A credential typed by hand with a wrong secret: a clear answer that names what to check, no secret in it.
		const wrongSecret = 'wrong-secret-typed-by-hand-0123';
		recordSecret(wrongSecret);
		const typed = { ...emulator.credentialData(), clientSecret: wrongSecret };
		const result = await testCredential(n8n, await createCredential(n8n, 'typed by hand', typed));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/client ID (and|or) client secret/);
		expect(result.message).not.toContain(wrongSecret);
	});

	test('(e) the editor renders the IDaaS node: resource, operation, user picker', async () => {
		const owner = { email: 'e2e@example.com', password: 'E2ePassw0rd!x' };
		const out = artifactsDir();
		const { context, close } = await launchChromium();
		const page = await context.newPage();
		try {
			await page.goto(`${n8n.baseUrl}/signin`);
			await page
				.locator('input[name="emailOrLdapLoginId"], input[name="email"]')
				.first()
				.fill(owner.email);
			await page.locator('input[name="password"]').fill(owner.password);
			await page.keyboard.press('Enter');
			await page.waitForURL(/\/(home|workflows)/, { timeout: 60_000 });

			await page.goto(`${n8n.baseUrl}/workflow/${offboarding.id}`);
			const canvasNode = page
				.locator('[data-test-id="canvas-node"]', { hasText: 'Offboard leaver' })
				.first();
			await canvasNode.waitFor({ timeout: 60_000 });
			await page.screenshot({ path: join(out, 'editor-workflow.png') });
			await canvasNode.dblclick();

			const ndv = page.locator('[data-test-id="ndv"]');
			await ndv.waitFor({ timeout: 30_000 });
			const resource = ndv.locator('[data-test-id="parameter-input-resource"]');
			const operation = ndv.locator('[data-test-id="parameter-input-operation"]');
			await resource.waitFor({ timeout: 30_000 });
			await expectValue(resource, /User/);
			await expectValue(operation, /Offboard/);
			const picker = ndv.locator('[data-test-id="resource-locator-leaversOrganizationalUnitId"]');
			await picker.waitFor({ timeout: 30_000 });
			await page.screenshot({ path: join(out, 'editor-idaas-node.png') });
			expect(await picker.isVisible()).toBe(true);

			// The picker lists the emulator's users through the running n8n (listSearch.getUsers; label "Display Name
			// (username)"). The examples fill their pickers with expressions, where n8n disables From List, so this is a
			// one-node workflow whose picker starts empty in From List mode.
			await page.goto(`${n8n.baseUrl}/workflow/idaasE2ePicker01`);
			const pickNode = page
				.locator('[data-test-id="canvas-node"]', { hasText: 'Pick a user' })
				.first();
			await pickNode.waitFor({ timeout: 60_000 });
			await pickNode.dblclick();
			const userPicker = page.locator(
				'[data-test-id="ndv"] [data-test-id="resource-locator-userId"]',
			);
			await userPicker.waitFor({ timeout: 30_000 });
			await userPicker.locator('[data-test-id="rlc-input"]').click();
			// The first users of the demo seed, labelled by the node.
			for (const label of [
				'Alice Chen (alice.chen)',
				'Bob Smith (bob.smith)',
				'Chloe Martin (chloe.martin)',
			]) {
				await page.getByText(label, { exact: true }).first().waitFor({ timeout: 30_000 });
			}
			await page.screenshot({ path: join(out, 'editor-user-picker.png') });
		} catch (e) {
			await page.screenshot({ path: join(out, 'editor-failure.png') }).catch(() => undefined);
			throw e;
		} finally {
			await close();
		}
	});
});

async function expectValue(
	locator: import('playwright-core').Locator,
	pattern: RegExp,
): Promise<void> {
	const input = locator.locator('input').first();
	const value = (await input.count()) ? await input.inputValue() : await locator.innerText();
	expect(value).toMatch(pattern);
}

async function listExecutions(workflowId: string): Promise<any[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const body = await n8n.rest(`/rest/executions?filter=${filter}&limit=10`);
	return body.data.results ?? body.data;
}
