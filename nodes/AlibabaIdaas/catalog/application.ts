import type { OperationSpec } from './types';
import { APP_PREFIX } from './params';

export const applicationOperations: readonly OperationSpec[] = [
	{
		apiName: 'GetApplicationProvisioningScope',
		resource: 'application',
		operation: 'getProvisioningScope',
		displayName: 'Get Provisioning Scope',
		panelText: 'Get the provisioning scope',
		description:
			'Get the organizational units and groups this application may read and change (its synchronization scope)',
		method: 'GET',
		path: `${APP_PREFIX}/provisioningScope`,
		auth: 'bearer',
		// "The application has the permission by default" (API metadata).
		idempotent: true,
		response: 'object',
		params: [],
	},
];
