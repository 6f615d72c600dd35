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
import { sleep } from 'n8n-workflow';

import { CUSTOM_ENDPOINT, REGION_ENDPOINTS, resolveConnection } from '../nodes/AlibabaIdaas/transport/endpoint';
import type { TokenRequestFailure } from '../nodes/AlibabaIdaas/transport/errors';
import { isServerFault, isThrottled, parseErrorResponse } from '../nodes/AlibabaIdaas/transport/errors';

/** GenerateToken's path below the instance and application. */
const TOKEN_PATH = '/oauth2/token';

/**
 * GenerateToken answering 429 or 5xx is tried again, as the node does for its own idempotent
 * requests (a client-credentials grant changes nothing), within these bounds: a throttled token
 * endpoint would otherwise fail every item waiting for the token at once.
 */
const TOKEN_RETRY = { attempts: 4, baseDelayMs: 500, maxDelayMs: 10_000, maxTotalWaitMs: 20_000 };

/** The wait before try `tryNumber + 1`: Retry-After when given, else exponential with jitter. */
function tokenRetryDelay(tryNumber: number, retryAfter: unknown): number {
	const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
	const exponential = TOKEN_RETRY.baseDelayMs * 2 ** (tryNumber - 1);
	return Math.min(TOKEN_RETRY.maxDelayMs, Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : exponential / 2 + Math.random() * exponential);
}

/**
 * The Test button's endpoint, as resolveBaseUrl (transport/endpoint.ts) gives it: a bare custom host
 * gets https://. What resolveBaseUrl refuses (plain http other than to loopback, user info, a query
 * or fragment) becomes a URL with the made-up scheme `https-required:`, which n8n's HTTP client
 * rejects ("Unsupported protocol https-required:") before it connects: the client secret in the
 * test's body is never sent in clear text. The test request is an expression, so it cannot call
 * resolveBaseUrl itself.
 */
const CUSTOM_BASE =
	'((/^[a-z][a-z0-9+.-]*:\\/\\//i.test(String($credentials.customEndpoint).trim()) ? "" : "https://") + String($credentials.customEndpoint).trim().replace(/\\/+$/, ""))';
const ALLOWED_BASE = '/^(https:\\/\\/[^\\/?#@\\s]+|http:\\/\\/(localhost|127(\\.\\d{1,3}){3}|\\[::1\\])(:\\d+)?)(\\/[^?#@\\s]*)?$/i';
const TEST_BASE_URL = `={{ $credentials.region === "custom" ? (${ALLOWED_BASE}.test(${CUSTOM_BASE}) ? ${CUSTOM_BASE} : "https-required://" + ${CUSTOM_BASE}.replace(/^[a-z][a-z0-9+.-]*:\\/\\//i, "")) : "https://" + $credentials.region }}`;

/**
 * Client-credentials access to the IDaaS Developer API of one application.
 *
 * The token lives in the hidden, expirable `accessToken` field. n8n calls preAuthentication when
 * that field is empty or after a 401; the API answers an expired token with 400 invalid_token
 * instead, so the node's transport blanks the field and lets n8n call preAuthentication again
 * (see nodes/AlibabaIdaas/transport/tokenRenewal.ts).
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
		// The docs' examples send the grant as a form body (C++ SDK, zh API metadata); the SDK sends it in the
		// query string. The body keeps the secret out of URLs, proxies' logs and error messages.
		const form = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: clientId,
			client_secret: clientSecret,
		});
		const request: IHttpRequestOptions = {
			method: 'POST',
			url: `${baseUrl}/v2/${encodeURIComponent(instanceId)}/${encodeURIComponent(applicationId)}${TOKEN_PATH}`,
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
			body: form.toString(),
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		let body: IDataObject = {};
		let waited = 0;
		for (let tryNumber = 1; ; tryNumber++) {
			const response = (await this.helpers.httpRequest(request)) as { statusCode: number; headers?: IDataObject; body: IDataObject | string | undefined };
			body = typeof response.body === 'object' && response.body !== null ? response.body : {};
			if (response.statusCode === 200 && typeof body.access_token === 'string' && body.access_token !== '') break;
			const info = parseErrorResponse(response.statusCode, response.body, response.headers ?? {});
			const delay = tokenRetryDelay(tryNumber, response.headers?.['retry-after']);
			const retryable = isThrottled(info) || isServerFault(info);
			if (retryable && tryNumber < TOKEN_RETRY.attempts && waited + delay <= TOKEN_RETRY.maxTotalWaitMs) {
				waited += delay;
				await sleep(delay);
				continue;
			}
			// A plain object, not an Error: n8n wraps what preAuthentication throws in a NodeApiError and
			// keeps only an object's fields (an Error's are dropped), so the node can map it with the
			// IDaaS code and request ID (transport/exchange.ts).
			const failure: TokenRequestFailure = {
				message:
					`IDaaS refused to issue an access token (${info.code}${info.message ? `: ${info.message}` : ''}). ` +
					(retryable
						? `The token endpoint kept failing after ${tryNumber} tries.`
						: 'Check the client ID and client secret, and that the application has the Developer API enabled.'),
				idaasTokenError: info,
			};
			throw failure;
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
	 * resolveBaseUrl/resolveConnection (transport/endpoint.ts): a bare custom host gets https://, IDs are trimmed
	 * and encoded.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: TEST_BASE_URL,
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
