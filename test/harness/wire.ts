import { createServer, request as httpRequest } from 'http';
import type { AddressInfo } from 'net';

/**
 * A recording proxy in front of the emulator, for tests about what goes on the wire (where a
 * parameter travels, which fields a body holds): every request's method, URL, content type and
 * body text are kept, and the request is passed on unchanged.
 */

export interface WireRequest {
	method: string;
	/** Path and query string. */
	url: string;
	contentType: string;
	body: string;
}

export interface Wire {
	url: string;
	requests: WireRequest[];
	close(): Promise<void>;
}

export async function recordWire(target: string): Promise<Wire> {
	const to = new URL(target);
	const requests: WireRequest[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			requests.push({
				method: req.method ?? '',
				url: req.url ?? '',
				contentType: String(req.headers['content-type'] ?? ''),
				body: body.toString('utf8'),
			});
			const upstream = httpRequest(
				{
					host: to.hostname,
					port: to.port,
					method: req.method,
					path: req.url,
					headers: { ...req.headers, host: to.host },
				},
				(answer) => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
				},
			);
			upstream.on('error', () => res.destroy());
			upstream.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
