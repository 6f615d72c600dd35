import type { Lookups, OperationSpec } from './types';
import {
	APP_PREFIX,
	NEXT_TOKEN,
	bodyIdList,
	createdByRequest,
	nextTokenParams,
	pathId,
} from './params';

const GROUPS = `${APP_PREFIX}/groups`;
const GROUP = `${GROUPS}/{groupId}`;

/**
 * A CreateGroup whose response was lost made the group if one now has its name (and the external
 * ID sent), created since the request. There is no look-up by name: list the groups whose name
 * starts with it and take the exact match.
 */
function recoverCreatedGroup(
	values: Readonly<Record<string, unknown>>,
	lookups: Lookups,
	sentAt: number,
) {
	if (typeof values.groupName !== 'string' || values.groupName === '') return undefined;
	const groupName = values.groupName;
	return async () => {
		const groups = await lookups.list('ListGroups', { groupNameStartWith: groupName });
		const match = groups.find(
			(group) => typeof group.groupName === 'string' && group.groupName.trim() === groupName,
		);
		if (
			typeof match?.groupId !== 'string' ||
			!createdByRequest(match, values, ['groupExternalId'], sentAt)
		)
			return undefined;
		return { groupId: match.groupId };
	};
}

// No permission scope is documented for any group operation (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/introduction-to-api-integration), so none is
// required here; the emulator can still be told to require one.
export const groupOperations: readonly OperationSpec[] = [
	{
		apiName: 'CreateGroup',
		resource: 'group',
		operation: 'create',
		displayName: 'Create',
		panelText: 'Create a group',
		description: 'Create a group',
		method: 'POST',
		path: GROUPS,
		auth: 'bearer',
		idempotent: false,
		subject: 'group',
		response: 'object',
		responseKey: 'groupId',
		hooks: { recover: recoverCreatedGroup },
		params: [
			{
				name: 'groupName',
				in: 'body',
				valueType: 'string',
				required: true,
				maxLength: 64,
				displayName: 'Name',
				description: 'Name of the group',
			},
			{
				name: 'groupExternalId',
				in: 'body',
				valueType: 'string',
				maxLength: 64,
				displayName: 'External ID',
				description: 'ID of the group in your source system. Defaults to the group ID.',
			},
		],
	},
	{
		apiName: 'GetGroup',
		resource: 'group',
		operation: 'get',
		displayName: 'Get',
		panelText: 'Get a group',
		description: 'Get a group',
		method: 'GET',
		path: GROUP,
		auth: 'bearer',
		idempotent: true,
		subject: 'group',
		response: 'object',
		params: [pathId('groupId', 'group')],
	},
	{
		apiName: 'ListGroups',
		resource: 'group',
		operation: 'getAll',
		displayName: 'Get Many',
		panelText: 'Get many groups',
		description: 'List groups, optionally those whose name starts with a prefix',
		method: 'GET',
		path: GROUPS,
		auth: 'bearer',
		idempotent: true,
		subject: 'group',
		response: 'list',
		responseKey: 'data',
		pagination: NEXT_TOKEN,
		params: [
			{
				name: 'groupNameStartWith',
				in: 'query',
				valueType: 'string',
				displayName: 'Name Starts With',
				description: 'Only list groups whose name starts with this text',
			},
			...nextTokenParams,
		],
	},
	{
		apiName: 'PatchGroup',
		resource: 'group',
		operation: 'update',
		displayName: 'Update',
		panelText: 'Update a group',
		description: 'Rename a group',
		method: 'PATCH',
		path: GROUP,
		auth: 'bearer',
		idempotent: true,
		subject: 'group',
		response: 'none',
		params: [
			pathId('groupId', 'group'),
			{
				name: 'groupName',
				in: 'body',
				valueType: 'string',
				maxLength: 64,
				displayName: 'Name',
				description: 'New name of the group',
			},
		],
	},
	{
		apiName: 'DeleteGroup',
		resource: 'group',
		operation: 'delete',
		displayName: 'Delete',
		panelText: 'Delete a group',
		description: 'Delete a group',
		method: 'DELETE',
		path: GROUP,
		auth: 'bearer',
		idempotent: true,
		subject: 'group',
		response: 'none',
		params: [pathId('groupId', 'group')],
	},
	{
		apiName: 'AddUsersToGroup',
		resource: 'group',
		operation: 'addUsers',
		displayName: 'Add Users',
		panelText: 'Add users to a group',
		description: 'Add accounts to a group; members already in it are left as they are',
		method: 'POST',
		path: `${GROUP}/actions/addUsersToGroup`,
		auth: 'bearer',
		idempotent: true,
		subject: 'group',
		response: 'none',
		hooks: { names: { user: 'userIds', readUser: true, itemPerUser: true, group: 'groupId' } },
		params: [pathId('groupId', 'group'), bodyIdList('userIds', 'user', 'Accounts to add')],
	},
	{
		apiName: 'RemoveUsersFromGroup',
		resource: 'group',
		operation: 'removeUsers',
		displayName: 'Remove Users',
		panelText: 'Remove users from a group',
		description: 'Remove accounts from a group; non-members are ignored',
		method: 'POST',
		path: `${GROUP}/actions/removeUsersFromGroup`,
		auth: 'bearer',
		idempotent: true,
		subject: 'group',
		response: 'none',
		hooks: { names: { user: 'userIds', readUser: true, itemPerUser: true, group: 'groupId' } },
		params: [pathId('groupId', 'group'), bodyIdList('userIds', 'user', 'Accounts to remove')],
	},
	{
		apiName: 'ListUsersForGroup',
		resource: 'group',
		operation: 'getUsers',
		displayName: 'Get Users',
		panelText: 'Get users in a group',
		description: 'List the accounts in a group',
		method: 'GET',
		path: `${GROUP}/actions/listUsersForGroup`,
		auth: 'bearer',
		idempotent: true,
		subject: 'user',
		response: 'list',
		responseKey: 'data',
		pagination: NEXT_TOKEN,
		params: [pathId('groupId', 'group'), ...nextTokenParams],
	},
];
