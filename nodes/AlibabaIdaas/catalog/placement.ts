import type { OperationSpec, ParamSpec } from './types';

/**
 * Where each parameter sits in the node, decided once from the catalog: the editor draws the
 * fields there (description/properties.ts) and the request reads them from there (request/read.ts).
 *
 * Required, `prominent` and conditionally required ones (`grant_type=…`) sit at the top level; the
 * rest in one collection per operation (Update Fields for PATCH, Filters for lists, Additional
 * Fields otherwise). Paging parameters are replaced by Return All / Limit, and OAuth client
 * credentials come from the credential.
 */

const PAGING = new Set(['pageNumber', 'pageSize', 'nextToken', 'maxResults']);

export type Placement = 'top' | 'collection' | 'skip';

export function placementOf(op: OperationSpec, param: ParamSpec): Placement {
	if (op.pagination && PAGING.has(param.name)) return 'skip';
	if (param.fromCredential) return 'skip';
	if (param.required || param.prominent || param.requiredWith?.includes('=')) return 'top';
	return 'collection';
}

export function collectionOf(op: OperationSpec): { name: string; displayName: string } {
	if (op.method === 'PATCH') return { name: 'updateFields', displayName: 'Update Fields' };
	if (op.response === 'list') return { name: 'filters', displayName: 'Filters' };
	return { name: 'additionalFields', displayName: 'Additional Fields' };
}

/** Whether an operation returns user, OU or group records that Simplify applies to. */
export function isSimplifiable(op: OperationSpec): boolean {
	return op.subject !== undefined && (op.response === 'list' || (op.response === 'object' && op.responseKey === undefined));
}

/** The node field holding the end-user token for operations that act with it (not the app's token). */
export const BEARER_FIELDS = {
	userBearer: {
		name: 'userAccessToken',
		displayName: 'User Access Token',
		description: "The signed-in user's access token (from an authorization code or device flow), sent as the bearer token. Map it from an earlier node with an expression.",
	},
	pamBearer: {
		name: 'accessToken',
		displayName: 'Access Token',
		description: "An access token with the operation's PAM scope, sent as the bearer token. Map it from an earlier node with an expression (e.g. a Generate by Authorization Server step).",
	},
} as const;

/** A PAM operation's Token choice (PamTokenSource). */
export const PAM_TOKEN_SOURCE = { name: 'tokenSource', displayName: 'Token' } as const;
