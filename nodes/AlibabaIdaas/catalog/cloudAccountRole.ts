import type { OperationSpec } from './types';
import { SCOPES } from './params';
import { secretValues } from './secrets';

const STS = 'cloudAccountRoleAccessCredential';

export const cloudAccountRoleOperations: readonly OperationSpec[] = [
	{
		// Not in the API metadata; path and fields from the TypeScript SDK 1.8.0 (client.ts, models/)
		// and https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-obtaincloudaccountroleaccesscredential
		// Note: no applicationId in the path.
		apiName: 'ObtainCloudAccountRoleAccessCredential',
		resource: 'cloudAccountRole',
		operation: 'obtainAccessCredential',
		displayName: 'Obtain Access Credential',
		panelText: 'Obtain cloud account role credentials',
		description:
			'Get temporary STS credentials for a cloud account role (needs a token with the PAM scope)',
		method: 'GET',
		path: '/v2/{instanceId}/cloudAccountRoles/_/actions/obtainAccessCredential',
		auth: 'pamBearer',
		scope: SCOPES.pamObtainCredential,
		idempotent: true,
		response: 'object',
		// Each vendor's secret key and session token; the key IDs and expiry stay visible.
		hooks: {
			secrets: secretValues(
				[
					`${STS}.alibabaCloudStsToken.accessKeySecret`,
					`${STS}.alibabaCloudStsToken.securityToken`,
					`${STS}.awsStsToken.secretAccessKey`,
					`${STS}.awsStsToken.sessionToken`,
					// SDK 1.7.2 added Tencent Cloud's temporary credential (tencentCloudStsToken).
					`${STS}.tencentCloudStsToken.tmpSecretKey`,
					`${STS}.tencentCloudStsToken.token`,
				],
				'the secret keys and session tokens',
				[
					'cloudAccountId',
					'cloudAccountRoleId',
					'cloudAccountRoleName',
					'cloudAccountRoleExternalId',
					'cloudAccountVendorType',
					`${STS}.accessCredentialExpiresAt`,
					`${STS}.alibabaCloudStsToken.accessKeyId`,
					`${STS}.alibabaCloudStsToken.expiration`,
					`${STS}.awsStsToken.accessKeyId`,
					`${STS}.awsStsToken.expiration`,
					`${STS}.tencentCloudStsToken.tmpSecretId`,
					`${STS}.tencentCloudStsToken.expiration`,
				],
			),
		},
		params: [
			{
				name: 'cloudAccountRoleExternalId',
				in: 'query',
				valueType: 'string',
				required: true,
				displayName: 'Cloud Account Role External ID',
				description: 'External ID of the role, e.g. acs:ram::123456:role/role-name',
			},
			{
				name: 'durationSeconds',
				in: 'query',
				valueType: 'integer',
				min: 900,
				max: 43200,
				displayName: 'Duration (Seconds)',
				description: 'Lifetime of the STS credential, 900-43200 seconds (also capped by the role)',
			},
		],
	},
];
