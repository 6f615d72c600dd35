import { CATALOG } from '../../nodes/AlibabaIdaas/catalog';
import { applicationHandlers } from './application';
import { authenticationTokenHandlers } from './authenticationTokens';
import { authorizationServerHandlers } from './authorizationServer';
import type { Handler } from './context';
import { credentialHandlers } from './credentials';
import { groupHandlers } from './groups';
import { oauthHandlers } from './oauth';
import { organizationalUnitHandlers } from './organizationalUnits';
import { userHandlers } from './users';

export type { Ctx, Handler } from './context';

/** Handlers keyed by the catalog's action names. */
export const HANDLERS: Readonly<Record<string, Handler>> = {
	...userHandlers,
	...organizationalUnitHandlers,
	...groupHandlers,
	...applicationHandlers,
	...oauthHandlers,
	...authorizationServerHandlers,
	...credentialHandlers,
	...authenticationTokenHandlers,
};

/** Catalog operations the emulator cannot answer; startEmulator refuses to start if any. */
export function missingHandlers(): string[] {
	return CATALOG.filter((op) => !HANDLERS[op.apiName]).map((op) => op.apiName);
}
