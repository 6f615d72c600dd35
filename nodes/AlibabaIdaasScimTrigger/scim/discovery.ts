import type { IDataObject } from 'n8n-workflow';

import { notFound } from './errors';
import { MAX_COUNT } from './routes';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, LIST_SCHEMA, USER_SCHEMA } from './resources';

/**
 * The discovery endpoints of RFC 7644 §4 (https://www.rfc-editor.org/rfc/rfc7644#section-4):
 * what this service provider supports, its resource types and the schemas of their attributes
 * (RFC 7643 §5-§7). Clients read them to decide how to talk to it: PATCH yes, bulk, sort, ETags
 * and password change no; filters yes, up to MAX_COUNT results a page.
 */

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const DOCS =
	'https://github.com/n8n-nodes-alibaba-idaas/n8n-nodes-alibaba-idaas/blob/main/docs/scim-trigger.md';

export function serviceProviderConfig(baseUrl: string): IDataObject {
	return {
		schemas: [SPC_SCHEMA],
		documentationUri: DOCS,
		patch: { supported: true },
		bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
		filter: { supported: true, maxResults: MAX_COUNT },
		changePassword: { supported: false },
		sort: { supported: false },
		etag: { supported: false },
		authenticationSchemes: [
			{
				type: 'oauthbearertoken',
				name: 'OAuth Bearer Token',
				description:
					'A bearer token in the Authorization header, or one from the token endpoint for a client ID and secret',
				primary: true,
			},
		],
		meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
	};
}

function resourceType(baseUrl: string, name: 'User' | 'Group'): IDataObject {
	return {
		schemas: [RESOURCE_TYPE_SCHEMA],
		id: name,
		name,
		endpoint: `/${name}s`,
		schema: name === 'User' ? USER_SCHEMA : GROUP_SCHEMA,
		...(name === 'User'
			? { schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }] }
			: {}),
		meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${name}` },
	};
}

type AttributeSpec = [
	name: string,
	type: string,
	options?: {
		multi?: boolean;
		required?: boolean;
		caseExact?: boolean;
		unique?: boolean;
		sub?: AttributeSpec[];
		returned?: string;
		mutability?: string;
	},
];

function attribute([name, type, o = {}]: AttributeSpec): IDataObject {
	const out: IDataObject = {
		name,
		type,
		multiValued: o.multi ?? false,
		required: o.required ?? false,
		caseExact: o.caseExact ?? false,
		mutability: o.mutability ?? 'readWrite',
		returned: o.returned ?? 'default',
		uniqueness: o.unique ? 'server' : 'none',
	};
	if (o.sub) out.subAttributes = o.sub.map(attribute);
	return out;
}

const multi = (type = 'string'): AttributeSpec[] => [
	['value', type],
	['display', 'string'],
	['type', 'string'],
	['primary', 'boolean'],
];

const USER_ATTRIBUTES: AttributeSpec[] = [
	['userName', 'string', { required: true, unique: true }],
	[
		'name',
		'complex',
		{
			sub: [
				['formatted', 'string'],
				['familyName', 'string'],
				['givenName', 'string'],
				['middleName', 'string'],
				['honorificPrefix', 'string'],
				['honorificSuffix', 'string'],
			],
		},
	],
	['displayName', 'string'],
	['nickName', 'string'],
	['profileUrl', 'reference'],
	['title', 'string'],
	['userType', 'string'],
	['preferredLanguage', 'string'],
	['locale', 'string'],
	['timezone', 'string'],
	['active', 'boolean'],
	['password', 'string', { returned: 'never', mutability: 'writeOnly' }],
	['emails', 'complex', { multi: true, sub: multi() }],
	['phoneNumbers', 'complex', { multi: true, sub: multi() }],
	[
		'addresses',
		'complex',
		{
			multi: true,
			sub: [
				['formatted', 'string'],
				['streetAddress', 'string'],
				['locality', 'string'],
				['region', 'string'],
				['postalCode', 'string'],
				['country', 'string'],
				['type', 'string'],
				['primary', 'boolean'],
			],
		},
	],
	['roles', 'complex', { multi: true, sub: multi() }],
	['externalId', 'string', { caseExact: true }],
];

const GROUP_ATTRIBUTES: AttributeSpec[] = [
	['displayName', 'string', { required: true, unique: true }],
	[
		'members',
		'complex',
		{
			multi: true,
			sub: [
				['value', 'string', { caseExact: true }],
				['$ref', 'reference'],
				['display', 'string'],
				['type', 'string'],
			],
		},
	],
	['externalId', 'string', { caseExact: true }],
];

const ENTERPRISE_ATTRIBUTES: AttributeSpec[] = [
	['employeeNumber', 'string'],
	['costCenter', 'string'],
	['organization', 'string'],
	['division', 'string'],
	['department', 'string'],
	[
		'manager',
		'complex',
		{
			sub: [
				['value', 'string'],
				['$ref', 'reference'],
				['displayName', 'string', { mutability: 'readOnly' }],
			],
		},
	],
];

function schema(
	baseUrl: string,
	id: string,
	name: string,
	attributes: AttributeSpec[],
): IDataObject {
	return {
		schemas: [SCHEMA_SCHEMA],
		id,
		name,
		attributes: attributes.map(attribute),
		meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${id}` },
	};
}

function allSchemas(baseUrl: string): IDataObject[] {
	return [
		schema(baseUrl, USER_SCHEMA, 'User', USER_ATTRIBUTES),
		schema(baseUrl, GROUP_SCHEMA, 'Group', GROUP_ATTRIBUTES),
		schema(baseUrl, ENTERPRISE_SCHEMA, 'EnterpriseUser', ENTERPRISE_ATTRIBUTES),
	];
}

function listOf(resources: IDataObject[]): IDataObject {
	return {
		schemas: [LIST_SCHEMA],
		totalResults: resources.length,
		startIndex: 1,
		itemsPerPage: resources.length,
		Resources: resources,
	};
}

export function schemas(baseUrl: string, id?: string): IDataObject {
	const all = allSchemas(baseUrl);
	if (id === undefined) return listOf(all);
	const found = all.find((s) => String(s.id).toLowerCase() === id.toLowerCase());
	if (!found) throw notFound('Schema', id);
	return found;
}

export function resourceTypes(baseUrl: string, id?: string): IDataObject {
	const all = [resourceType(baseUrl, 'User'), resourceType(baseUrl, 'Group')];
	if (id === undefined) return listOf(all);
	const found = all.find((r) => String(r.id).toLowerCase() === id.toLowerCase());
	if (!found) throw notFound('ResourceType', id);
	return found;
}
