import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { CUSTOM_ENDPOINT, REGION_ENDPOINTS, resolveConnection } from '../nodes/AlibabaIdaas/shared/endpoint';

/** GenerateToken's path below the instance and application. */
const TOKEN_PATH = '/oauth2/token';

/**
 * Client-credentials access to the IDaaS Developer API of one application.
 *
 * The token lives in the hidden, expirable `accessToken` field. n8n calls preAuthentication when
 * that field is empty or after a 401; the API answers an expired token with 400 invalid_token
 * instead, so the node's transport blanks the field and lets n8n call preAuthentication again
 * (see nodes/AlibabaIdaas/shared/transport.ts).
 */
export class AlibabaIdaasApi implements ICredentialType {
	name = 'alibabaIdaasApi';

	displayName = 'Alibaba Cloud IDaaS API';

	icon: Icon = {
		light: 'file:../nodes/AlibabaIdaas/alibabaIdaas.svg',
		dark: 'file:../nodes/AlibabaIdaas/alibabaIdaas.dark.svg',
	};

	documentationUrl =
		'https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/introduction-to-api-integration';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			// When the token expires, in epoch seconds, as text. Not a secret, so not password-typed: release
			// 0.1.0 kept a number in a password-typed `accessTokenExpiresAt`, and n8n 2.8.4 masks such values
			// with `.startsWith`, which threw and left the credential unopenable. n8n skips data keys that no
			// property declares, so credentials saved by 0.1.0 open again without any action.
			displayName: 'Access Token Expires At',
			name: 'expiresAt',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				...REGION_ENDPOINTS,
				{ name: 'Custom Endpoint (e.g. Local Emulator)', value: CUSTOM_ENDPOINT },
			],
			default: 'eiam-developerapi.cn-hangzhou.aliyuncs.com',
			description:
				'Region of the IDaaS instance. The Developer API is served on regional endpoints; pick VPC when n8n runs inside an Alibaba Cloud VPC.',
		},
		{
			displayName: 'Endpoint URL',
			name: 'customEndpoint',
			type: 'string',
			default: '',
			placeholder: 'https://eiam-developerapi.cn-hangzhou.aliyuncs.com',
			description: 'Must use https://; plain http:// is accepted only for 127.0.0.1 and localhost',
			displayOptions: { show: { region: [CUSTOM_ENDPOINT] } },
			required: true,
		},
		{
			displayName: 'Instance ID',
			name: 'instanceId',
			type: 'string',
			default: '',
			placeholder: 'idaas_ue2jvisn35ea5lmthk267xxxxx',
			description: 'ID of the EIAM instance, shown on the instance list of the IDaaS console',
			required: true,
		},
		{
			displayName: 'Application ID',
			name: 'applicationId',
			type: 'string',
			default: '',
			placeholder: 'app_mkv7rgt4d7i4u7zqtzev2mxxxx',
			description: 'ID of the application whose Developer API access n8n uses',
			required: true,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description: "The application's client ID (usually the same as the application ID)",
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "The application's client secret, from its General tab",
			required: true,
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		// Validated before any URL is built; the messages name the field, never a secret.
		const { baseUrl, instanceId, applicationId } = resolveConnection(credentials);
		const clientId = String(credentials.clientId ?? '').trim();
		const clientSecret = String(credentials.clientSecret ?? '');
		if (!clientId || !clientSecret) {
			throw new Error('The client ID and client secret of the IDaaS credential must both be set');
		}
		// The docs' examples send the grant as a form body (CPP, META-ZH); the SDK sends it in the
		// query string. The body keeps the secret out of URLs, proxies' logs and error messages.
		const form = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: clientId,
			client_secret: clientSecret,
		});
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${baseUrl}/v2/${encodeURIComponent(instanceId)}/${encodeURIComponent(applicationId)}${TOKEN_PATH}`,
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
			body: form.toString(),
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: IDataObject | string | undefined };
		const body = typeof response.body === 'object' && response.body !== null ? response.body : {};
		if (response.statusCode !== 200 || typeof body.access_token !== 'string' || body.access_token === '') {
			const code = String(body.error ?? body.code ?? body.Code ?? `HTTP ${response.statusCode}`);
			const detail = String(body.error_description ?? body.message ?? body.Message ?? '');
			throw new Error(
				`IDaaS refused to issue an access token (${code}${detail ? `: ${detail}` : ''}). ` +
					'Check the client ID and client secret, and that the application has the Developer API enabled.',
			);
		}
		const expiresAt = Number(body.expires_at);
		const expiresIn = Number(body.expires_in);
		const expiresAtSeconds = Number.isFinite(expiresAt)
			? expiresAt
			: Math.floor(Date.now() / 1000) + (Number.isFinite(expiresIn) ? expiresIn : 0);
		// Strings only: credential data is shown and masked by the editor as text.
		return { accessToken: body.access_token, expiresAt: String(expiresAtSeconds) };
	}

	/**
	 * The bearer token on every API request, except the token endpoint itself: it authenticates the client by
	 * the secret in its form body, and the stored token may be stale or another tenant's (the Test button).
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if (requestOptions.url.endsWith(TOKEN_PATH)) return requestOptions;
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.accessToken ?? '')}` },
		};
	}

	/**
	 * The Test button asks for a fresh token (GenerateToken) with what the form holds. It cannot read an API with
	 * the stored token: n8n renews a token only when it is empty or after a 401, and IDaaS answers a stale token
	 * (expired, or issued by the tenant the form pointed at before) with 400 invalid_token. The URL follows
	 * resolveBaseUrl/resolveConnection (shared/endpoint.ts): a bare custom host gets https://, IDs are trimmed
	 * and encoded.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.region === "custom" ? (/^[a-z][a-z0-9+.-]*:\\/\\//i.test(String($credentials.customEndpoint).trim()) ? "" : "https://") + String($credentials.customEndpoint).trim().replace(/\\/+$/, "") : "https://" + $credentials.region }}',
			url: `=/v2/{{ encodeURIComponent(String($credentials.instanceId).trim()) }}/{{ encodeURIComponent(String($credentials.applicationId).trim()) }}${TOKEN_PATH}`,
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
			body: {
				grant_type: 'client_credentials',
				client_id: '={{ String($credentials.clientId).trim() }}',
				client_secret: '={{ $credentials.clientSecret }}',
			},
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 400,
					message:
						'IDaaS refused the client ID or client secret (invalid_client). Copy both again from the application\'s General tab.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No such instance or application at this endpoint: check the region (or endpoint URL), the instance ID and the application ID.',
				},
			},
		],
	};
}
