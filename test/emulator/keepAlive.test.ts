import { connect, type Socket } from 'net';

import { Harness, useHarness } from './helpers';

/**
 * Keep-alive as a pooling client sees it: Alibaba's SDK reuses sockets, and got ECONNRESET about
 * 3 s after a call while the emulator closed idle sockets after 2 s.
 */

const h = useHarness();

/** One raw HTTP/1.1 request on `socket`; resolves with the response head (status line + headers). */
function request(socket: Socket, path: string): Promise<string> {
	return new Promise((resolve, reject) => {
		let text = '';
		const onData = (chunk: Buffer) => {
			text += chunk.toString('latin1');
			const end = text.indexOf('\r\n\r\n');
			const length = /content-length: (\d+)/i.exec(text)?.[1];
			if (end >= 0 && length !== undefined && text.length >= end + 4 + Number(length)) {
				socket.off('data', onData);
				socket.off('error', reject);
				resolve(text.slice(0, end));
			}
		};
		socket.on('data', onData);
		socket.once('error', reject);
		socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
	});
}

function open(port: number): Promise<Socket> {
	return new Promise((resolve, reject) => {
		const socket = connect(port, '127.0.0.1', () => resolve(socket));
		socket.once('error', reject);
	});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('announces an idle timeout of at least Node’s 5 s default', async () => {
	const r = await h.control('GET', 'state');
	const timeout = Number(/timeout=(\d+)/.exec(r.headers.get('keep-alive') ?? '')?.[1]);
	expect(timeout).toBeGreaterThanOrEqual(5);
});

test('a socket left idle for 3.5 s is still open and answers the next request', async () => {
	const socket = await open(h.emu.port);
	try {
		expect(await request(socket, '/__emulator/state')).toMatch(/^HTTP\/1\.1 200/);
		await sleep(3500);
		expect(socket.readyState).toBe('open');
		expect(await request(socket, '/__emulator/state')).toMatch(/^HTTP\/1\.1 200/);
	} finally {
		socket.destroy();
	}
});

test('once the idle timeout passes, the server ends the socket cleanly (FIN, no reset)', async () => {
	const short = await Harness.start({ keepAliveTimeoutMs: 100 });
	const socket = await open(short.emu.port);
	try {
		const errors: Error[] = [];
		socket.on('error', (error) => errors.push(error));
		const ended = new Promise<void>((resolve) => socket.once('end', resolve));
		expect(await request(socket, '/__emulator/state')).toMatch(/keep-alive: timeout=0/i);
		await ended;
		expect(errors).toEqual([]);
	} finally {
		socket.destroy();
		await short.close();
	}
});
