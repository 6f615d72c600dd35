import type { IDataObject } from 'n8n-workflow';

import type { IdKind } from './ids';
import { ID_LABEL } from './ids';
import type { OperationHooks, ParamSpec } from './types';

/**
 * Building blocks shared by the per-resource catalog files, so that a parameter that means the
 * same thing everywhere (a user ID in a path, a page size) is described once.
 */

/** Every Developer API path starts with these two; they come from the credential, not the node. */
export const APP_PREFIX = '/v2/{instanceId}/{applicationId}';

export const USERS = `${APP_PREFIX}/users`;
export const USER = `${USERS}/{userId}`;

export const SOURCE_TYPES = ['build_in', 'ding_talk', 'ad', 'ldap'] as const;

/** Stands for the root organizational unit in ListOrganizationalUnits' parentId (SDK 1.8.0 remark). */
export const ROOT_OU_ALIAS = 'ou_root';

export const SCOPES = {
	userRead: 'urn:alibaba:idaas:scope:user:read_all',
	// The console and SetApplicationGrantScope spell it manage_all; some docs print manager_all
	// (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/introduction-to-api-integration). manage_all is canonical; the emulator accepts both spellings.
	userManage: 'urn:alibaba:idaas:scope:user:manage_all',
	ouRead: 'urn:alibaba:idaas:scope:organizational_unit:read_all',
	ouManage: 'urn:alibaba:idaas:scope:organizational_unit:manage_all',
	pamObtainCredential: 'urn:cloud:idaas:pam|cloud_account_role:obtain_access_credential',
	// The PAM scopes SDK 1.8.0 names in each operation's remark (client.ts).
	pamCredentialObtain: 'urn:cloud:idaas:pam|credential:obtain',
	pamCredentialManage: 'urn:cloud:idaas:pam|credential:manage',
	pamTokenObtain: 'urn:cloud:idaas:pam|authentication_token:obtain',
	pamTokenRead: 'urn:cloud:idaas:pam|authentication_token:read',
	pamTokenManage: 'urn:cloud:idaas:pam|authentication_token:manage',
} as const;

/** The PAM operations sit under the instance, with no application in the path (SDK 1.8.0 client.ts). */
export const INSTANCE_PREFIX = '/v2/{instanceId}';

export function pathId(name: string, idKind: IdKind): ParamSpec {
	return {
		name,
		in: 'path',
		valueType: 'string',
		required: true,
		idKind,
		displayName: ID_LABEL[idKind],
		description: `The ${ID_LABEL[idKind].toLowerCase()} ID`,
	};
}

/** An OU ID carried in a body or query field rather than the path; optional unless said otherwise. */
export function ouIdField(name: string): ParamSpec {
	return { ...pathId(name, 'organizationalUnit'), in: 'body', required: false };
}

export function bodyIdList(name: string, idKind: IdKind, description: string): ParamSpec {
	return {
		name,
		in: 'body',
		valueType: 'stringList',
		required: true,
		idKind,
		displayName: `${ID_LABEL[idKind]}s`,
		description,
	};
}

export const pageNumberParams: readonly ParamSpec[] = [
	{
		name: 'pageNumber',
		in: 'query',
		valueType: 'integer',
		min: 1,
		description: 'Page number, from 1',
	},
	{
		name: 'pageSize',
		in: 'query',
		valueType: 'integer',
		min: 1,
		max: 100,
		description: 'Page size, 1-100',
	},
];

export const nextTokenParams: readonly ParamSpec[] = [
	{ name: 'nextToken', in: 'query', valueType: 'string', description: 'Token of the page to read' },
	{
		name: 'maxResults',
		in: 'query',
		valueType: 'integer',
		min: 1,
		max: 100,
		description: 'Page size. Default 20; the maximum is not documented, 100 is assumed',
	},
];

export const PAGE_NUMBER = {
	style: 'pageNumber',
	sizeParam: 'pageSize',
	maxPageSize: 100,
	defaultPageSize: 20,
} as const;

// maxResults has no documented upper bound (the API metadata). We use 100, the bound of the
// page-number lists, so a real tenant never rejects our page size.
export const NEXT_TOKEN = {
	style: 'nextToken',
	sizeParam: 'maxResults',
	maxPageSize: 100,
	defaultPageSize: 20,
} as const;

/**
 * How far IDaaS's clock may be behind ours when a record's createTime is compared with the moment
 * a create was sent (an assumption: the API documents no clock guarantee).
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Whether a record found after a lost create response is the one that create made, not one that
 * was there before: every compared field that was sent holds the sent value, and it was created
 * no earlier than the request (give or take CLOCK_SKEW_MS). A record without a readable
 * createTime is judged on its fields alone.
 */
export function createdByRequest(
	record: IDataObject,
	sent: Readonly<Record<string, unknown>>,
	fields: readonly string[],
	sentAt: number,
): boolean {
	const differs = fields.some(
		(name) =>
			sent[name] !== undefined && String(record[name] ?? '').trim() !== String(sent[name]).trim(),
	);
	if (differs) return false;
	const created = Number(record.createTime);
	return !(Number.isFinite(created) && created > 0 && created < sentAt - CLOCK_SKEW_MS);
}

/**
 * Create recovery by an ID look-up: `by` turns what the create sent into the look-up's values
 * (undefined: nothing to find the object by). A match is read with `check.get` and taken only if
 * this request made it (createdByRequest on `check.fields`); then it answers as the create would,
 * `{ [idKey]: id }`. Otherwise the create is sent again, and IDaaS reports the conflict.
 */
export function recoverById(
	lookupApiName: string,
	idKey: string,
	by: (
		values: Readonly<Record<string, unknown>>,
		instanceId: string,
	) => Record<string, unknown> | undefined,
	check: { get: string; fields: readonly string[] },
): NonNullable<OperationHooks['recover']> {
	return (values, lookups, sentAt) => {
		const lookupValues = by(values, lookups.instanceId);
		if (!lookupValues) return undefined;
		return async () => {
			const id = await lookups.findId(lookupApiName, lookupValues);
			if (!id) return undefined;
			const record = await lookups.get(check.get, { [idKey]: id });
			return createdByRequest(record, values, check.fields, sentAt) ? { [idKey]: id } : undefined;
		};
	};
}
