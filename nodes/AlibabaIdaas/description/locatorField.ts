import type { INodeProperties } from 'n8n-workflow';

import type { ParamSpec } from '../catalog';
import {
	EMAIL_REGEX,
	ID_EXAMPLE,
	ID_LABEL,
	ID_NOUN,
	ID_PREFIX,
	NAME_MODE,
	PATH_SEPARATOR,
	labelOf,
} from '../catalog';

/**
 * Resource locators for the three object kinds the editor can pick: From List (searchable, paged),
 * By ID (prefix-checked in the editor and again before the request), for units By Name or Path,
 * for groups By Name, and for users By Username and By Email, resolved to an ID before the call
 * (request/read.ts).
 */

export type LocatorKind = 'user' | 'organizationalUnit' | 'group';

const SEARCH_METHOD: Record<LocatorKind, string> = {
	user: 'getUsers',
	organizationalUnit: 'getOrganizationalUnits',
	group: 'getGroups',
};

/**
 * The modes are written out inside `modes: [...]`: n8n's lint only recognises mode objects there
 * (anywhere else it takes them for parameters without a default).
 */
export function locatorProperty(param: ParamSpec, kind: LocatorKind): INodeProperties {
	const prefix = ID_PREFIX[kind];
	const byId = {
		regex: `^${prefix}[A-Za-z0-9_-]+$`,
		errorMessage: `A ${ID_NOUN[kind]} ID starts with ${prefix}`,
	};
	const property = {
		displayName: labelOf(param),
		name: param.name,
		description: param.description,
	};
	const listSearch = { searchListMethod: SEARCH_METHOD[kind], searchable: true };
	return {
		...property,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: listSearch },
			// Units and groups by the name an HR sheet has, resolved to an ID before the call
			// (request/directoryNames.ts); a unit also by its path, as the list shows it.
			...(kind === 'organizationalUnit'
				? [
						{
							displayName: 'By Name or Path',
							name: NAME_MODE,
							type: 'string' as const,
							placeholder: `e.g. Sales or Acme${PATH_SEPARATOR}Sales${PATH_SEPARATOR}EMEA`,
						},
					]
				: []),
			...(kind === 'group'
				? [
						{
							displayName: 'By Name',
							name: NAME_MODE,
							type: 'string' as const,
							placeholder: 'e.g. Sales Team',
						},
					]
				: []),
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: ID_EXAMPLE[kind],
				validation: [{ type: 'regex', properties: byId }],
			},
			// Users can also be named the way people know them; these resolve to an ID before the call.
			...(kind === 'user'
				? [
						{
							displayName: 'By Username',
							name: 'username',
							type: 'string' as const,
							placeholder: 'jane.doe',
						},
						{
							displayName: 'By Email',
							name: 'email',
							type: 'string' as const,
							placeholder: 'jane.doe@example.com',
							validation: [
								{
									type: 'regex' as const,
									properties: { regex: EMAIL_REGEX, errorMessage: 'Enter an email address' },
								},
							],
						},
					]
				: []),
		],
	};
}

/**
 * A list of IDs (a group's users, a user's organizational units) as n8n's own nodes do multi-select
 * with search: a fixed collection of resource locators, one per entry, each with the same modes
 * as the single-ID field (From List with search and paging, By ID, for users By Username and
 * By Email; any of them an expression, which may also give several IDs). Stored as
 * `{ values: [{ id: { mode, value } }, …] }`; request/read.ts resolves it to IDs.
 */
export function locatorListProperty(param: ParamSpec, kind: LocatorKind): INodeProperties {
	const entry = locatorProperty(
		{
			...param,
			name: 'id',
			displayName: ID_LABEL[kind],
			description: `A ${ID_NOUN[kind]} to include`,
		},
		kind,
	);
	return {
		displayName: labelOf(param),
		name: param.name,
		description: param.description,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: `Add ${ID_LABEL[kind]}`,
		default: {},
		options: [{ name: 'values', displayName: ID_LABEL[kind], values: [entry] }],
	};
}
