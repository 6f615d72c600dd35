import { applicationOperations } from './application';
import { authenticationTokenOperations } from './authenticationToken';
import { authorizationServerOperations } from './authorizationServer';
import { cloudAccountRoleOperations } from './cloudAccountRole';
import { credentialOperations } from './credential';
import { groupOperations } from './group';
import { oauthAuthorizationSessionOperations } from './oauthAuthorizationSession';
import { organizationalUnitOperations } from './organizationalUnit';
import { tokenOperations } from './token';
import type { OperationSpec, Resource } from './types';
import { userOperations } from './user';

export * from './types';
export * from './ids';
export * from './fields';
export { ROOT_OU_ALIAS, SCOPES, SOURCE_TYPES } from './params';

/** Every Developer API operation, in the order the README lists them. */
export const CATALOG: readonly OperationSpec[] = [
	...userOperations,
	...organizationalUnitOperations,
	...groupOperations,
	...applicationOperations,
	...tokenOperations,
	...authorizationServerOperations,
	...cloudAccountRoleOperations,
	...credentialOperations,
	...authenticationTokenOperations,
	...oauthAuthorizationSessionOperations,
];

export const RESOURCES: ReadonlyArray<{ value: Resource; name: string; description: string }> = [
	{ value: 'user', name: 'User', description: 'Accounts, their organizational units and groups' },
	{
		value: 'organizationalUnit',
		name: 'Organizational Unit',
		description: 'The organization tree',
	},
	{ value: 'group', name: 'Group', description: 'Groups and their members' },
	{
		value: 'application',
		name: 'Application',
		description: "This application's provisioning scope",
	},
	{ value: 'token', name: 'Token', description: 'OAuth tokens and device codes' },
	{
		value: 'cloudAccountRole',
		name: 'Cloud Account Role',
		description: 'Temporary cloud credentials (PAM)',
	},
	{ value: 'credential', name: 'Credential', description: 'Stored secrets such as API keys (PAM)' },
	{
		value: 'authenticationToken',
		name: 'Authentication Token',
		description: 'JWTs and outside OAuth tokens for machines and agents (PAM)',
	},
	{
		value: 'oauthAuthorizationSession',
		name: 'OAuth Authorization Session',
		description: 'Approvals a person gives in a browser (PAM)',
	},
];

const byApiName = new Map(CATALOG.map((op) => [op.apiName, op]));
const byResourceOperation = new Map(CATALOG.map((op) => [`${op.resource}:${op.operation}`, op]));

/** The operation the API calls `apiName` (e.g. CreateUser), if the catalog has it. */
export function findOperation(apiName: string): OperationSpec | undefined {
	return byApiName.get(apiName);
}

/** An operation the code relies on by name (a look-up, a list); a missing entry is a catalog bug. */
export function catalogOp(apiName: string): OperationSpec {
	const op = byApiName.get(apiName);
	if (!op) throw new Error(`Catalog error: ${apiName} is missing`);
	return op;
}

/** The operation behind the node's Resource and Operation fields. */
export function getOperation(resource: string, operation: string): OperationSpec | undefined {
	return byResourceOperation.get(`${resource}:${operation}`);
}
