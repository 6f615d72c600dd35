import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { PushGate } from '../../emulator/pushGate';
import { startEmulator, type Emulator } from '../../emulator/server';
import { RecordingTarget } from '../scim/pushTarget';

/**
 * Loading a seed (at start or on reset) rebuilds the whole directory through the store's own mutations, which the
 * event and SCIM hubs observe: without the PushGate every seeded user, unit and group would be pushed to the
 * receivers configured at that moment as if an admin had just created them. Counted requests, no clock.
 */

let emu: Emulator;
let scim: RecordingTarget;
/** Every request the event receiver got (method and path); it answers 200 to each. */
let callbacks: string[] = [];
let receiver: Server;
let receiverUrl: string;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'demo' });
	scim = await new RecordingTarget().start();
	receiver = createServer((req, res) => {
		callbacks.push(`${req.method} ${req.url}`);
		req.resume().on('end', () => res.writeHead(200).end());
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callback`;
});
afterAll(async () => {
	await emu?.close();
	await scim?.close();
	receiver?.closeAllConnections();
	await new Promise((resolve) => receiver?.close(resolve));
});
beforeEach(() => {
	emu.reset();
	scim.reset(true);
	callbacks = [];
});

const appId = () => emu.application.applicationId;
/** Both hubs push every change of the demo directory: events to the counting receiver, SCIM to the recording target. */
function configureBoth(): void {
	emu.events.configure({ url: receiverUrl, retryDelayMs: 0, maxRetries: 0 });
	emu.scim.configure(appId(), { url: scim.url, auth: { mode: 'bearer', token: scim.bearer } });
}
// A bound only against a hang, not a verdict on speed.
async function settle(): Promise<void> {
	expect(await emu.events.settled(600_000)).toBe(true);
	expect(await emu.scim.settled(600_000)).toBe(true);
}

test('the gate is quiet only while quietly runs, nested or not, and after a throw it is open again', () => {
	const gate = new PushGate();
	expect(gate.isQuiet).toBe(false);
	const seen = gate.quietly(() => [gate.isQuiet, gate.quietly(() => gate.isQuiet), gate.isQuiet]);
	expect(seen).toEqual([true, true, true]);
	expect(gate.isQuiet).toBe(false);
	expect(() =>
		gate.quietly(() => {
			throw new Error('seed broken');
		}),
	).toThrow('seed broken');
	expect(gate.isQuiet).toBe(false);
});

test('reloading the seed while pushes are configured sends no event and no SCIM request', async () => {
	configureBoth();
	emu.reset();
	await settle();
	expect(callbacks).toEqual([]);
	expect(scim.requests).toEqual([]);
	// The receivers work: the same configuration pushes a change made after the seed.
	configureBoth();
	emu.store.createUser({ username: 'after.seed', primaryOrganizationalUnitId: 'ou_demoroot01' });
	await settle();
	expect(callbacks).toHaveLength(1);
	expect(scim.events).toEqual([{ type: 'user.created', key: 'after.seed' }]);
});

test('changes made inside quiet (how seeds load) push nothing on either hub; outside, they do', async () => {
	configureBoth();
	const hire = (username: string) =>
		emu.store.createUser({ username, primaryOrganizationalUnitId: 'ou_demoroot01' });
	emu.scim.quiet(() => emu.events.quiet(() => hire('seeded.quietly')));
	await settle();
	expect(callbacks).toEqual([]);
	expect(scim.requests).toEqual([]);
	hire('hired.later');
	await settle();
	expect(callbacks).toHaveLength(1);
	expect(scim.events.map((e) => e.key)).toEqual(['hired.later']);
});
