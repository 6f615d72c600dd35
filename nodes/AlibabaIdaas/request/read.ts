import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationSpec, ParamSpec, PamTokenSource } from '../catalog';
import {
	BEARER_FIELDS,
	EMAIL_REGEX,
	NAME_MODE,
	PAM_TOKEN_SOURCE,
	catalogOp,
	collectionOf,
	isLocatorListParam,
	isLocatorParam,
	isPamOperation,
	isSimplifiable,
	labelOf,
	pamTokenDefault,
	placementOf,
} from '../catalog';
import type { PreparedRequest } from './build';
import { checked, isBlank, prepareRequest, requiredWithMet } from './build';
import type { IdaasClient } from './client';
import { directoryNames } from './directoryNames';
import type { JsonPath } from './mappedField';
import { mappedFields, readMapped } from './mappedField';

/**
 * The first step of every operation: one item's node fields, read once into a checked request
 * (build.ts) and the output choices that go with it. Nothing is sent here except the look-ups
 * that turn By Username / By Email locators into IDs. Below the request: how the node's
 * parameters are read for an item, and how resource locators become IDs.
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
	/** A PAM operation, whose token the user chooses. */
	pam: boolean;
	/** Simplify applies to its answer. */
	simplifiable: boolean;
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
			pam: isPamOperation(op),
			simplifiable: isSimplifiable(op),
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
	if (!planOf(op).pam) return undefined;
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
	const simplify = planOf(op).simplifiable
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

/*
 * Node parameters. One execution's node parameters, read the way n8n reads them (getNodeParameter: expressions
 * resolved for the item, defaults filled in), with two shortcuts that give the same values:
 * - a parameter without any expression in it is read once for all items: its value cannot
 *   differ between them, and n8n's getNodeParameter costs a copy, a resolution pass and a
 *   schema check each time;
 * - a parameter whose expressions are all fields mapped from the input item (mappedField.ts:
 *   `{{ $json.name }}`, what dragging a field onto the node writes) takes those values from the
 *   item itself. n8n evaluates every expression in a data proxy of its own, the largest part of
 *   an item's CPU in a 10,000-item run; reading `$json.name` needs none of it. The first item's
 *   value is checked against n8n's own reading, and any difference (or a value the shortcut does
 *   not take: missing, null, an object) leaves that parameter to n8n.
 */

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

/** How a parameter is read: once for all items, per item from its mapped fields, or by n8n for each item. */
type Reading =
	| { kind: 'constant'; value: unknown }
	| { kind: 'mapped'; fields: JsonPath[]; checked: boolean }
	| { kind: 'n8n' };

export class NodeParameters {
	private readonly readings = new Map<string, Reading>();

	/** The node's stored parameters, as n8n holds them (expressions unresolved). */
	private readonly raw: INodeParameters;

	private input?: INodeExecutionData[];

	constructor(private readonly ctx: IExecuteFunctions) {
		this.raw = ctx.getNode().parameters;
	}

	/** A top-level parameter's value for one item; `fallback` when the node does not have it. */
	get(name: string, itemIndex: number, fallback?: unknown): unknown {
		let reading = this.readings.get(name);
		if (!reading) {
			const raw = this.raw[name];
			if (!hasExpression(raw)) {
				reading = { kind: 'constant', value: this.ctx.getNodeParameter(name, itemIndex, fallback) };
			} else {
				const fields = mappedFields(raw);
				reading = fields ? { kind: 'mapped', fields, checked: false } : { kind: 'n8n' };
			}
			this.readings.set(name, reading);
		}
		if (reading.kind === 'constant') {
			// Each item gets its own copy of an object, as from n8n, so no item's output shares one.
			const { value } = reading;
			return value !== null && typeof value === 'object' ? structuredClone(value) : value;
		}
		if (reading.kind === 'mapped') {
			this.input ??= this.ctx.getInputData();
			const value = readMapped(this.raw[name], reading.fields, this.input[itemIndex]?.json);
			if (value !== undefined) {
				if (reading.checked) return value;
				const n8n = this.ctx.getNodeParameter(name, itemIndex, fallback);
				if (JSON.stringify(n8n) === JSON.stringify(value)) {
					reading.checked = true;
				} else {
					this.readings.set(name, { kind: 'n8n' });
				}
				return n8n;
			}
		}
		return this.ctx.getNodeParameter(name, itemIndex, fallback);
	}
}

/*
 * Resource locators. Resource locator values to IDs. By Username and By Email cost one look-up each
 * (GetUserIdByUsername / GetUserIdByEmail); By Name (groups) and By Name or Path (organizational
 * units) are resolved once per distinct value per execution (directoryNames.ts); the other modes
 * carry the ID itself.
 */

interface LocatorValue {
	mode?: string;
	value?: unknown;
}

function asLocator(raw: unknown): LocatorValue {
	if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) return raw as LocatorValue;
	// A plain string (from an expression or an older workflow) is an ID.
	return { mode: 'id', value: raw };
}

/**
 * Turns a locator value into an ID. Lookups by username or email cost one request; their input is
 * checked first so that a malformed email never reaches the API. Returns undefined when blank,
 * leaving "required" to the catalog validation.
 */
async function resolveLocator(
	client: IdaasClient,
	param: ParamSpec,
	raw: unknown,
	itemIndex: number,
): Promise<unknown> {
	const { mode, value } = asLocator(raw);
	if (isBlank(value)) return undefined;
	const named =
		mode === NAME_MODE && (param.idKind === 'organizationalUnit' || param.idKind === 'group');
	if (!named && mode !== 'username' && mode !== 'email')
		return typeof value === 'string' ? value.trim() : value;
	const field = labelOf(param);
	if (named && param.idKind === 'organizationalUnit')
		return (await directoryNames(client).unitByNameOrPath(field, value, itemIndex)).id;
	if (named) return (await directoryNames(client).groupByName(field, value, itemIndex)).id;
	if (param.idKind !== 'user') {
		throw new NodeOperationError(client.node, `${field} cannot be looked up by ${mode}`, {
			itemIndex,
			description: `Pick the ${field} from the list or give its ID.`,
		});
	}
	if (typeof value !== 'string' && typeof value !== 'number') {
		// An expression gave an object or array: never send "[object Object]" as a username.
		throw new NodeOperationError(
			client.node,
			`${field} (By ${mode === 'email' ? 'Email' : 'Username'}) must be text`,
			{
				itemIndex,
				description: `Check the "${field}" field: the expression gave ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}.`,
			},
		);
	}
	const op = catalogOp(mode === 'email' ? 'GetUserIdByEmail' : 'GetUserIdByUsername');
	const text = String(value).trim();
	if (mode === 'email' && !new RegExp(EMAIL_REGEX).test(text)) {
		throw new NodeOperationError(
			client.node,
			`${field} (By Email) "${text}" is not a valid email address`,
			{
				itemIndex,
				description: `Check the "${field}" field: give an address such as jane@example.com.`,
			},
		);
	}
	const body: IDataObject = await client.call(op, { [mode]: text }, { itemIndex });
	if (typeof body.userId !== 'string' || body.userId === '') {
		throw new NodeOperationError(client.node, `No user has the ${mode} "${text}"`, { itemIndex });
	}
	// Outputs can name the user by what it was looked up with (output/names.ts).
	directoryNames(client).rememberUser({ id: body.userId, [mode]: text });
	return body.userId;
}

/**
 * A list of locators (`{ values: [{ id: locator }, …] }`, node version 1.1) to the IDs it names, in
 * order; By Username / By Email entries cost one look-up each. An entry whose expression gives
 * several IDs (an array, or comma-separated text) contributes them all. Anything else (the
 * comma-separated text of version 1, or an array from an expression) is returned as it is, for
 * the catalog validation to split and check.
 */
async function resolveLocatorList(
	client: IdaasClient,
	param: ParamSpec,
	raw: unknown,
	itemIndex: number,
): Promise<unknown> {
	if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
	const entries = (raw as IDataObject).values;
	if (!Array.isArray(entries)) return [];
	const one: ParamSpec = { ...param, valueType: 'string' };
	const ids: unknown[] = [];
	for (const entry of entries as IDataObject[]) {
		const locator = asLocator(entry?.id);
		const several =
			Array.isArray(locator.value) ||
			(typeof locator.value === 'string' && locator.value.includes(','));
		if (
			several &&
			(locator.mode === 'id' || locator.mode === 'list' || locator.mode === undefined)
		) {
			ids.push(
				...(Array.isArray(locator.value) ? locator.value : String(locator.value).split(',')),
			);
			continue;
		}
		ids.push(await resolveLocator(client, one, entry?.id, itemIndex));
	}
	return ids.filter((id) => !isBlank(id));
}
