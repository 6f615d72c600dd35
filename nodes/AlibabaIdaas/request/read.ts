import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationSpec, ParamSpec, PamTokenSource } from '../catalog';
import {
	BEARER_FIELDS,
	PAM_TOKEN_SOURCE,
	collectionOf,
	isLocatorListParam,
	isLocatorParam,
	isPamOperation,
	isSimplifiable,
	pamTokenDefault,
	placementOf,
} from '../catalog';
import type { IdaasClient } from './client';
import type { PreparedRequest } from './build';
import { prepareRequest } from './build';
import { resolveLocator, resolveLocatorList } from './locators';
import type { NodeParameters } from './parameters';
import { checked, isBlank, requiredWithMet } from './validation';

/**
 * The first step of every operation: one item's node fields, read once into a checked request
 * and the output choices that go with it. Nothing is sent here except the look-ups that turn
 * By Username / By Email locators into IDs.
 */

/** What one execution shares across its items: the node's context, one client, and the credential read at most once. */
export interface ItemContext {
	readonly ctx: IExecuteFunctions;
	readonly client: IdaasClient;
	/** The node's parameters, those without expressions read once for all items. */
	readonly parameters: NodeParameters;
	/** The credential's client ID and secret, for the OAuth endpoints (which take them as parameters). */
	clientCredentials(): Promise<Record<'clientId' | 'clientSecret', string>>;
}

/** One item's operation: the request, and how its answer becomes output. */
export interface ItemRequest extends PreparedRequest {
	/** Lists: records wanted at most; undefined for Return All. */
	limit?: number;
	/** Simplify is on (for operations it applies to). */
	simplify: boolean;
	/** The user switched on the operation's secret opt-in with a real `true`. */
	includeSecrets: boolean;
}

function unwrapFixedCollection(param: ParamSpec, raw: unknown): unknown {
	// The editor stores fixed collections as { values: … }; expressions may give the plain value.
	if (
		(param.valueType === 'object' || param.valueType === 'objectList') &&
		!param.mapValues &&
		raw &&
		typeof raw === 'object' &&
		!Array.isArray(raw)
	) {
		const inner = (raw as IDataObject).values;
		if (inner !== undefined || Object.keys(raw).length === 0) return inner;
	}
	return raw;
}

/** Where each of an operation's fields is read from: worked out once per operation, not per item. */
interface ReadPlan {
	/** The Additional Fields / Update Fields / Filters collection, if the operation has one. */
	collection?: string;
	fields: Array<{ param: ParamSpec; top: boolean; locator: 'one' | 'list' | undefined }>;
	/** "Required when X is set" fields with a catalog default. */
	defaults: ParamSpec[];
	fromCredential: ParamSpec[];
}

const plans = new WeakMap<OperationSpec, ReadPlan>();

function planOf(op: OperationSpec): ReadPlan {
	let plan = plans.get(op);
	if (!plan) {
		const placed = op.params
			.map((param) => ({ param, placement: placementOf(op, param) }))
			.filter(({ placement }) => placement !== 'skip');
		plan = {
			collection: placed.some(({ placement }) => placement === 'collection')
				? collectionOf(op).name
				: undefined,
			fields: placed.map(({ param, placement }) => ({
				param,
				top: placement === 'top',
				locator: isLocatorParam(param) ? 'one' : isLocatorListParam(param) ? 'list' : undefined,
			})),
			defaults: op.params.filter((param) => param.requiredWith && param.default !== undefined),
			fromCredential: op.params.filter((param) => param.fromCredential),
		};
		plans.set(op, plan);
	}
	return plan;
}

/** The operation's values by wire name, as the node's fields hold them for this item (not yet checked). */
export async function readValues(
	item: ItemContext,
	op: OperationSpec,
	itemIndex: number,
): Promise<Record<string, unknown>> {
	const { client, parameters } = item;
	const plan = planOf(op);
	const collection = plan.collection
		? (parameters.get(plan.collection, itemIndex, {}) as IDataObject)
		: {};
	if (op.method === 'PATCH' && Object.keys(collection).length === 0) {
		throw new NodeOperationError(
			client.node,
			'Update Fields is empty: add at least one field to change',
			{
				itemIndex,
				description: 'Nothing would change. Add a field under Update Fields.',
			},
		);
	}
	const values: Record<string, unknown> = {};
	for (const { param, top, locator } of plan.fields) {
		const value = unwrapFixedCollection(
			param,
			top ? parameters.get(param.name, itemIndex, '') : collection[param.name],
		);
		if (locator === 'one')
			values[param.name] = await resolveLocator(client, param, value, itemIndex);
		else if (locator === 'list')
			values[param.name] = await resolveLocatorList(client, param, value, itemIndex);
		else values[param.name] = value;
	}
	for (const param of plan.defaults) {
		// "Required when X is set" fields with a catalog default (email/phone verified flags) take the
		// default, so adding an email does not also demand the flag.
		if (isBlank(values[param.name]) && requiredWithMet(param.requiredWith as string, values)) {
			values[param.name] = param.default;
		}
	}
	const { fromCredential } = plan;
	if (fromCredential.length > 0) {
		const credentials = await item.clientCredentials();
		for (const param of fromCredential)
			values[param.name] = credentials[param.fromCredential as 'clientId' | 'clientSecret'];
	}
	return values;
}

const PAM_TOKEN_SOURCES: readonly PamTokenSource[] = ['pamClient', 'application', 'field'];

/** A PAM operation's Token choice for this item (undefined for other operations). */
export function readTokenSource(
	item: Pick<ItemContext, 'client' | 'parameters'>,
	op: OperationSpec,
	itemIndex: number,
): PamTokenSource | undefined {
	if (!isPamOperation(op)) return undefined;
	const node = item.client.node;
	const source = item.parameters.get(
		PAM_TOKEN_SOURCE.name,
		itemIndex,
		pamTokenDefault(op, node.typeVersion),
	);
	if (!PAM_TOKEN_SOURCES.includes(source as PamTokenSource)) {
		throw new NodeOperationError(
			node,
			`${PAM_TOKEN_SOURCE.displayName} must be one of ${PAM_TOKEN_SOURCES.join(', ')}, got ${JSON.stringify(source) ?? String(source)}`,
			{
				itemIndex,
				description: `Check the "${PAM_TOKEN_SOURCE.displayName}" field.`,
			},
		);
	}
	return source as PamTokenSource;
}

/** The token given in the node for operations that act with it instead of a token of the credential. */
function bearerToken(
	item: ItemContext,
	op: OperationSpec,
	itemIndex: number,
	source: PamTokenSource | undefined,
): string | undefined {
	const kind = source === undefined ? op.auth : source === 'field' ? 'pamBearer' : undefined;
	if (kind !== 'userBearer' && kind !== 'pamBearer') return undefined;
	const node = item.client.node;
	const field = BEARER_FIELDS[kind];
	const token = String(item.parameters.get(field.name, itemIndex, '') ?? '').trim();
	if (!token) {
		throw new NodeOperationError(node, `${field.displayName} is required`, {
			itemIndex,
			description: `Check the "${field.displayName}" field.`,
		});
	}
	// An access token is a b64token (RFC 6750); anything else would fail in the HTTP client (bad
	// header characters) or at the server (oversized header) with a confusing error.
	if (token.length > 4096 || !/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
		throw new NodeOperationError(node, `${field.displayName} is not a valid access token`, {
			itemIndex,
			description: `Check the "${field.displayName}" field: an access token has only letters, digits and - . _ ~ + / =, and no spaces.`,
		});
	}
	return token;
}

function readLimit(item: ItemContext, itemIndex: number): number | undefined {
	const { parameters } = item;
	if (parameters.get('returnAll', itemIndex, false) as boolean) return undefined;
	const limit = parameters.get('limit', itemIndex, 50) as number;
	if (!Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(
			item.client.node,
			`Limit must be a whole number of at least 1, got ${JSON.stringify(limit) ?? String(limit)}`,
			{ itemIndex },
		);
	}
	return limit;
}

/** Reads and checks everything one item's operation needs, before any request of its own. */
export async function readRequest(
	item: ItemContext,
	op: OperationSpec,
	itemIndex: number,
): Promise<ItemRequest> {
	const { client, parameters } = item;
	const tokenSource = readTokenSource(item, op, itemIndex);
	const token = bearerToken(item, op, itemIndex, tokenSource);
	const values = await readValues(item, op, itemIndex);
	const simplify = isSimplifiable(op)
		? (parameters.get('simplify', itemIndex, true) as boolean)
		: false;
	const limit = op.response === 'list' ? readLimit(item, itemIndex) : undefined;
	const optIn = op.hooks?.secrets?.optIn;
	// Only a real `true` shows secrets: an expression giving "false", "no" or 1 must not.
	const includeSecrets = optIn ? parameters.get(optIn.name, itemIndex, false) === true : false;
	const request = checked(
		client.node,
		() => prepareRequest(op, values, client.connection, token, tokenSource),
		itemIndex,
	);
	if (op.method === 'PATCH' && Object.keys(request.http.body ?? {}).length === 0) {
		// Fields were added but left blank: blank optional values are dropped, so nothing would change.
		throw new NodeOperationError(
			client.node,
			'Update Fields has no value to change: every field added there is empty',
			{
				itemIndex,
				description: 'Fill in at least one field under Update Fields, or remove the empty ones.',
			},
		);
	}
	return { ...request, limit, simplify, includeSecrets };
}
