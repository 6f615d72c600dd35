import { readFileSync } from 'fs';
import type { INode } from 'n8n-workflow';
import { join } from 'path';

import { startEmulator, type Emulator } from '../../emulator/server';
import fixture from '../fixtures/workflows/0.1.0.json';
import { CHANGED_SINCE_0_1_0 } from '../fixtures/workflows/changes-0.1.0';
import { sentRequests } from '../fixtures/workflows/wire';
import { node } from '../harness/emulatorEnv';
import { emulatorCredential, N8nHarness } from '../harness/n8n';
import { recordWire, type Wire } from '../harness/wire';
import { recordSecret } from '../setup/leakGuard';

/**
 * Old workflows keep working: the workflow release 0.1.0 saved (node version 1, every kind of field
 * that release had) runs on today's node, inside n8n-core, and sends what 0.1.0 sent, request for
 * request (test/fixtures/workflows/record.ts recorded them with the 0.1.0 node). The same fixture
 * runs in real n8n in test/e2e/workflows.e2e.test.ts.
 */

const ours = fixture.workflow.nodes.filter((saved) => saved.type.endsWith('.alibabaIdaas')) as unknown as INode[];

let emu: Emulator;
let wire: Wire;
let harness: N8nHarness;

beforeAll(async () => {
	emu = await startEmulator({ port: 0, seed: 'demo' });
	recordSecret(emu.application.clientSecret);
	wire = await recordWire(emu.url);
	harness = new N8nHarness({ ...emulatorCredential(emu), customEndpoint: wire.url });
});
afterAll(async () => {
	await wire.close();
	await emu.close();
});

test('the fixture covers every kind of field 0.1.0 had', () => {
	const saved = JSON.stringify(ours.map((saved) => saved.parameters));
	for (const shape of ['"mode":"id"', '"mode":"list"', '"mode":"username"', '"mode":"email"', '"customFields":{"values":[', '"passwordInitializationConfig":{"values":{', '"options":{"concurrency"', '"returnAll":true', '"limit":']) {
		expect(saved).toContain(shape);
	}
	expect(ours).toHaveLength(Object.keys(fixture.requests).length);
});

// In order, on one emulator: a node sees what the nodes before it changed, as in the recording.
test.each(ours.map((saved) => [saved.name, saved] as const))('%s sends what 0.1.0 sent', async (name, saved) => {
	wire.requests.length = 0;
	const result = await harness.execute(node, saved.parameters, { typeVersion: saved.typeVersion, continueOnFail: true });
	const changed = CHANGED_SINCE_0_1_0[name];
	if (changed) {
		// A deliberate change, listed in the CHANGELOG.
		expect(sentRequests(wire.requests)).toEqual(changed.requests);
		expect(String(result.items[0]?.json.error)).toContain(changed.error);
		expect(readFileSync(join(__dirname, '../../CHANGELOG.md'), 'utf8')).toContain(changed.changelog);
		return;
	}
	expect(sentRequests(wire.requests)).toEqual(fixture.requests[name as keyof typeof fixture.requests]);
});
