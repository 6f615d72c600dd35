import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationSpec, ParamSpec } from '../catalog';
import { BEARER_FIELDS, collectionOf, isSimplifiable, placementOf } from '../description/properties';
import type { IdaasClient } from '../transport/client';
import type { PreparedRequest } from './build';
import { prepareRequest } from './build';
import { isLocatorParam, resolveLocator } from './locators';
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
	if ((param.valueType === 'object' || param.valueType === 'objectList') && !param.mapValues && raw && typeof raw === 'object' && !Array.isArray(raw)) {
		const inner = (raw as IDataObject).values;
		if (inner !== undefined || Object.keys(raw).length === 0) return inner;
	}
	return raw;
}

/** The operation's values by wire name, as the node's fields hold them for this item (not yet checked). */
export async function readValues(item: ItemContext, op: OperationSpec, itemIndex: number): Promise<Record<string, unknown>> {
	const { ctx, client } = item;
	const collectionName = collectionOf(op).name;
	const hasCollection = op.params.some((param) => placementOf(op, param) === 'collection');
	const collection = hasCollection ? (ctx.getNodeParameter(collectionName, itemIndex, {}) as IDataObject) : {};
	if (op.method === 'PATCH' && Object.keys(collection).length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Update Fields is empty: add at least one field to change', {
			itemIndex,
			description: 'Nothing would change. Add a field under Update Fields.',
		});
	}
	const values: Record<string, unknown> = {};
	for (const param of op.params) {
		const placement = placementOf(op, param);
		if (placement === 'skip') continue;
		const raw = placement === 'top' ? ctx.getNodeParameter(param.name, itemIndex, '') : collection[param.name];
		const value = unwrapFixedCollection(param, raw);
		values[param.name] = isLocatorParam(param) ? await resolveLocator(client, param, value, itemIndex) : value;
	}
	for (const param of op.params) {
		// "Required when X is set" fields with a catalog default (email/phone verified flags) take the
		// default, so adding an email does not also demand the flag.
		if (param.requiredWith && param.default !== undefined && isBlank(values[param.name]) && requiredWithMet(param.requiredWith, values)) {
			values[param.name] = param.default;
		}
	}
	const fromCredential = op.params.filter((param) => param.fromCredential);
	if (fromCredential.length > 0) {
		const credentials = await item.clientCredentials();
		for (const param of fromCredential) values[param.name] = credentials[param.fromCredential as 'clientId' | 'clientSecret'];
	}
	return values;
}

/** The token given in the node for operations that act with it instead of the application's token. */
function bearerToken(item: ItemContext, op: OperationSpec, itemIndex: number): string | undefined {
	if (op.auth !== 'userBearer' && op.auth !== 'pamBearer') return undefined;
	const { ctx } = item;
	const field = BEARER_FIELDS[op.auth];
	const token = String(ctx.getNodeParameter(field.name, itemIndex, '') ?? '').trim();
	if (!token) {
		throw new NodeOperationError(ctx.getNode(), `${field.displayName} is required`, {
			itemIndex,
			description: `Check the "${field.displayName}" field.`,
		});
	}
	// An access token is a b64token (RFC 6750); anything else would fail in the HTTP client (bad
	// header characters) or at the server (oversized header) with a confusing error.
	if (token.length > 4096 || !/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
		throw new NodeOperationError(ctx.getNode(), `${field.displayName} is not a valid access token`, {
			itemIndex,
			description: `Check the "${field.displayName}" field: an access token has only letters, digits and - . _ ~ + / =, and no spaces.`,
		});
	}
	return token;
}

function readLimit(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	const limit = ctx.getNodeParameter('limit', itemIndex, 50) as number;
	if (!Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(ctx.getNode(), `Limit must be a whole number of at least 1, got ${JSON.stringify(limit) ?? String(limit)}`, { itemIndex });
	}
	return limit;
}

/** Reads and checks everything one item's operation needs, before any request of its own. */
export async function readRequest(item: ItemContext, op: OperationSpec, itemIndex: number): Promise<ItemRequest> {
	const { ctx, client } = item;
	const token = bearerToken(item, op, itemIndex);
	const values = await readValues(item, op, itemIndex);
	const simplify = isSimplifiable(op) ? (ctx.getNodeParameter('simplify', itemIndex, true) as boolean) : false;
	const limit = op.response === 'list' ? readLimit(ctx, itemIndex) : undefined;
	const optIn = op.hooks?.secrets?.optIn;
	// Only a real `true` shows secrets: an expression giving "false", "no" or 1 must not.
	const includeSecrets = optIn ? ctx.getNodeParameter(optIn.name, itemIndex, false) === true : false;
	const request = checked(ctx.getNode(), () => prepareRequest(op, values, client.connection, token), itemIndex);
	return { ...request, limit, simplify, includeSecrets };
}
