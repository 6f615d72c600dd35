import type { OperationSpec, ParamSpec } from './types';
import { SCOPES, SOURCE_TYPES, USERS } from './params';

/**
 * The user ID look-ups. zh API metadata's error tables print user:manage_all for the email, phone and
 * external-ID look-ups; GetUserIdByUsername has no table, so no scope is required for it
 * (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/introduction-to-api-integration).
 */
export const userLookupOperations: readonly OperationSpec[] = [
	lookup('GetUserIdByEmail', 'getIdByEmail', 'getUserIdByEmail', 'email', SCOPES.userManage, [
		{
			name: 'email',
			in: 'body',
			valueType: 'string',
			required: true,
			format: 'email',
			description: 'Email address of the account',
		},
	]),
	lookup(
		'GetUserIdByPhoneNumber',
		'getIdByPhoneNumber',
		'getUserIdByPhoneNumber',
		'phone number',
		SCOPES.userManage,
		[
			{
				name: 'phoneNumber',
				in: 'body',
				valueType: 'string',
				required: true,
				format: 'phoneNumber',
				description: 'Mobile number of the account (without country code)',
			},
		],
	),
	lookup('GetUserIdByUsername', 'getIdByUsername', 'getUserIdByUsername', 'username', undefined, [
		{
			name: 'username',
			in: 'body',
			valueType: 'string',
			required: true,
			description: 'Username of the account',
		},
	]),
	// The action is GetUserIdByUserExternalId but the path says getUserIdByExternalId (Go SDK, API metadata).
	lookup(
		'GetUserIdByUserExternalId',
		'getIdByExternalId',
		'getUserIdByExternalId',
		'external ID',
		SCOPES.userManage,
		[
			{
				name: 'userExternalId',
				in: 'body',
				valueType: 'string',
				required: true,
				description: 'External ID of the account in its source',
			},
			{
				name: 'userSourceType',
				in: 'body',
				valueType: 'string',
				required: true,
				enum: SOURCE_TYPES,
				default: 'build_in',
				description: 'Where the account comes from',
			},
			{
				name: 'userSourceId',
				in: 'body',
				valueType: 'string',
				required: true,
				description:
					'Source ID: the instance ID for build_in accounts, else e.g. the DingTalk corpId',
			},
		],
	),
];

function lookup(
	apiName: string,
	operation: string,
	pathAction: string,
	by: string,
	scope: string | undefined,
	params: readonly ParamSpec[],
): OperationSpec {
	return {
		apiName,
		resource: 'user',
		operation,
		displayName: `Get ID by ${by.replace(/\b\w/g, (c) => c.toUpperCase()).replace('Id', 'ID')}`,
		panelText: `Get a user ID by ${by}`,
		description: `Find the ID of the account with this ${by}`,
		method: 'POST',
		path: `${USERS}/_/actions/${pathAction}`,
		auth: 'bearer',
		scope,
		idempotent: true,
		subject: 'user',
		response: 'object',
		responseKey: 'userId',
		params,
	};
}
