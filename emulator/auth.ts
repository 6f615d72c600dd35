import type { IncomingMessage } from 'http';

import type { OperationSpec } from '../nodes/AlibabaIdaas/catalog';
import { ApiError, invalidToken } from './errors';
import type { Store } from './store';
import { canonicalScope } from './store';
import type { AppRecord, TokenRecord } from './types';

/** How permission_denied messages spell the manage scopes; docs print both (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/introduction-to-api-integration). */
export type ScopeSpelling = 'manage_all' | 'manager_all';

export function findInstance(store: Store, instanceId: string): void {
	if (instanceId !== store.instanceId)
		throw new ApiError(404, 'instance_not_found', `Instance id not found: ${instanceId}`);
}

export function findApp(store: Store, applicationId: string): AppRecord {
	const app = store.applications.get(applicationId);
	if (!app)
		throw new ApiError(404, 'application_not_found', `Application id not found: ${applicationId}`);
	return app;
}

/** Documented CE codes: 403 application_disabled / application_api_disabled. */
export function checkAppUsable(app: AppRecord): void {
	if (!app.enabled) throw new ApiError(403, 'application_disabled', 'Application is disabled');
	if (!app.apiEnabled)
		throw new ApiError(403, 'application_api_disabled', 'Application api invoke disabled');
}

export function bearerOf(req: IncomingMessage): string | undefined {
	const header = req.headers.authorization ?? '';
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	return match?.[1];
}

/**
 * The application token of a management call. A missing, unknown, expired or revoked token (or a
 * user/PAM token, ASSUMPTION) answers the documented 400 invalid_token — not 401. A token of
 * another application: 400 invalid_request "Access token application id not match" (zh API metadata).
 */
export function appToken(store: Store, req: IncomingMessage, app: AppRecord): TokenRecord {
	const token = store.liveToken(bearerOf(req) ?? '');
	if (!token || token.kind !== 'app') throw invalidToken();
	if (token.applicationId !== app.applicationId)
		throw new ApiError(400, 'invalid_request', 'Access token application id not match');
	return token;
}

/** 403 permission_denied "Require scopes: [<scope>]" when the app lacks the operation's scope. */
export function checkScope(op: OperationSpec, app: AppRecord, spelling: ScopeSpelling): void {
	if (!op.scope || app.scopes.has(canonicalScope(op.scope))) return;
	const shown =
		spelling === 'manager_all' ? op.scope.replace(/:manage_all$/, ':manager_all') : op.scope;
	throw new ApiError(403, 'permission_denied', `Require scopes: [${shown}]`);
}
