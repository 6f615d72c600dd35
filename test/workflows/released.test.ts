import { readFileSync } from 'fs';
import type { IDataObject, INode } from 'n8n-workflow';
import { join } from 'path';

import { startEmulator, type Emulator } from '../../emulator/server';
import { AlibabaIdaasTrigger } from '../../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node';
import fixture from '../fixtures/workflows/0.1.0.json';
import { CHANGED_SINCE_0_1_0 } from '../fixtures/workflows/changes-0.1.0';
import { changeDirectory } from '../fixtures/workflows/trigger-0.1.0';
import { sentRequests } from '../fixtures/workflows/wire';
import { node } from '../harness/emulatorEnv';
import { emulatorCredential, N8nHarness } from '../harness/n8n';
import { recordWire, type Wire } from '../harness/wire';
import { recordSecret } from '../setup/leakGuard';

/**
 * Old workflows keep working: the workflow release 0.1.0 saved (node version 1, every kind of field
 * that release had) runs on today's node, inside n8n-core, and sends what 0.1.0 sent, request for
 * request (test/fixtures/workflows/record.ts recorded them with the 0.1.0 node). The same fixture
 * runs in real n8n in test/e2e/workflows.e2e.test.ts. The 0.1.0 trigger's workflows poll today's
 * trigger: the first poll reads what 0.1.0's read, and a workflow carrying the static data 0.1.0
 * stored reports the same changes 0.1.0 reported after it.
 */

const ours = fixture.workflow.nodes.filter((saved) =>
	saved.type.endsWith('.alibabaIdaas'),
) as unknown as INode[];

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
	// The trigger's fields: every event, both scopes, the unit from the list and by ID, sub-units and simplify.
	const triggers = JSON.stringify(
		fixture.triggers.map((saved) => saved.workflow.nodes[0].parameters),
	);
	for (const shape of [
		'"moved","disabled"',
		'"scope":"organizationalUnit"',
		'"mode":"list"',
		'"mode":"id"',
		'"includeSubUnits":false',
		'"simplify":false',
	]) {
		expect(triggers).toContain(shape);
	}
	expect(
		fixture.triggers.some((saved) => Object.keys(saved.workflow.nodes[0].parameters).length === 0),
	).toBe(true);

	const saved = JSON.stringify(ours.map((saved) => saved.parameters));
	for (const shape of [
		'"mode":"id"',
		'"mode":"list"',
		'"mode":"username"',
		'"mode":"email"',
		'"customFields":{"values":[',
		'"passwordInitializationConfig":{"values":{',
		'"options":{"concurrency"',
		'"returnAll":true',
		'"limit":',
		'"durationSeconds":1800',
		'"resource":"token"',
		'"resource":"cloudAccountRole"',
	]) {
		expect(saved).toContain(shape);
	}
	expect(ours).toHaveLength(Object.keys(fixture.requests).length);
});

// In order, on one emulator: a node sees what the nodes before it changed, as in the recording.
test.each(ours.map((saved) => [saved.name, saved] as const))(
	'%s sends what 0.1.0 sent',
	async (name, saved) => {
		wire.requests.length = 0;
		const result = await harness.execute(node, saved.parameters, {
			typeVersion: saved.typeVersion,
			continueOnFail: true,
		});
		const changed = CHANGED_SINCE_0_1_0[name];
		if (changed) {
			// A deliberate change, listed in the CHANGELOG.
			expect(sentRequests(wire.requests)).toEqual(changed.requests);
			expect(String(result.items[0]?.json.error)).toContain(changed.error);
			expect(readFileSync(join(__dirname, '../../CHANGELOG.md'), 'utf8')).toContain(
				changed.changelog,
			);
			return;
		}
		expect(sentRequests(wire.requests)).toEqual(
			fixture.requests[name as keyof typeof fixture.requests],
		);
	},
);

describe.each(fixture.triggers.map((saved) => [saved.workflow.nodes[0].name, saved] as const))(
	'%s (IDaaS Trigger, 0.1.0)',
	(name, saved) => {
		const trigger = new AlibabaIdaasTrigger();
		const parameters = saved.workflow.nodes[0].parameters as INode['parameters'];
		let triggerEmu: Emulator;
		let triggerWire: Wire;
		let triggerHarness: N8nHarness;

		beforeEach(async () => {
			triggerEmu = await startEmulator({ port: 0, seed: 'demo' });
			recordSecret(triggerEmu.application.clientSecret);
			triggerWire = await recordWire(triggerEmu.url);
			triggerHarness = new N8nHarness({
				...emulatorCredential(triggerEmu),
				customEndpoint: triggerWire.url,
			});
		});
		afterEach(async () => {
			await triggerWire.close();
			await triggerEmu.close();
		});

		test('polls as 0.1.0 did: the baseline reads what it read, the next poll reports what it reported', async () => {
			const staticData: IDataObject = {};
			expect((await triggerHarness.poll(trigger, parameters, { staticData })).result).toBeNull();
			expect(sentRequests(triggerWire.requests)).toEqual(saved.baseline.requests);
			triggerWire.requests.length = 0;
			changeDirectory(triggerEmu.store);
			const { result } = await triggerHarness.poll(trigger, parameters, { staticData });
			expect(
				(result?.[0] ?? []).map(({ json }) => ({ event: json.event, userId: json.userId })),
			).toEqual(saved.afterChanges.events);
			expect(sentRequests(triggerWire.requests)).toEqual(saved.afterChanges.requests);
		});

		test('with the static data 0.1.0 stored, it starts over and says so (a deliberate difference, in the CHANGELOG)', async () => {
			// The state's format changed after 0.1.0 (state.ts): an older state is never diffed against.
			// The changes between the last poll of 0.1.0 and the first of today's trigger are not
			// reported, and the baselineTaken item tells the workflow.
			const staticData = JSON.parse(JSON.stringify(saved.baseline.staticData)) as IDataObject;
			changeDirectory(triggerEmu.store);
			const { result } = await triggerHarness.poll(trigger, parameters, { staticData });
			expect((result?.[0] ?? []).map(({ json }) => [json.event, json.reason])).toEqual([
				['baselineTaken', expect.stringContaining('format 1')],
			]);
			expect(readFileSync(join(__dirname, '../../CHANGELOG.md'), 'utf8')).toContain(
				'IDaaS Trigger: a workflow upgraded from 0.1.0 takes a fresh baseline',
			);
			// From there on it reports changes again: a new user in Engineering, and one moved out of it.
			triggerEmu.store.createUser({
				userId: 'user_fixtureafter01',
				username: 'after.upgrade',
				displayName: 'After Upgrade',
				primaryOrganizationalUnitId: 'ou_demoengineering01',
			});
			triggerEmu.store.moveUser('user_demodanielkim01', 'ou_demosales01');
			const next = await triggerHarness.poll(trigger, parameters, { staticData });
			const events = (parameters.events as string[] | undefined) ?? [
				'created',
				'updated',
				'deleted',
			];
			expect((next.result?.[0] ?? []).map(({ json }) => json.event).sort()).toEqual(
				['created', 'moved'].filter((event) => events.includes(event)),
			);
		});
	},
);
