import type { HttpMethod, OperationSpec, PamTokenSource } from '../catalog';

/**
 * What the transport is handed: a request the request layer has already read, checked and built
 * (request/build.ts). The transport sends it as it is and never looks inside the node's fields.
 */

/** A request ready for n8n's HTTP helper: validated, with every path segment escaped. */
export interface HttpRequest {
	method: HttpMethod;
	/** Absolute URL without query string. */
	url: string;
	qs: Record<string, string | number | boolean>;
	body?: Record<string, unknown>;
	/** Sent as an application/x-www-form-urlencoded body instead of `body` (operations with `sendAs`). */
	form?: Record<string, string>;
	/** Only for operations that send a token given in the node (userBearer, pamBearer). */
	headers?: Record<string, string>;
	/** A successful answer's body as bytes (a Buffer, body.ts); a failure's is parsed as JSON all the same. */
	raw?: boolean;
}

/** One operation's built request: what to send, and the catalog facts that say how (token, retries, paging, errors). */
export interface BuiltRequest {
	op: OperationSpec;
	http: HttpRequest;
	/** A PAM operation's token (catalog PamTokenSource); `field` puts it in `http.headers`. */
	tokenSource?: PamTokenSource;
}
