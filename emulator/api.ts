import type { IncomingMessage, ServerResponse } from 'http';

import type { OperationSpec } from '../nodes/AlibabaIdaas/catalog';
import {
	appToken,
	checkAppUsable,
	checkScope,
	findApp,
	findInstance,
	type ScopeSpelling,
} from './auth';
import { ApiError, managementBody, oauthBody } from './errors';
import type { Faults } from './faults';
import { HANDLERS, type Ctx } from './handlers';
import { parseBody, readBody, sendJson } from './http';
import type { PageCap } from './pagination';
import { pamCaller } from './pam/auth';
import { Router } from './router';
import type { Stats } from './stats';
import type { Store } from './store';
import { throttling, type RateLimiter } from './throttle';
import { validateInput } from './validate';
import { Visibility } from './visibility';

export interface ApiDeps {
	store: () => Store;
	faults: Faults;
	stats: Stats;
	rateLimit: RateLimiter;
	paging: PageCap;
	scopeSpelling: ScopeSpelling;
}

const router = new Router();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One Developer API request: route (from the catalog) → rate limit (the gateway refuses before
 * the service sees anything) → faults → onRequest hooks → body → authentication, permission,
 * validation → page cap → handler → JSON → onResponse hooks. Errors use the management or the
 * OAuth body depending on the path (the zh API metadata's error tables).
 */
export async function handleApi(
	deps: ApiDeps,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	requestId: string,
): Promise<void> {
	let route;
	try {
		route = router.match(req.method ?? 'GET', url.pathname);
	} catch {
		route = undefined;
	}
	// ASSUMPTION: Alibaba's gateway answers unknown APIs with 404 InvalidAction.NotFound; a known
	// path with the wrong method gets 405 MethodNotAllowed here (the gateway's answer is not documented).
	if (!route || 'methodNotAllowed' in route) {
		const action = '(unknown)';
		deps.stats.request(action);
		const error = route
			? new ApiError(
					405,
					'MethodNotAllowed',
					`${req.method} is not allowed here; use ${route.methodNotAllowed.join(', ')}.`,
					{ allow: route.methodNotAllowed.join(', ') },
				)
			: new ApiError(
					404,
					'InvalidAction.NotFound',
					'Specified api is not found, please check your url and method.',
				);
		req.resume();
		return reply(deps, res, action, error.status, managementBody(error, requestId), error.headers);
	}
	const { op, params } = route;
	const oauth = op.path.includes('/oauth2/');
	const event = {
		action: op.apiName,
		method: op.method,
		path: url.pathname,
		query: url.searchParams,
	};
	deps.stats.request(op.apiName);
	deps.stats.begin();
	try {
		deps.rateLimit.admit(op.apiName);
		const verdict = deps.faults.judge(op.apiName);
		if (verdict.delayMs) await sleep(verdict.delayMs);
		if (verdict.throttle) throw throttling((verdict.throttle.retryAfterSeconds ?? 1) * 1000);
		if (verdict.error) {
			const status = verdict.error.status ?? 500;
			throw new ApiError(
				status,
				verdict.error.code ?? (status === 503 ? 'ServiceUnavailable' : 'InternalError'),
				verdict.error.message ?? 'Internal Server Error',
			);
		}
		if (verdict.drop && !verdict.drop.afterWrite) return drop(deps, req);
		await deps.faults.runHooks(event);
		const body = parseBody(await readBody(req), req.headers['content-type']);
		const result = await dispatch(deps, {
			op,
			store: deps.store(),
			req,
			path: params,
			query: url.searchParams,
			body,
			input: {},
		});
		if (verdict.drop) return drop(deps, req);
		reply(deps, res, op.apiName, 200, result ?? {});
	} catch (error) {
		if (!(error instanceof ApiError)) console.error(`[emulator] ${op.apiName} failed:`, error);
		const e =
			error instanceof ApiError
				? error
				: new ApiError(500, 'Internal Server Error', 'Internal Server Error');
		const headers = e.status === 413 ? { ...e.headers, connection: 'close' } : e.headers;
		reply(
			deps,
			res,
			op.apiName,
			e.status,
			oauth ? oauthBody(e, requestId) : managementBody(e, requestId),
			headers,
		);
	} finally {
		deps.stats.end();
		await deps.faults.runResponseHooks({
			...event,
			status: res.headersSent ? res.statusCode : undefined,
		});
	}
}

function dispatch(deps: ApiDeps, ctx: Ctx): unknown {
	const { op, store, req, path } = ctx;
	findInstance(store, path.instanceId);
	const handler = HANDLERS[op.apiName];
	if (op.auth === 'none' || op.auth === 'userBearer') return handler(ctx);
	// PAM operations sit under the instance, not an application: the token names the caller.
	if (op.auth === 'pamBearer' || !op.path.includes('{applicationId}')) {
		Object.assign(ctx, pamCaller(store, req, op));
		ctx.input = deps.paging.serve(op, validateInput(op, path, ctx.query, ctx.body));
		return handler(ctx);
	}
	const app = findApp(store, path.applicationId);
	checkAppUsable(app);
	ctx.token = appToken(store, req, app);
	checkScope(op as OperationSpec, app, deps.scopeSpelling);
	ctx.input = deps.paging.serve(op, validateInput(op, path, ctx.query, ctx.body));
	ctx.app = app;
	ctx.vis = new Visibility(store, app);
	return handler(ctx);
}

function reply(
	deps: ApiDeps,
	res: ServerResponse,
	action: string,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	deps.stats.response(action, status);
	sendJson(res, status, body, headers);
}

/** A lost connection: the client sees a reset socket and no status. */
function drop(deps: ApiDeps, req: IncomingMessage): void {
	deps.stats.dropped++;
	req.socket.destroy();
}
