import type { IncomingMessage, ServerResponse } from 'http';

import { ApiError, managementBody } from './errors';
import { parseBody, readBody, sendJson } from './http';

/**
 * The router every `/__emulator/...` control API shares (control.ts, events/control.ts,
 * scim/control.ts): a table of [method, path pattern, handler], JSON in and out.
 */

type Body = Record<string, unknown>;

/** Routes one control request under `prefix` to the first matching [method, pattern, handler]; errors in the management body. */
export async function dispatch<C>(
	routes: ReadonlyArray<[string, RegExp, (ctx: C, body: Body, id: string) => unknown]>,
	ctx: C,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	prefix: string,
	requestId: string,
): Promise<void> {
	const rest = url.pathname.slice(prefix.length).replace(/\/$/, '');
	try {
		const route = routes
			.map(([method, pattern, handler]) => ({ method, found: pattern.exec(rest), handler }))
			.find((r) => r.found && r.method === req.method);
		if (!route)
			throw new ApiError(
				404,
				'ControlEndpointNotFound',
				`No control endpoint ${req.method} ${url.pathname}`,
			);
		const body = parseBody(await readBody(req), req.headers['content-type']);
		const id = route.found![1] ? decodeURIComponent(route.found![1]) : '';
		sendJson(res, 200, (await route.handler(ctx, body, id)) ?? {});
	} catch (error) {
		const e = error instanceof ApiError ? error : new ApiError(500, 'InternalError', String(error));
		sendJson(res, e.status, managementBody(e, requestId));
	}
}
