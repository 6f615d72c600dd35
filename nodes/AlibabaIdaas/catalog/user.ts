import type { FailureExplanation, Lookups, OperationSpec, ParamSpec } from './types';
import {
	APP_PREFIX,
	PAGE_NUMBER,
	SCOPES,
	USER,
	USERS,
	ouIdField,
	pageNumberParams,
	pathId,
	recoverById,
} from './params';
import { userLookupOperations } from './userLookups';
import { userMembershipOperations } from './userMemberships';

const customFieldParts: readonly ParamSpec[] = [
	{
		name: 'fieldName',
		in: 'body',
		valueType: 'string',
		required: true,
		description: 'Custom field name',
	},
	{ name: 'fieldValue', in: 'body', valueType: 'string', description: 'Custom field value' },
];

/**
 * Profile fields CreateUser and PatchUser share. Limits as SDK 1.8.0 documents them for CreateUser
 * (models/CreateUserRequest.ts in https://github.com/aliyun/alibabacloud-typescript-sdk,
 * eiam-developerapi-20220225): display name and email up to 128 characters (the older metadata
 * said 64). PatchUser sets the same account fields, so it takes the same limits.
 */
const profileFields: readonly ParamSpec[] = [
	{
		name: 'displayName',
		in: 'body',
		valueType: 'string',
		maxLength: 128,
		prominent: true,
		placeholder: 'e.g. Jane Doe',
		description: 'Display name of the account, up to 128 characters',
	},
	{
		name: 'email',
		in: 'body',
		valueType: 'string',
		format: 'email',
		maxLength: 128,
		placeholder: 'e.g. jane.doe@example.com',
		description: 'Email address of the account, up to 128 characters',
	},
	{
		name: 'emailVerified',
		in: 'body',
		valueType: 'boolean',
		requiredWith: 'email',
		default: true,
		description: 'Whether the email address is verified. Required by the API when an email is set.',
	},
	{
		name: 'phoneRegion',
		in: 'body',
		valueType: 'string',
		format: 'phoneRegion',
		requiredWith: 'phoneNumber',
		description:
			'Country code of the mobile number without + or 00, e.g. 86. Required when a phone number is set.',
	},
	{
		name: 'phoneNumber',
		in: 'body',
		valueType: 'string',
		format: 'phoneNumber',
		maxLength: 15,
		description: 'Mobile number, 6-15 digits',
	},
	{
		name: 'phoneNumberVerified',
		in: 'body',
		valueType: 'boolean',
		requiredWith: 'phoneNumber',
		default: true,
		description:
			'Whether the mobile number is verified. Required by the API when a phone number is set.',
	},
];

/**
 * A create refused because the username or email is taken (400 ResourceDuplicated.Username or
 * .Email) names the account that holds it, and how to update that account instead.
 */
async function explainDuplicateUser(
	code: string,
	values: Readonly<Record<string, unknown>>,
	lookups: Lookups,
): Promise<FailureExplanation | undefined> {
	const key =
		code === 'ResourceDuplicated.Username'
			? 'username'
			: code === 'ResourceDuplicated.Email'
				? 'email'
				: undefined;
	if (!key || typeof values[key] !== 'string') return undefined;
	const userId = await lookups.findId(
		key === 'username' ? 'GetUserIdByUsername' : 'GetUserIdByEmail',
		{ [key]: values[key] },
	);
	if (!userId) return undefined;
	const user = await lookups.get('GetUser', { userId });
	const externalId =
		typeof user.userExternalId === 'string' && user.userExternalId !== ''
			? user.userExternalId
			: undefined;
	const known = [
		typeof user.displayName === 'string' && user.displayName ? `"${user.displayName}"` : undefined,
		externalId ? `external ID ${externalId}` : undefined,
	].filter(Boolean);
	const label = key === 'username' ? 'Username' : 'Email';
	return {
		message: `the ${key} "${String(values[key])}" belongs to ${userId}${known.length ? ` (${known.join(', ')})` : ''}`,
		description: `To update that account instead of creating one, use User → Create or Update with Match On: ${label}${externalId ? ` (or External ID, ${externalId})` : ''}.`,
	};
}

/**
 * A CreateUser whose response was lost made the user if its username is now taken by a user with
 * what was sent, created since the request.
 */
const recoverCreatedUser = recoverById(
	'GetUserIdByUsername',
	'userId',
	({ username }) => (username ? { username } : undefined),
	{
		get: 'GetUser',
		fields: [
			'primaryOrganizationalUnitId',
			'displayName',
			'email',
			'phoneNumber',
			'userExternalId',
		],
	},
);

/** In the README's order: the account itself, its ID look-ups, its memberships, then GetUserInfo. */
export const userOperations: readonly OperationSpec[] = [
	{
		apiName: 'CreateUser',
		resource: 'user',
		operation: 'create',
		displayName: 'Create',
		panelText: 'Create a user',
		description: 'Create an account in an organizational unit',
		method: 'POST',
		path: USERS,
		auth: 'bearer',
		scope: SCOPES.userManage,
		idempotent: false,
		subject: 'user',
		response: 'object',
		responseKey: 'userId',
		hooks: { recover: recoverCreatedUser, explainFailure: explainDuplicateUser },
		params: [
			{
				name: 'username',
				in: 'body',
				valueType: 'string',
				required: true,
				format: 'username',
				// SDK 1.8.0: letters, digits and _ . @ -, up to 256 characters (the metadata said 64).
				maxLength: 256,
				placeholder: 'e.g. jane.doe',
				description: 'Unique login name: letters, digits, _ . @ -, up to 256 characters',
			},
			{ ...ouIdField('primaryOrganizationalUnitId'), required: true },
			...profileFields,
			{
				name: 'password',
				in: 'body',
				valueType: 'string',
				sensitive: true,
				description: 'Initial password; must satisfy the instance password policy',
			},
			{
				name: 'passwordInitializationConfig',
				in: 'body',
				valueType: 'object',
				description: 'How the initial password is set and announced',
				fields: [
					{
						name: 'passwordInitializationPolicyPriority',
						in: 'body',
						valueType: 'string',
						enum: ['global', 'custom'],
						description:
							'global: use the instance policy (the other fields are ignored); custom: use these fields',
					},
					{
						name: 'passwordForcedUpdateStatus',
						in: 'body',
						valueType: 'string',
						enum: ['enabled', 'disabled'],
						description: 'Whether the user must change the password at first login',
					},
					{
						name: 'passwordInitializationType',
						in: 'body',
						valueType: 'string',
						enum: ['random'],
						description: 'How the initial password is generated',
					},
					{
						name: 'userNotificationChannels',
						in: 'body',
						valueType: 'stringList',
						enum: ['email', 'sms'],
						description: 'Where the initial password is sent',
					},
				],
			},
			{
				name: 'userExternalId',
				in: 'body',
				valueType: 'string',
				// SDK 1.8.0: up to 128 characters (the metadata said 64).
				maxLength: 128,
				description:
					'ID of the user in your source system (e.g. the HR system), up to 128 characters. Defaults to the user ID.',
			},
			{
				name: 'description',
				in: 'body',
				valueType: 'string',
				maxLength: 256,
				description: 'Description, up to 256 characters',
			},
			{
				name: 'customFields',
				in: 'body',
				valueType: 'objectList',
				fields: customFieldParts,
				description: 'Values of custom user fields defined in the console',
			},
		],
	},
	{
		apiName: 'GetUser',
		resource: 'user',
		operation: 'get',
		displayName: 'Get',
		panelText: 'Get a user',
		description: 'Get the details of an account, with its organizational units and groups',
		method: 'GET',
		path: USER,
		auth: 'bearer',
		scope: SCOPES.userRead,
		idempotent: true,
		subject: 'user',
		response: 'object',
		params: [pathId('userId', 'user')],
	},
	{
		apiName: 'ListUsers',
		resource: 'user',
		operation: 'getAll',
		displayName: 'Get Many',
		panelText: 'Get many users',
		description: 'List accounts, optionally in one organizational unit',
		method: 'GET',
		path: USERS,
		auth: 'bearer',
		scope: SCOPES.userRead,
		idempotent: true,
		subject: 'user',
		response: 'list',
		responseKey: 'data',
		pagination: PAGE_NUMBER,
		params: [
			{
				...ouIdField('organizationalUnitId'),
				in: 'query',
				description: 'Only list accounts of this organizational unit',
			},
			...pageNumberParams,
		],
	},
	{
		apiName: 'PatchUser',
		resource: 'user',
		operation: 'update',
		displayName: 'Update',
		panelText: 'Update a user',
		description: 'Change the fields you give; the others stay as they are',
		method: 'PATCH',
		path: USER,
		auth: 'bearer',
		scope: SCOPES.userManage,
		idempotent: true,
		subject: 'user',
		response: 'none',
		params: [
			pathId('userId', 'user'),
			{
				name: 'username',
				in: 'body',
				valueType: 'string',
				format: 'username',
				maxLength: 256,
				description: 'New login name, up to 256 characters',
			},
			...profileFields.map((field) => ({ ...field, prominent: false })),
			{
				name: 'customFields',
				in: 'body',
				valueType: 'objectList',
				description: 'Custom field changes',
				fields: [
					...customFieldParts,
					{
						name: 'operation',
						in: 'body',
						valueType: 'string',
						enum: ['add', 'replace', 'remove'],
						default: 'replace',
						description: 'What to do with the value; replace on an empty field acts as add',
					},
				],
			},
		],
	},
	{
		apiName: 'DeleteUser',
		resource: 'user',
		operation: 'delete',
		displayName: 'Delete',
		panelText: 'Delete a user',
		description: 'Delete an account',
		method: 'DELETE',
		path: USER,
		auth: 'bearer',
		scope: SCOPES.userManage,
		idempotent: true,
		subject: 'user',
		response: 'none',
		hooks: { names: { user: 'userId' } },
		params: [pathId('userId', 'user')],
	},
	{
		apiName: 'EnableUser',
		resource: 'user',
		operation: 'enable',
		displayName: 'Enable',
		panelText: 'Enable a user',
		description: 'Enable a disabled account',
		method: 'POST',
		path: `${USER}/actions/enable`,
		auth: 'bearer',
		scope: SCOPES.userManage,
		idempotent: true,
		subject: 'user',
		response: 'none',
		hooks: { names: { user: 'userId' } },
		params: [pathId('userId', 'user')],
	},
	{
		apiName: 'DisableUser',
		resource: 'user',
		operation: 'disable',
		displayName: 'Disable',
		panelText: 'Disable a user',
		description: 'Disable an account so it can no longer sign in',
		method: 'POST',
		path: `${USER}/actions/disable`,
		auth: 'bearer',
		scope: SCOPES.userManage,
		idempotent: true,
		subject: 'user',
		response: 'none',
		hooks: { names: { user: 'userId' } },
		params: [pathId('userId', 'user')],
	},
	{
		apiName: 'UpdateUserPassword',
		resource: 'user',
		operation: 'updatePassword',
		displayName: 'Update Password',
		panelText: "Update a user's password",
		description: 'Set a new password for an account',
		method: 'POST',
		path: `${USER}/actions/updateUserPassword`,
		auth: 'bearer',
		// No scope is documented for this operation (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/introduction-to-api-integration).
		idempotent: true,
		subject: 'user',
		response: 'none',
		params: [
			pathId('userId', 'user'),
			{
				name: 'password',
				in: 'body',
				valueType: 'string',
				// Optional in the SDK and metadata, but the operation means nothing without it.
				required: true,
				sensitive: true,
				description: 'The new password; must satisfy the instance password policy',
			},
		],
	},
	{
		apiName: 'GetUserPasswordPolicy',
		resource: 'user',
		operation: 'getPasswordPolicy',
		displayName: 'Get Password Policy',
		panelText: 'Get the password policy',
		description:
			"Get the instance's password rules (length, required characters, expiry). An older operation: some instances may not answer it",
		method: 'POST',
		path: `${USERS}/_/actions/getUserPasswordPolicy`,
		auth: 'bearer',
		scope: SCOPES.userRead,
		idempotent: true,
		legacy: true,
		response: 'object',
		params: [],
	},
	...userLookupOperations,
	...userMembershipOperations,
	{
		apiName: 'GetUserInfo',
		resource: 'user',
		operation: 'getUserInfo',
		displayName: 'Get User Info',
		panelText: 'Get user info from a user token',
		description: "Get the signed-in user's claims, using that user's access token",
		method: 'GET',
		path: `${APP_PREFIX}/oauth2/userinfo`,
		auth: 'userBearer',
		idempotent: true,
		response: 'object',
		params: [],
	},
];
