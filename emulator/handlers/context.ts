import type { IncomingMessage } from 'http';

import type { OperationSpec } from '../../nodes/AlibabaIdaas/catalog';
import type { Store } from '../store';
import type { AppRecord, TokenRecord } from '../types';
import type { Input } from '../validate';
import type { Visibility } from '../visibility';

/** Everything a handler needs for one request, after routing, authentication and validation. */
export interface Ctx {
	op: OperationSpec;
	store: Store;
	req: IncomingMessage;
	/** Path parameters (instanceId, applicationId, userId, ...). */
	path: Record<string, string>;
	query: URLSearchParams;
	/** Parsed body (JSON or form). */
	body: Record<string, unknown>;
	/** The catalog parameters, checked and typed (bearer operations only). */
	input: Input;
	/** Bearer operations: the calling application, its token and its view of the directory. */
	app?: AppRecord;
	token?: TokenRecord;
	vis?: Visibility;
}

/** What a handler returns: the response body (undefined → `{}`). */
export type Handler = (ctx: Ctx) => unknown;

/** The caller of a PAM operation (pam/auth.ts put the application on the context). */
export function pamCallerOf(ctx: Ctx): { applicationId: string } {
	if (!ctx.app) throw new Error(`${ctx.op.apiName} needs an authenticated application`);
	return { applicationId: ctx.app.applicationId };
}

/** The fields every bearer handler can count on. */
export function bearer(ctx: Ctx): Ctx & Required<Pick<Ctx, 'app' | 'token' | 'vis'>> {
	if (!ctx.app || !ctx.token || !ctx.vis)
		throw new Error(`${ctx.op.apiName} needs an authenticated application`);
	return ctx as Ctx & Required<Pick<Ctx, 'app' | 'token' | 'vis'>>;
}
