import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { OperationSpec, ParamSpec, Resource } from '../catalog';
import {
	BEARER_FIELDS,
	ID_PREFIX,
	PAM_TOKEN_SOURCE,
	PICKER_VERSION,
	collectionOf,
	isLocatorListParam,
	isLocatorParam,
	isPamOperation,
	isSimplifiable,
	labelOf,
	pamTokenDefault,
	placementOf,
} from '../catalog';
import type { LocatorKind } from './locatorField';
import { locatorListProperty, locatorProperty } from './locatorField';

/**
 * n8n properties generated from the catalog, so that a new catalog entry shows up in the editor
 * with its fields, labels, checks and pickers without a hand-written description. Where each
 * parameter goes is the catalog's placement (catalog/fields.ts).
 */

// In alphabetical order, as n8n's UI guidelines ask; the default is the PAM client token.
const PAM_TOKEN_OPTIONS: INodePropertyOptions[] = [
	{
		name: "Application's Token",
		value: 'application',
		description:
			"The application's Developer API token; works only where the tenant grants PAM permissions to it",
	},
	{
		name: 'PAM Client Token',
		value: 'pamClient',
		description:
			"The credential's PAM client token: client credentials at the instance's authorization server, scope urn:cloud:idaas:pam|.all (as Alibaba's PAM client gets it)",
	},
	{
		name: 'Token From a Field',
		value: 'field',
		description: 'An access token given below, e.g. mapped from an earlier step',
	},
];

/** The Token choice of a PAM operation and its token field; version 1 keeps what it sent (catalog pamTokenDefault). */
function pamTokenFields(op: OperationSpec): INodeProperties[] {
	const display = showFor(op);
	const choice = (
		versions: Array<number | { _cnd: { gte: number } }>,
		nodeVersion: number,
	): INodeProperties => ({
		displayName: PAM_TOKEN_SOURCE.displayName,
		name: PAM_TOKEN_SOURCE.name,
		type: 'options',
		options: PAM_TOKEN_OPTIONS,
		default: pamTokenDefault(op, nodeVersion),
		description:
			'Which access token the request carries. What to grant in the IDaaS console for each is in the README.',
		displayOptions: { show: { ...display.show, '@version': versions } },
	});
	const field = BEARER_FIELDS.pamBearer;
	return [
		choice([1], 1),
		choice([{ _cnd: { gte: PICKER_VERSION } }], PICKER_VERSION),
		{
			...field,
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { ...display.show, [PAM_TOKEN_SOURCE.name]: ['field'] } },
		},
	];
}

export function showFor(op: { resource: string; operation: string }) {
	return { show: { resource: [op.resource], operation: [op.operation] } };
}

/** Words of enum values spelled as people write them (`api_key` → API Key, `llm` → LLM). */
const WORDS: Record<string, string> = {
	Ad: 'AD',
	Api: 'API',
	Jwt: 'JWT',
	Ldap: 'LDAP',
	Llm: 'LLM',
	Oauth: 'OAuth',
	Saas: 'SaaS',
};

function titleCase(text: string): string {
	const words = text.replace(
		/(^|[\s_-])(\w)/g,
		(_m, sep: string, c: string) => `${sep === '_' || sep === '-' ? ' ' : sep}${c.toUpperCase()}`,
	);
	return words.replace(/\b[A-Z][a-z]+\b/g, (word) => WORDS[word] ?? word);
}

function enumOptions(values: readonly string[]): INodePropertyOptions[] {
	// n8n's lint wants options sorted by name; the API values stay as they are.
	return values
		.map((value) => ({
			name: titleCase(value.replace(/^urn:ietf:params:oauth:grant-type:/, '')),
			value,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** An object with known fields as a fixed collection: the editor stores it as `{ values: { … } }`. */
function fixedCollectionOf(param: ParamSpec): INodeProperties {
	return {
		displayName: labelOf(param),
		name: param.name,
		description: param.description,
		type: 'fixedCollection',
		default: {},
		options: [
			{
				name: 'values',
				displayName: labelOf(param),
				values: (param.fields ?? []).map(fieldProperty),
			},
		],
	};
}

/**
 * A field of an Additional Fields collection, as each node version shows it. Version 1 (release
 * 0.1.0) had every object of optional settings (Password Initialization Config) as a fixed
 * collection, saved as `{ values: { … } }`. When n8n loads a workflow it keeps only the values a
 * field's type declares, so a collection in its place would drop those saved settings without a
 * word: version 1 keeps the fixed collection (read.ts unwraps `values`), later versions have the
 * collection.
 */
function collectionFieldVersions(param: ParamSpec, field: INodeProperties): INodeProperties[] {
	if (param.valueType !== 'object' || field.type !== 'collection') return [field];
	return [
		{ ...fixedCollectionOf(param), displayOptions: { show: { '@version': [1] } } },
		{ ...field, displayOptions: { show: { '@version': [{ _cnd: { gte: PICKER_VERSION } }] } } },
	];
}

/** One catalog parameter as an n8n field (also used inside collections and fixed collections). */
export function fieldProperty(param: ParamSpec): INodeProperties {
	const base = { displayName: labelOf(param), name: param.name, description: param.description };
	if (isLocatorParam(param)) return locatorProperty(param, param.idKind as LocatorKind);
	switch (param.valueType) {
		case 'boolean':
			return { ...base, type: 'boolean', default: param.default ?? false };
		case 'integer':
			return {
				...base,
				type: 'number',
				default: param.default ?? param.min ?? 0,
				typeOptions: { minValue: param.min, maxValue: param.max, numberPrecision: 0 },
			};
		case 'stringList':
			if (param.enum)
				return { ...base, type: 'multiOptions', options: enumOptions(param.enum), default: [] };
			return {
				...base,
				type: 'string',
				default: '',
				placeholder: param.idKind
					? `e.g. ${ID_PREFIX[param.idKind]}abc, ${ID_PREFIX[param.idKind]}def`
					: undefined,
				description: `${param.description}. Comma-separated, or an array from an expression.`,
			};
		case 'object':
			// A free map is typed as JSON. An object of optional settings is a collection, whose fields the
			// user adds one by one: a fixed collection stores every sub-field with its editor default (the
			// first option of an enum), which would send choices the user never made. A required object,
			// or one with a required field, stays a fixed collection, which shows its fields at once.
			if (param.mapValues) return { ...base, type: 'json', default: '{}' };
			if (param.required || (param.fields ?? []).some((field) => field.required))
				return fixedCollectionOf(param);
			return {
				...base,
				type: 'collection',
				placeholder: 'Add Setting',
				default: {},
				options: (param.fields ?? [])
					.map(fieldProperty)
					.sort((a, b) => a.displayName.localeCompare(b.displayName)),
			};
		case 'objectList':
			return {
				...base,
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: `Add ${labelOf(param)}`,
				default: {},
				options: [
					{
						name: 'values',
						displayName: labelOf(param),
						values: (param.fields ?? []).map(fieldProperty),
					},
				],
			};
		case 'string':
			if (param.enum) {
				return {
					...base,
					type: 'options',
					options: enumOptions(param.enum),
					default: param.default ?? param.enum[0],
				};
			}
			return {
				...base,
				type: 'string',
				default: param.default ?? '',
				...(param.sensitive ? { typeOptions: { password: true } } : {}),
				...(param.placeholder
					? { placeholder: param.placeholder }
					: param.format === 'email'
						? { placeholder: 'name@email.com' }
						: {}),
			};
	}
}

/** Top-level fields and the collection of one operation. */
export function operationFields(op: OperationSpec): INodeProperties[] {
	const display = showFor(op);
	const top: INodeProperties[] = [];
	if (isPamOperation(op)) top.push(...pamTokenFields(op));
	else if (op.auth === 'userBearer' || op.auth === 'pamBearer') {
		const field = BEARER_FIELDS[op.auth];
		top.push({
			...field,
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: display,
		});
	}
	const optional: INodeProperties[] = [];
	for (const param of op.params) {
		const placement = placementOf(op, param);
		if (placement === 'skip') continue;
		const field = fieldProperty(param);
		if (placement === 'collection') {
			optional.push(...collectionFieldVersions(param, field));
			continue;
		}
		const [other, value] = param.requiredWith?.includes('=') ? param.requiredWith.split('=') : [];
		const shown = other ? { show: { ...display.show, [other]: [value] } } : display;
		// `prominent` fields sit at the top because most users fill them, not because the API needs them.
		const required = param.required === true || other !== undefined;
		if (isLocatorListParam(param)) {
			// Version 1 took ID lists as comma-separated text; its workflows keep that field.
			top.push({
				...field,
				required,
				displayOptions: { show: { ...shown.show, '@version': [1] } },
			});
			const picker = locatorListProperty(param, param.idKind as LocatorKind);
			top.push({
				...picker,
				required,
				displayOptions: {
					show: { ...shown.show, '@version': [{ _cnd: { gte: PICKER_VERSION } }] },
				},
			});
			continue;
		}
		top.push({ ...field, required, displayOptions: shown });
	}
	for (const field of op.hooks?.followUp?.fields ?? []) {
		top.push({
			...field,
			displayOptions: { show: { ...display.show, ...field.displayOptions?.show } },
		});
	}
	if (optional.length > 0) {
		const { name, displayName } = collectionOf(op);
		top.push({
			displayName,
			name,
			type: 'collection',
			placeholder: name === 'filters' ? 'Add Filter' : 'Add Field',
			default: {},
			displayOptions: display,
			options: optional.sort((a, b) => a.displayName.localeCompare(b.displayName)),
		});
	}
	return top;
}

/** The switch that lets an operation's secret response fields through, and its warning. */
export function secretsOptIn(op: OperationSpec): INodeProperties[] {
	const secrets = op.hooks?.secrets;
	if (!secrets) return [];
	const { optIn, notice } = secrets;
	const display = showFor(op);
	return [
		{
			displayName: optIn.displayName,
			name: optIn.name,
			type: 'boolean',
			default: false,
			description: optIn.description,
			displayOptions: display,
		},
		{
			displayName: notice.text,
			name: notice.name,
			type: 'notice',
			default: '',
			displayOptions: { show: { ...display.show, [optIn.name]: [true] } },
		},
	];
}

export function returnAllAndLimit(op: { resource: string; operation: string }): INodeProperties[] {
	const display = showFor(op);
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: display,
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			default: 50,
			typeOptions: { minValue: 1 },
			description: 'Max number of results to return',
			displayOptions: { show: { ...display.show, returnAll: [false] } },
		},
	];
}

export function simplifyProperty(
	ops: ReadonlyArray<{ resource: string; operation: string }>,
	resource: Resource,
): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
		displayOptions: { show: { resource: [resource], operation: ops.map((op) => op.operation) } },
	};
}

/**
 * An operation as the editor shows it: its picker entry, its fields (with their displayOptions) and
 * what an AI agent's model reads about it; `api` when it is one catalog operation.
 */
export interface DescribedOperation {
	resource: Resource;
	option: { name: string; value: string; description: string; action: string };
	fields: readonly INodeProperties[];
	toolText: string;
	api?: OperationSpec;
}

/** Everything one catalog operation shows: its fields, Return All and Limit for a list, its secrets' opt-in. */
export function apiOperationFields(op: OperationSpec): INodeProperties[] {
	return [
		...operationFields(op),
		...(op.pagination ? returnAllAndLimit(op) : []),
		...secretsOptIn(op),
	];
}

/** Whether an operation only reads (a safe default: a tool dropped onto an agent as it is must not write). */
function isRead(op: OperationSpec): boolean {
	return op.method === 'GET';
}

/** The catalog operations among a resource's operations. */
function apiOperationsOf(operations: readonly DescribedOperation[]): OperationSpec[] {
	return operations.flatMap(({ api }) => (api ? [api] : []));
}

/**
 * The operation pickers of a resource, from its operations. Node version 1 keeps its first catalog
 * operation as the default (n8n does not store a parameter left at its default, so saved workflows
 * rely on it); from 1.1 the default is the resource's first read where the first operation writes.
 */
export function operationPickers(
	resource: Resource,
	operations: readonly DescribedOperation[],
): INodeProperties[] {
	const ops = apiOperationsOf(operations);
	const options: INodePropertyOptions[] = operations
		.map(({ option }) => option)
		.sort((a, b) => a.name.localeCompare(b.name));
	const picker = (
		operation: string,
		version?: INodeProperties['displayOptions'],
	): INodeProperties => ({
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource], ...version?.show } },
		options,
		default: operation,
	});
	const first = ops[0];
	const read = isRead(first) ? first : (ops.find(isRead) ?? first);
	return read === first
		? [picker(first.operation)]
		: [
				picker(first.operation, { show: { '@version': [1] } }),
				picker(read.operation, { show: { '@version': [{ _cnd: { gte: PICKER_VERSION } }] } }),
			];
}

/** Everything a resource shows: picker, each operation's fields, and Simplify. */
export function resourceProperties(
	resource: Resource,
	operations: readonly DescribedOperation[],
): INodeProperties[] {
	const properties: INodeProperties[] = operationPickers(resource, operations);
	for (const { fields } of operations) properties.push(...fields);
	const simplifiable = apiOperationsOf(operations).filter(isSimplifiable);
	if (simplifiable.length > 0) properties.push(simplifyProperty(simplifiable, resource));
	return properties;
}
