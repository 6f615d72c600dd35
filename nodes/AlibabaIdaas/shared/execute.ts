import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationSpec, ParamSpec } from '../catalog/types';
import { isLocatorParam, resolveLocator } from './locators';
import { actionResult, keyedResult, recordResult, redactTokens } from './outputs';
import { BEARER_FIELDS, collectionOf, isSimplifiable, placementOf } from './properties';
import type { IdaasClient } from './transport';
import { CREDENTIAL_TYPE } from './transport';
import { catalogOp, findId } from './upsert';
import { isBlank } from './validation';

/**
 * Runs one catalog operation for one item: reads the node's fields (named after the wire names),
 * resolves locators, sends through the shared client and shapes the output. Custom operations
 * (upserts) use the same pieces.
 */

/** What one execution shares across its items: one client, and the credential read at most once. */
export class ExecutionState {
	private oauthClient?: Promise<{ client_id: string; client_secret: string }>;

	constructor(
		readonly ctx: IExecuteFunctions,
		readonly client: IdaasClient,
		/** The node's Concurrency option: also how many pages of one Get Many are read at once. */
		readonly concurrency = 1,
	) {}

	/** The credential's client ID and secret, for the OAuth endpoints (which take them as parameters). */
	async clientCredentials(): Promise<{ client_id: string; client_secret: string }> {
		this.oauthClient ??= this.ctx.getCredentials(CREDENTIAL_TYPE).then((data) => ({
			client_id: String(data.clientId ?? '').trim(),
			client_secret: String(data.clientSecret ?? ''),
		}));
		return await this.oauthClient;
	}
}

function unwrapFixedCollection(param: ParamSpec, raw: unknown): unknown {
	// The editor stores fixed collections as { values: … }; expressions may give the plain value.
	if ((param.valueType === 'object' || param.valueType === 'objectList') && raw && typeof raw === 'object' && !Array.isArray(raw)) {
		const inner = (raw as IDataObject).values;
		if (inner !== undefined || Object.keys(raw).length === 0) return inner;
	}
	return raw;
}

function requiredWithMet(condition: string, values: Record<string, unknown>): boolean {
	const [name, expected] = condition.split('=');
	return expected === undefined ? !isBlank(values[name]) : values[name] === expected;
}

/** The operation's values by wire name, as the node's fields hold them for this item. */
export async function readValues(state: ExecutionState, op: OperationSpec, itemIndex: number): Promise<Record<string, unknown>> {
	const { ctx, client } = state;
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
	if (op.auth === 'none' && op.params.some((param) => placementOf(op, param) === 'skip' && param.name === 'client_id')) {
		Object.assign(values, await state.clientCredentials());
	}
	return values;
}

function bearerToken(state: ExecutionState, op: OperationSpec, itemIndex: number): string | undefined {
	if (op.auth !== 'userBearer' && op.auth !== 'pamBearer') return undefined;
	const field = BEARER_FIELDS[op.auth];
	const token = String(state.ctx.getNodeParameter(field.name, itemIndex, '') ?? '').trim();
	if (!token) {
		throw new NodeOperationError(state.ctx.getNode(), `${field.displayName} is required`, {
			itemIndex,
			description: `Check the "${field.displayName}" field.`,
		});
	}
	// An access token is a b64token (RFC 6750); anything else would fail in the HTTP client (bad
	// header characters) or at the server (oversized header) with a confusing error.
	if (token.length > 4096 || !/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
		throw new NodeOperationError(state.ctx.getNode(), `${field.displayName} is not a valid access token`, {
			itemIndex,
			description: `Check the "${field.displayName}" field: an access token has only letters, digits and - . _ ~ + / =, and no spaces.`,
		});
	}
	return token;
}

/** For creates whose response was lost: find the object the create may have made. */
function recovery(state: ExecutionState, op: OperationSpec, values: Record<string, unknown>, itemIndex: number) {
	const { client } = state;
	if (op.action === 'CreateUser' && !isBlank(values.username)) {
		const lookup = catalogOp('GetUserIdByUsername');
		return async () => {
			const userId = await findId(client, lookup, { username: values.username }, itemIndex);
			return userId ? { userId } : undefined;
		};
	}
	if (op.action === 'CreateOrganizationalUnit' && !isBlank(values.organizationalUnitExternalId)) {
		const lookup = catalogOp('GetOrganizationalUnitIdByExternalId');
		return async () => {
			const organizationalUnitId = await findId(
				client,
				lookup,
				{
					organizationalUnitExternalId: values.organizationalUnitExternalId,
					organizationalUnitSourceType: 'build_in',
					organizationalUnitSourceId: client.connection.instanceId,
				},
				itemIndex,
			);
			return organizationalUnitId ? { organizationalUnitId } : undefined;
		};
	}
	if (op.action === 'CreateGroup' && typeof values.groupName === 'string' && values.groupName.trim() !== '') {
		// No lookup by name: list the groups whose name starts with it and take the exact match.
		const lookup = catalogOp('ListGroups');
		const groupName = values.groupName.trim();
		return async () => {
			const groups = await client.list(lookup, { groupNameStartWith: groupName }, { itemIndex });
			const match = groups.find((group) => typeof group.groupName === 'string' && group.groupName.trim() === groupName);
			return typeof match?.groupId === 'string' ? { groupId: match.groupId } : undefined;
		};
	}
	return undefined;
}

export async function executeOperation(state: ExecutionState, op: OperationSpec, itemIndex: number): Promise<IDataObject[]> {
	const { ctx, client } = state;
	const token = bearerToken(state, op, itemIndex);
	const values = await readValues(state, op, itemIndex);
	const simplified = isSimplifiable(op) ? (ctx.getNodeParameter('simplify', itemIndex, true) as boolean) : false;
	if (op.response === 'list') {
		const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
		if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
			throw new NodeOperationError(ctx.getNode(), `Limit must be a whole number of at least 1, got ${JSON.stringify(limit) ?? String(limit)}`, { itemIndex });
		}
		const records = await client.list(op, values, { itemIndex, limit, bearerToken: token, readAhead: state.concurrency });
		return records.map((record) => recordResult(op.subject, record, simplified));
	}
	const body = await client.call(op, values, { itemIndex, bearerToken: token, recover: recovery(state, op, values, itemIndex) });
	if (op.response === 'none') return [actionResult(op, values)];
	if (op.responseKey) return [keyedResult(op, values, body)];
	if (op.action === 'GenerateToken') {
		// Only a real `true` shows tokens: an expression giving "false", "no" or 1 must not.
		return [redactTokens(body, ctx.getNodeParameter('includeTokenValues', itemIndex, false) === true)];
	}
	return [recordResult(op.subject, body, simplified)];
}
