import type { OperationSpec } from './types';
import { INSTANCE_PREFIX, SCOPES } from './params';

/**
 * The session a person approves in a browser before IDaaS can fetch an outside service's token
 * for them (Fetch OAuth Token answers with it). Added in SDK 1.8.0 (client.ts, models/ of
 * https://github.com/aliyun/alibabacloud-typescript-sdk, eiam-developerapi-20220225/src).
 */
export const oauthAuthorizationSessionOperations: readonly OperationSpec[] = [
	{
		apiName: 'GetOAuthAuthorizationSession',
		resource: 'oauthAuthorizationSession',
		operation: 'get',
		displayName: 'Get',
		panelText: 'Get an OAuth authorization session',
		description:
			'Read the status of an authorization session: pending, callback received, completed, failed or expired',
		method: 'POST',
		path: `${INSTANCE_PREFIX}/oauthAuthorizationSessions/_/actions/get`,
		auth: 'bearer',
		// CHOICE: the SDK and docs name no scope; this is the one of Fetch OAuth Token, which
		// starts the session.
		scope: SCOPES.pamTokenObtain,
		idempotent: true,
		response: 'object',
		params: [
			{
				name: 'sessionUri',
				in: 'body',
				valueType: 'string',
				required: true,
				displayName: 'Session URI',
				description:
					'The session URI Fetch OAuth Token returned (urn:ietf:params:oauth:request_uri:…)',
			},
		],
	},
];
