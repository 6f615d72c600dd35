import type { IdKind } from './ids';
import type { OperationSpec, PamTokenSource, ParamSpec } from './types';

/**
 * How the catalog's operations become node fields, decided once here: where each parameter sits
 * and what it is called, which parameters are pickers, which token a PAM operation carries, and
 * the node versions that changed what a saved workflow shows or sends. The editor draws the
 * fields from these facts (description/) and the request layer reads them back from the same ones
 * (request/read.ts), so the two never disagree.
 */

// A workflow keeps the node version it was saved with, so each difference is tied to the version that brought it.

/** Node version 1.1: ID-list fields are pickers (1 had comma-separated text) and resources open on a read. */
export const PICKER_VERSION = 1.1;

/** Node version 1.2: Add Users and Remove Users give one item per user, with the user's and the group's names. */
export const NAMES_VERSION = 1.2;

/*
 * Where a parameter sits: required, `prominent` and conditionally required ones (`grant_type=…`) at
 * the top level; the rest in one collection per operation (Update Fields for PATCH, Filters for
 * lists, Additional Fields otherwise). Paging parameters are replaced by Return All / Limit, and
 * OAuth client credentials come from the credential.
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
	return (
		op.subject !== undefined &&
		(op.response === 'list' || (op.response === 'object' && op.responseKey === undefined))
	);
}

/** The node field holding the end-user token for operations that act with it (not the app's token). */
export const BEARER_FIELDS = {
	userBearer: {
		name: 'userAccessToken',
		displayName: 'User Access Token',
		description:
			"The signed-in user's access token (from an authorization code or device flow), sent as the bearer token. Map it from an earlier node with an expression.",
	},
	pamBearer: {
		name: 'accessToken',
		displayName: 'Access Token',
		description:
			"An access token with the operation's PAM scope, sent as the bearer token. Map it from an earlier node with an expression (e.g. a Generate by Authorization Server step).",
	},
} as const;

/** A PAM operation's Token choice (PamTokenSource). */
export const PAM_TOKEN_SOURCE = { name: 'tokenSource', displayName: 'Token' } as const;

/** The scope prefix of the PAM operations (SDK 1.8.0 remarks). */
export const PAM_SCOPE_PREFIX = 'urn:cloud:idaas:pam|';

/** Whether an operation is a PAM one, whose token the user chooses. */
export function isPamOperation(op: Pick<OperationSpec, 'scope' | 'auth'>): boolean {
	return (
		op.auth !== 'none' &&
		op.auth !== 'userBearer' &&
		(op.scope?.startsWith(PAM_SCOPE_PREFIX) ?? false)
	);
}

/**
 * A PAM operation's token when the node does not say: the PAM client token, except for node version 1 of
 * Obtain Access Credential, the one PAM operation of release 0.1.0, whose saved workflows keep sending the
 * token of their Access Token field. (The other PAM operations came after 0.1.0: no released workflow has
 * them.)
 */
export function pamTokenDefault(
	op: Pick<OperationSpec, 'auth'>,
	nodeVersion: number,
): PamTokenSource {
	return nodeVersion <= 1 && op.auth === 'pamBearer' ? 'field' : 'pamClient';
}

// A parameter's name for people: the editor's label, which error messages and the AI tool texts
// repeat, so that a message names the field the user sees.

const labels = new WeakMap<ParamSpec, string>();

/** The editor label of a parameter; cached, as it is asked for every value of every item. */
export function labelOf(param: ParamSpec): string {
	let label = labels.get(param);
	if (label === undefined) {
		const words = (param.displayName ?? param.name)
			.replace(/_/g, ' ')
			.replace(/([a-z])([A-Z])/g, '$1 $2')
			.replace(/\bId\b/g, 'ID');
		label = param.displayName ?? words.charAt(0).toUpperCase() + words.slice(1);
		labels.set(param, label);
	}
	return label;
}

/** "a group", "an organizational unit". */
export function withArticle(noun: string): string {
	// "a user": the u of user sounds like a consonant; the other ID nouns start with a, i or o.
	return `${/^[aeio]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

// Resource locators: the editor draws them (description/locatorField.ts) and the request layer
// resolves them (request/read.ts).

/** The mode of organizational unit and group locators that names the object instead of giving its ID. */
export const NAME_MODE = 'name';

/** What separates the names in a unit's path, in the picker and when a path is resolved. */
export const PATH_SEPARATOR = ' / ';

// Deliberately loose: the editor hint only catches the obvious mistakes; the same format check
// as for email fields runs before any request.
export const EMAIL_REGEX = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';

/** The ID kinds the editor offers a picker for. */
const LOCATOR_KINDS: readonly IdKind[] = ['user', 'organizationalUnit', 'group'];

/** Whether the node shows this parameter as a resource locator (a single user, OU or group ID). */
export function isLocatorParam(param: ParamSpec): boolean {
	return (
		param.valueType === 'string' &&
		param.idKind !== undefined &&
		LOCATOR_KINDS.includes(param.idKind)
	);
}

/** Whether the node shows this parameter as a list of resource locators (several user, OU or group IDs). */
export function isLocatorListParam(param: ParamSpec): boolean {
	return (
		param.valueType === 'stringList' &&
		param.idKind !== undefined &&
		LOCATOR_KINDS.includes(param.idKind)
	);
}
