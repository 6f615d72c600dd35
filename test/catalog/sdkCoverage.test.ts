import { CATALOG } from '../../nodes/AlibabaIdaas/catalog';
import fixture from '../fixtures/api-operations.json';

/**
 * The catalog against the newest Alibaba SDK sources compared (docs/sdk-comparison.md): every operation of
 * the Go SDK (https://github.com/alibabacloud-go/eiam-developerapi-20220225, last change 2026-05-13) and of
 * the TypeScript SDK 1.8.0, and the Go SDK's last request field.
 */

const GO_SDK_OPERATIONS = [
	'AddUserToOrganizationalUnits',
	'AddUsersToGroup',
	'CreateGroup',
	'CreateOrganizationalUnit',
	'CreateUser',
	'CreateUserExclusiveCredential',
	'DeleteGroup',
	'DeleteOrganizationalUnit',
	'DeleteUser',
	'DisableUser',
	'EnableUser',
	'FetchOAuthAuthenticationToken',
	'GenerateDeviceCode',
	'GenerateJwtAuthenticationToken',
	'GenerateToken',
	'GenerateTokenByAuthorizationServer',
	'GetApplicationProvisioningScope',
	'GetGroup',
	'GetOrganizationalUnit',
	'GetOrganizationalUnitIdByExternalId',
	'GetUser',
	'GetUserIdByEmail',
	'GetUserIdByPhoneNumber',
	'GetUserIdByUserExternalId',
	'GetUserIdByUsername',
	'GetUserInfo',
	'ListAuthenticationTokens',
	'ListGroups',
	'ListGroupsForUser',
	'ListOrganizationalUnitParentIds',
	'ListOrganizationalUnits',
	'ListUsers',
	'ListUsersForGroup',
	'ObtainCloudAccountRoleAccessCredential',
	'ObtainCredential',
	'ObtainJwtAuthenticationToken',
	'ObtainJwtAuthenticationTokenByDerivedShortToken',
	'PatchGroup',
	'PatchOrganizationalUnit',
	'PatchUser',
	'ReinstateAuthenticationToken',
	'ReinstateAuthenticationTokenByConsumer',
	'RemoveUserFromOrganizationalUnits',
	'RemoveUsersFromGroup',
	'RevokeAuthenticationToken',
	'RevokeAuthenticationTokenByConsumer',
	'RevokeToken',
	'SetUserPrimaryOrganizationalUnit',
	'UpdateUserPassword',
	'ValidateAuthenticationToken',
];
/** In the TypeScript (1.8.0) and Python SDKs, not in the Go SDK. */
const NEWER_OPERATIONS = ['GetOAuthAuthorizationSession'];

test('every operation of the SDKs compared is in the catalog', () => {
	expect(GO_SDK_OPERATIONS).toHaveLength(50);
	const names = new Set(CATALOG.map((op) => op.apiName));
	expect([...GO_SDK_OPERATIONS, ...NEWER_OPERATIONS].filter((name) => !names.has(name))).toEqual(
		[],
	);
	// The one more: documented by Go SDK v1.0.2 only.
	expect(
		CATALOG.filter(
			(op) => !GO_SDK_OPERATIONS.includes(op.apiName) && !NEWER_OPERATIONS.includes(op.apiName),
		).map((op) => op.apiName),
	).toEqual(['GetUserPasswordPolicy']);
});

test("the Go SDK's last change, credentialExternalId on CreateUserExclusiveCredential, is in the catalog and the fixture", () => {
	const op = CATALOG.find((o) => o.apiName === 'CreateUserExclusiveCredential')!;
	expect(op.params.find((p) => p.name === 'credentialExternalId')).toMatchObject({
		in: 'body',
		valueType: 'string',
	});
	const wire = (fixture as Record<string, { params: Array<{ name: string; in: string }> }>)
		.CreateUserExclusiveCredential.params;
	expect(wire.find((p) => p.name === 'credentialExternalId')).toMatchObject({ in: 'body' });
});
