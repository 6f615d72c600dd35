/**
 * The load balancer in front of n8n's webhook processors, as small as it can be: an HTTP proxy on 127.0.0.1 (a free
 * port) that hands each request to the next target in turn, and counts what each target got. A request with the
 * header x-e2e-target: <index> goes to that target instead: the test's two copies of one event sent at once reach
 * two different processors however many other requests are in flight.
 */
import { createServer, request, type Server } from 'http';
import type { AddressInfo } from 'net';

export class RoundRobinProxy {
	url = '';
	/** Requests handed to each target, by target URL. */
	readonly counts = new Map<string, number>();
	/**
	 * Every answer a target gave, read to the end even when the client stopped waiting for it (as IDaaS does after
	 * 10 s): what the processors decided, whoever heard it.
	 */
	readonly answers: Array<{ target: string; status: number; body: string }> = [];
	/** Requests handed on and not yet answered. */
	inFlight = 0;
	private next = 0;
	private server?: Server;

	constructor(private readonly targets: string[]) {
		for (const t of targets) this.counts.set(t, 0);
	}

	async start(): Promise<this> {
		this.server = createServer((req, res) => {
			const pinned = Number(req.headers['x-e2e-target']);
			const index =
				Number.isInteger(pinned) && pinned >= 0
					? pinned % this.targets.length
					: this.next++ % this.targets.length;
			const target = new URL(this.targets[index]);
			this.counts.set(target.origin, (this.counts.get(target.origin) ?? 0) + 1);
			this.inFlight++;
			let done = false;
			const finish = (status: number, body: string) => {
				if (done) return;
				done = true;
				this.inFlight--;
				this.answers.push({ target: target.origin, status, body });
			};
			const upstream = request(
				{
					host: target.hostname,
					port: target.port,
					method: req.method,
					path: req.url,
					headers: { ...req.headers, host: target.host },
				},
				(answer) => {
					const chunks: Buffer[] = [];
					answer.on('data', (c: Buffer) => chunks.push(c));
					answer.on('end', () =>
						finish(answer.statusCode ?? 502, Buffer.concat(chunks).toString('utf8')),
					);
					if (!res.destroyed) res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
				},
			);
			upstream.on('error', () => {
				finish(502, '');
				if (!res.headersSent && !res.destroyed) res.writeHead(502);
				res.end();
			});
			req.pipe(upstream);
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	async close(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
	}
}
