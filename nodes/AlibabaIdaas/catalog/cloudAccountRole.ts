import type { OperationSpec } from './types';
import { SCOPES } from './params';

export const cloudAccountRoleOperations: readonly OperationSpec[] = [
	{
		// Added in SDK v2.2.0 and not yet in the metadata file; path and fields from the GO SDK
		// and the D-OCAR docs page (idaas-api.md §2.38). Note: no applicationId in the path.
		apiName: 'ObtainCloudAccountRoleAccessCredential',
		resource: 'cloudAccountRole',
		operation: 'obtainAccessCredential',
		displayName: 'Obtain Access Credential',
		panelText: 'Obtain a cloud account role access credential',
		description:
			'Get temporary STS credentials for a cloud account role (needs a token with the PAM scope)',
		method: 'GET',
		path: '/v2/{instanceId}/cloudAccountRoles/_/actions/obtainAccessCredential',
		auth: 'pamBearer',
		scope: SCOPES.pamObtainCredential,
		idempotent: true,
		response: 'object',
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
