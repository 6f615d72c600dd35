/**
 * Response bodies read as bytes (HttpRequest `raw`): n8n's helper asked with `encoding: 'arraybuffer'`
 * hands axios' Buffer back undecoded, for a walk that reads only some fields of each record.
 */

/** The body of a raw answer as bytes (an empty body is no bytes). */
export function bytesOf(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	return Buffer.alloc(0);
}

/**
 * What n8n's helper gives for the same bytes when asked for JSON, as axios 1.x makes it: the
 * bytes decoded as UTF-8 (invalid sequences become U+FFFD), a leading byte-order mark dropped,
 * then parsed as JSON when they parse and kept as text when they do not (its default
 * transformResponse, silentJSONParsing: https://github.com/axios/axios/blob/v1.x/lib/defaults/index.js).
 */
export function parsedBody(bytes: Buffer): unknown {
	let text = bytes.toString('utf8');
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	if (text === '') return text;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}
