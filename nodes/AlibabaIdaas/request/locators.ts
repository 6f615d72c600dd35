import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ParamSpec } from '../catalog';
import { EMAIL_REGEX, NAME_MODE, catalogOp, labelOf } from '../catalog';
import type { IdaasClient } from './client';
import { directoryNames } from './directoryNames';
import { isBlank } from './validation';

/**
 * Resource locator values to IDs. By Username and By Email cost one look-up each
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
export async function resolveLocator(
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
export async function resolveLocatorList(
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
