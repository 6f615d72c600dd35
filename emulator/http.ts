import type { IncomingMessage, ServerResponse } from 'http';

import { ApiError, invalid } from './errors';

/** Bodies above this size answer 413 (1 MiB, the emulator's choice: Alibaba's gateway limit is not documented). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole body, or throws 413 as soon as it grows past the limit (without buffering the rest). */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const declared = Number(req.headers['content-length']);
		if (declared > limit) return reject(tooLarge(limit));
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) {
				req.removeAllListeners('data');
				req.resume();
				reject(tooLarge(limit));
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function tooLarge(limit: number): ApiError {
	return new ApiError(
		413,
		'RequestEntityTooLarge',
		`The request body is larger than ${limit} bytes.`,
	);
}

/**
 * The body as an object: JSON (what the SDK sends), or a form (GenerateToken's documented
 * variant). ASSUMPTION: malformed JSON answers 400 InvalidParameter.Body.
 */
export function parseBody(raw: Buffer, contentType = ''): Record<string, unknown> {
	const text = raw.toString('utf8');
	if (!text.trim()) return {};
	if (contentType.includes('application/x-www-form-urlencoded'))
		return Object.fromEntries(new URLSearchParams(text));
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw invalid('body', 'The request body is not valid JSON.');
	}
	if (!value || typeof value !== 'object' || Array.isArray(value))
		throw invalid('body', 'The request body must be a JSON object.');
	return value as Record<string, unknown>;
}

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	if (res.headersSent || res.destroyed) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json;charset=utf-8',
		'content-length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}
