import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getOperationByAction } from '../catalog';
import type { IdKind, ParamSpec } from '../catalog/types';
import { ID_PREFIX } from '../catalog/types';
import type { IdaasClient } from './transport';
import { isBlank, labelOf } from './validation';

/**
 * Resource locators for the three object kinds the editor can pick: From List (searchable, paged),
 * By ID (prefix-checked in the editor and again before the request), and for users By Username
 * and By Email, resolved to an ID with GetUserIdByUsername / GetUserIdByEmail before the call.
 */

export type LocatorKind = 'user' | 'organizationalUnit' | 'group';

export const LOCATOR_KINDS: readonly IdKind[] = ['user', 'organizationalUnit', 'group'];

const SEARCH_METHOD: Record<LocatorKind, string> = {
	user: 'getUsers',
	organizationalUnit: 'getOrganizationalUnits',
	group: 'getGroups',
};

const NOUN: Record<LocatorKind, string> = { user: 'user', organizationalUnit: 'organizational unit', group: 'group' };

const ID_EXAMPLE: Record<LocatorKind, string> = {
	user: 'user_d6sbsuumeta4h66ec3il7yxxxx',
	organizationalUnit: 'ou_wovwffm62xifdziem7an7xxxxx',
	group: 'group_e5nhm7spw3wq4jipqxtw5xxxxx',
};

// Deliberately loose: the editor hint only catches the obvious mistakes; the same format check
// as for email fields runs before any request.
const EMAIL_REGEX = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';

export function isLocatorParam(param: ParamSpec): boolean {
	return param.valueType === 'string' && param.idKind !== undefined && LOCATOR_KINDS.includes(param.idKind);
}

/**
 * The modes are written out inside `modes: [...]`: n8n's lint only recognises mode objects there
 * (anywhere else it takes them for parameters without a default).
 */
export function locatorProperty(param: ParamSpec, kind: LocatorKind): INodeProperties {
	const prefix = ID_PREFIX[kind];
	const byId = {
		regex: `^${prefix}[A-Za-z0-9_-]+$`,
		errorMessage: `A ${NOUN[kind]} ID starts with ${prefix}`,
	};
	const property = {
		displayName: labelOf(param),
		name: param.name,
		description: param.description,
	};
	const listSearch = { searchListMethod: SEARCH_METHOD[kind], searchable: true };
	if (kind !== 'user') {
		return {
			...property,
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			modes: [
				{ displayName: 'From List', name: 'list', type: 'list', typeOptions: listSearch },
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: ID_EXAMPLE[kind],
					validation: [{ type: 'regex', properties: byId }],
				},
			],
		};
	}
	return {
		...property,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: listSearch },
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: ID_EXAMPLE[kind],
				validation: [{ type: 'regex', properties: byId }],
			},
			{ displayName: 'By Username', name: 'username', type: 'string', placeholder: 'jane.doe' },
			{
				displayName: 'By Email',
				name: 'email',
				type: 'string',
				placeholder: 'jane.doe@example.com',
				validation: [{ type: 'regex', properties: { regex: EMAIL_REGEX, errorMessage: 'Enter an email address' } }],
			},
		],
	};
}

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
export async function resolveLocator(
	client: IdaasClient,
	param: ParamSpec,
	raw: unknown,
	itemIndex: number,
): Promise<unknown> {
	const { mode, value } = asLocator(raw);
	if (isBlank(value)) return undefined;
	if (mode !== 'username' && mode !== 'email') return typeof value === 'string' ? value.trim() : value;
	const field = labelOf(param);
	if (param.idKind !== 'user') {
		throw new NodeOperationError(client.node, `${field} cannot be looked up by ${mode}`, {
			itemIndex,
			description: `Pick the ${field} from the list or give its ID.`,
		});
	}
	if (typeof value !== 'string' && typeof value !== 'number') {
		// An expression gave an object or array: never send "[object Object]" as a username.
		throw new NodeOperationError(client.node, `${field} (By ${mode === 'email' ? 'Email' : 'Username'}) must be text`, {
			itemIndex,
			description: `Check the "${field}" field: the expression gave ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}.`,
		});
	}
	const op = getOperationByAction(mode === 'email' ? 'GetUserIdByEmail' : 'GetUserIdByUsername');
	if (!op) throw new NodeOperationError(client.node, `Catalog error: no lookup by ${mode}`);
	const text = String(value).trim();
	if (mode === 'email' && !new RegExp(EMAIL_REGEX).test(text)) {
		throw new NodeOperationError(client.node, `${field} (By Email) "${text}" is not a valid email address`, {
			itemIndex,
			description: `Check the "${field}" field: give an address such as jane@example.com.`,
		});
	}
	const body: IDataObject = await client.call(op, { [mode]: text }, { itemIndex });
	if (typeof body.userId !== 'string' || body.userId === '') {
		throw new NodeOperationError(client.node, `No user has the ${mode} "${text}"`, { itemIndex });
	}
	return body.userId;
}
