import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * One HTTP exchange with IDaaS through n8n's helpers, reduced to what the retry loop decides on:
 * a response of any status, or a connection lost before one arrived. Any other failure becomes a
 * NodeApiError that keeps the message and drops the request (which holds the token).
 */

export interface RawResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** A failure with no HTTP answer (connection reset, timeout): the write may or may not have happened. */
export interface ConnectionLost {
	lost: string;
}

export type Exchanged = RawResponse | ConnectionLost;

/** Runs one request; turns transport failures into ConnectionLost or a clean NodeApiError. */
export async function exchange(node: INode, run: () => Promise<unknown>): Promise<Exchanged> {
	let response: unknown;
	let failure: unknown;
	try {
		response = await run();
	} catch (error) {
		failure = error ?? new Error('Request failed');
	}
	if (failure !== undefined) return transportFailure(node, failure);
	const full = response as Partial<RawResponse> | undefined;
	return {
		statusCode: Number(full?.statusCode ?? 200),
		headers: (full?.headers as Record<string, unknown>) ?? {},
		body: full?.body,
	};
}

function transportFailure(node: INode, error: unknown): ConnectionLost {
	const cause = (error as { cause?: unknown }).cause ?? error;
	// n8n's httpRequestWithAuthentication wraps a reset socket in a NodeApiError whose code is
	// only in httpCode ("ECONNRESET") and whose message is n8n's own text.
	const code = String(
		(cause as { code?: unknown }).code ??
			(error as { code?: unknown }).code ??
			(error as { httpCode?: unknown }).httpCode ??
			'',
	);
	const message = String((cause as Error).message ?? (error as Error).message ?? '');
	if (
		/^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ECONNABORTED|ERR_SOCKET_CONNECTION_TIMEOUT|UND_ERR_SOCKET)$/.test(code) ||
		/socket hang up|ECONNRESET|ETIMEDOUT|timeout|connection to the server was closed unexpectedly/i.test(message)
	) {
		return {
			lost:
				code === 'ECONNREFUSED'
					? 'Could not connect to the IDaaS endpoint (connection refused)'
					: 'The connection to IDaaS was lost before a response arrived',
		};
	}
	if (error instanceof NodeOperationError) throw error;
	// Failures of the credential's token request and anything else: keep the message (the
	// credential writes it without secrets), drop the request, which holds the token.
	const clean = message.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]');
	throw new NodeApiError(node, { message: clean }, { message: clean });
}
