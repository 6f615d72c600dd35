import { request } from 'http';
import { connect } from 'net';

import { DEMO, send, useHarness } from '../emulator/helpers';

/**
 * What test/emulator/errors.test.ts does not cover: bodies that are JSON but not an object, a
 * client that dies mid-body, broken percent-encoding, an encoded slash in an ID segment, raw
 * garbage on the socket, and a burst of all of these — after which the emulator still serves.
 */

const h = useHarness();
let faults = 0;

afterAll(() => {
	console.log(`faults/emulatorRobustness: ${faults} malformed requests sent`);
});

async function stillServes(): Promise<void> {
	const r = await h.call('GetUser', { path: { userId: DEMO.bob } });
	expect(r.status).toBe(200);
	expect(r.body.userId).toBe(DEMO.bob);
}

test.each(['[]', '[{"username":"x"}]', 'null', '42', '"text"', 'true'])(
	'a JSON body that is not an object (%s): 400 InvalidParameter.Body',
	async (body) => {
		faults++;
		const r = await h.call('CreateUser', { body });
		expect(r).toMatchObject({ status: 400, body: { code: 'InvalidParameter.Body' } });
		await stillServes();
	},
);

test('invalid UTF-8 and a NUL byte in the body: a clean 4xx', async () => {
	faults++;
	const url = new URL(h.url('CreateUser'));
	const status = await new Promise<number>((resolve, reject) => {
		const req = request(
			url,
			{
				method: 'POST',
				headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
			},
			(res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			},
		);
		req.on('error', reject);
		req.end(Buffer.from([0x7b, 0x22, 0x75, 0xff, 0xfe, 0x00, 0x22, 0x3a, 0x31, 0x7d]));
	});
	expect(status).toBeGreaterThanOrEqual(400);
	expect(status).toBeLessThan(500);
	await stillServes();
});

test('a client that declares a body and dies half-way does not wedge the server', async () => {
	faults += 5;
	const url = new URL(h.url('CreateUser'));
	for (let i = 0; i < 5; i++) {
		await new Promise<void>((resolve) => {
			const socket = connect(Number(url.port), url.hostname, () => {
				socket.write(
					`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${h.token}\r\n` +
						'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"username":"half',
				);
				setTimeout(() => {
					socket.destroy();
					resolve();
				}, 20);
			});
			socket.on('error', () => resolve());
		});
	}
	await stillServes();
	expect([...h.emu.store.users.values()].some((user) => user.username.startsWith('half'))).toBe(
		false,
	);
});

test('raw garbage on the socket: the connection is refused, the server lives', async () => {
	faults++;
	const url = new URL(h.emu.url);
	const answer = await new Promise<string>((resolve) => {
		const socket = connect(Number(url.port), url.hostname, () =>
			socket.write('\x00\x01\x02 NOT HTTP AT ALL\r\n\r\n'),
		);
		let text = '';
		socket.on('data', (chunk) => (text += chunk.toString('latin1')));
		socket.on('close', () => resolve(text));
		socket.on('error', () => resolve(text));
	});
	expect(answer === '' || answer.startsWith('HTTP/1.1 400')).toBe(true);
	await stillServes();
});

test('broken percent-encoding in a path segment: 4xx, not a crash', async () => {
	faults++;
	const r = await send(
		`${h.emu.url}/v2/${h.emu.instanceId}/${h.app.applicationId}/users/user_%E0%A4%A`,
		{ headers: { authorization: `Bearer ${h.token}` } },
	);
	expect(r.status).toBeGreaterThanOrEqual(400);
	expect(r.status).toBeLessThan(500);
	await stillServes();
});

test('an encoded slash or dot-dot in an ID segment never reaches another operation', async () => {
	for (const id of ['user_x%2F..%2F..', '..%2Fgroups', '%2E%2E', 'user_x%00']) {
		faults++;
		const seen: string[] = [];
		const unsubscribe = h.emu.faults.onRequest((event) => void seen.push(event.action));
		const r = await send(`${h.emu.url}/v2/${h.emu.instanceId}/${h.app.applicationId}/users/${id}`, {
			headers: { authorization: `Bearer ${h.token}` },
		});
		unsubscribe();
		expect(r.status).toBeGreaterThanOrEqual(400);
		expect(r.status).toBeLessThan(500);
		expect(seen.every((action) => action === 'GetUser')).toBe(true);
	}
	await stillServes();
});

test('a burst of 200 malformed requests of every kind, then normal service', async () => {
	const kinds = [
		() => h.call('CreateUser', { body: '{"username": ' }),
		() => h.call('CreateUser', { body: '[]' }),
		() => send(h.url('GetUser', { path: { userId: DEMO.bob } }), { method: 'PUT' }),
		() => send(`${h.emu.url}/v2/x/y/z/${'a'.repeat(5000)}`, {}),
		() =>
			h.call('PatchUser', {
				path: { userId: DEMO.bob },
				body: JSON.stringify({ displayName: 'x'.repeat(70_000) }),
			}),
	];
	faults += 200;
	const replies = await Promise.all(
		Array.from({ length: 200 }, (_, i) => kinds[i % kinds.length]()),
	);
	for (const r of replies) {
		expect(r.status).toBeGreaterThanOrEqual(400);
		expect(r.status).toBeLessThan(500);
	}
	await stillServes();
	expect(h.emu.store.user(DEMO.bob).displayName).not.toMatch(/^x+$/);
});
