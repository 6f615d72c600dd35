import type { INodeProperties } from 'n8n-workflow';

import type { ParamSpec } from '../catalog';
import { ID_EXAMPLE, ID_NOUN, ID_PREFIX } from '../catalog';
import { EMAIL_REGEX } from '../request/locators';
import { labelOf } from '../request/validation';

/**
 * Resource locators for the three object kinds the editor can pick: From List (searchable, paged),
 * By ID (prefix-checked in the editor and again before the request), and for users By Username
 * and By Email, resolved to an ID before the call (request/locators.ts).
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
						{ displayName: 'By Username', name: 'username', type: 'string' as const, placeholder: 'jane.doe' },
						{
							displayName: 'By Email',
							name: 'email',
							type: 'string' as const,
							placeholder: 'jane.doe@example.com',
							validation: [{ type: 'regex' as const, properties: { regex: EMAIL_REGEX, errorMessage: 'Enter an email address' } }],
						},
					]
				: []),
		],
	};
}
