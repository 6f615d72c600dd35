/**
 * Old workflows keep working, in a real n8n 2.8.4: the workflow release 0.1.0 saved
 * (test/fixtures/workflows/0.1.0.json, node version 1, every kind of field of that release) is
 * imported and run through n8n's CLI against the emulator, and the requests it sends are compared
 * with those the 0.1.0 node sent, request for request and in order (the deliberate differences are
 * listed in changes-0.1.0.ts, with their CHANGELOG entry). test/workflows/released.test.ts runs the
 * same fixture inside n8n-core, node by node.
 */
import { startEmulator } from '../../emulator/server';
import fixture from '../fixtures/workflows/0.1.0.json';
import { CHANGED_SINCE_0_1_0 } from '../fixtures/workflows/changes-0.1.0';
import { sentRequests } from '../fixtures/workflows/wire';
import { emulatorCredential } from '../harness/credential';
import { recordWire, type Wire } from '../harness/wire';
import { recordOutput, recordSecret } from '../setup/leakGuard';
import { describeE2E, ensureBuilt, ensureN8n, N8nSandbox } from './helpers/n8n';

const VERSION = '2.8.4';
jest.setTimeout(10 * 60_000);

let emu: Awaited<ReturnType<typeof startEmulator>>;
let wire: Wire;
let n8n: N8nSandbox;

describeE2E(`workflows saved by 0.1.0 in real n8n ${VERSION}`, () => {
	beforeAll(async () => {
		ensureBuilt();
		const paths = ensureN8n(VERSION);
		emu = await startEmulator({ port: 0, host: '127.0.0.1', seed: 'demo' });
		wire = await recordWire(emu.url);
		n8n = await N8nSandbox.create(paths, 'workflows');
		const data = { ...emulatorCredential(emu), customEndpoint: wire.url };
		recordSecret(data.clientSecret);
		const ref = (fixture.workflow.nodes.find((node: any) => node.credentials) as any).credentials
			.alibabaIdaasApi;
		await n8n.importCredentials([{ id: ref.id, name: ref.name, type: 'alibabaIdaasApi', data }]);
		await n8n.importWorkflows([{ id: 'fixtureSavedBy010', active: false, ...fixture.workflow }]);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await wire?.close();
		await emu?.close();
	});

	test('the 0.1.0 workflow sends what 0.1.0 sent, in order', async () => {
		const { code, run, result } = await n8n.execute('fixtureSavedBy010');
		recordOutput('e2e execute the 0.1.0 fixture', result.stdout);
		for (const token of emu.store.tokens.keys()) recordSecret(token);
		expect({ code, status: run.status }).toEqual({ code: 0, status: 'success' });
		const expected = fixture.workflow.nodes
			.filter((node: any) => node.type.endsWith('.alibabaIdaas'))
			.flatMap(
				(node: any) =>
					CHANGED_SINCE_0_1_0[node.name]?.requests ??
					(fixture.requests as Record<string, unknown[]>)[node.name],
			);
		expect(sentRequests(wire.requests)).toEqual(expected);
		// Each node ran once, on the version it was saved with.
		for (const node of fixture.workflow.nodes)
			expect(run.data.resultData.runData[node.name]).toHaveLength(1);
	});
});
