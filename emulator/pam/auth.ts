import type { IncomingMessage } from 'http';

import type { OperationSpec } from '../../nodes/AlibabaIdaas/catalog';
import { bearerOf, checkAppUsable, findApp } from '../auth';
import { ApiError, invalidToken } from '../errors';
import type { Store } from '../store';
import type { AppRecord, TokenRecord } from '../types';

/** What Alibaba's PAM client asks the token endpoint for (its PamClientConstants.SCOPE); covers every PAM scope. */
export const PAM_ALL_SCOPE = 'urn:cloud:idaas:pam|.all';

export const isPamScope = (scope: string) => scope.startsWith('urn:cloud:idaas:pam|');

/** Whether a set of granted scopes covers a PAM scope, directly or through `pam|.all`. */
export function coversPamScope(
	granted: { has(scope: string): boolean } | readonly string[],
	scope: string,
): boolean {
	const has = (s: string) => ('has' in granted ? granted.has(s) : granted.includes(s));
	return has(scope) || has(PAM_ALL_SCOPE);
}

/**
 * The caller of a PAM operation (instance-level paths, no application in them). Two tokens pass:
 * - a token of the instance's authorization server (GenerateTokenByAuthorizationServer, kind `pam`):
 *   it carries the PAM scopes it was issued with, as Alibaba's PAM client uses it (its client asks
 *   for `urn:cloud:idaas:pam|.all` as an M2M client, https://github.com/cloud-idaas/idaas-java-pam-client-sdk);
 * - an application's Developer API token (client credentials) carries no PAM scope: no source says a
 *   tenant puts them there. The store's `appTokenCarriesPam` switch (emulator option, or
 *   `PUT /__emulator/pam/appToken`) makes it carry the application's PAM grants, so that tests can
 *   exercise the node's "Application's Token" choice on purpose.
 * Anything else is 400 invalid_token; a token without the operation's scope is 403
 * permission_denied "Require scopes: [<scope>]", as the older operations answer.
 */
export function pamCaller(
	store: Store,
	req: IncomingMessage,
	op: OperationSpec,
): { app: AppRecord; token: TokenRecord } {
	const token = store.liveToken(bearerOf(req) ?? '');
	if (
		!token ||
		token.instanceId !== store.instanceId ||
		(token.kind !== 'app' && token.kind !== 'pam')
	)
		throw invalidToken();
	const app = findApp(store, token.applicationId);
	checkAppUsable(app);
	const granted = token.kind === 'pam' ? token.scopes : store.appTokenCarriesPam ? app.scopes : [];
	if (op.scope && !coversPamScope(granted, op.scope))
		throw new ApiError(403, 'permission_denied', `Require scopes: [${op.scope}]`);
	return { app, token };
}
