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

import { clock } from '../nodes/AlibabaIdaas/transport/pacing';
import {
	CUSTOM_ENDPOINT,
	REGION_ENDPOINTS,
	resolveConnection,
} from '../nodes/AlibabaIdaas/transport/client';
import type { TokenRequestFailure } from '../nodes/AlibabaIdaas/transport/errors';
import {
	isMissingParameter,
	isServerFault,
	isThrottled,
	parseErrorResponse,
	retryAfterMs,
} from '../nodes/AlibabaIdaas/transport/errors';
import {
	KEPT_FIELDS,
	PAM_DEFAULT_AUTHORIZATION_SERVER,
	PAM_DEFAULT_SCOPE,
	PAM_FIELDS,
	PAM_TOKEN_FIELDS,
	pamClientSettings,
	pamTokenIssuedFor,
	pamTokenUrl,
} from '../nodes/AlibabaIdaas/transport/pamToken';
import { DEFAULT_RETRY, retryWait } from '../nodes/AlibabaIdaas/transport/retryPolicy';
import { TOKEN_USE_FIELD } from '../nodes/AlibabaIdaas/transport/session';

/** GenerateToken's path below the instance and application. */
const TOKEN_PATH = '/oauth2/token';

/** Expiry in epoch seconds, as text: `expires_at` when given, else now plus `expires_in`. */
function expiresAtOf(body: IDataObject): string {
	const expiresAt = Number(body.expires_at);
	const expiresIn = Number(body.expires_in);
	return String(
		Number.isFinite(expiresAt)
			? expiresAt
			: Math.floor(Date.now() / 1000) + (Number.isFinite(expiresIn) ? expiresIn : 0),
	);
}

const HINTS = {
	developerApi:
		'Check the client ID and client secret, and that the application has the Developer API enabled.',
	pam: "Check the PAM client ID and secret, the authorization server ID and the scope, and that the client is granted the PAM permissions (Customize PAM Client; empty fields use the application's client).",
} as const;

/**
 * One client-credentials grant, tried again on 429 or 5xx by the node's retry policy
 * (transport/retryPolicy.ts): a client-credentials grant changes nothing, like the node's
 * idempotent requests, and a throttled token endpoint would otherwise fail every item waiting for
 * the token at once. The grant goes as a form body: the docs' examples
 * send GenerateToken's that way (C++ SDK, zh API metadata) and a body keeps the secret out of URLs, proxies'
 * logs and error messages. The SDK sends GenerateTokenByAuthorizationServer's in the query string; should the
 * server answer that a parameter is missing (it read none of the body), the PAM grant is sent once more the
 * SDK's way (catalog/authorizationServer.ts has the evidence).
 */
async function requestToken(
	helper: IHttpRequestHelper,
	url: string,
	client: { clientId: string; clientSecret: string; scope?: string },
	use: keyof typeof HINTS,
): Promise<IDataObject> {
	const grant: Record<string, string> = {
		grant_type: 'client_credentials',
		client_id: client.clientId,
		client_secret: client.clientSecret,
	};
	if (client.scope) grant.scope = client.scope;
	const asForm = (): IHttpRequestOptions => ({
		method: 'POST',
		url,
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
		body: new URLSearchParams(grant).toString(),
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	});
	let request = asForm();
	let inQuery = false;
	let waited = 0;
	for (let tryNumber = 1; ; tryNumber++) {
		const response = (await helper.helpers.httpRequest(request)) as {
			statusCode: number;
			headers?: IDataObject;
			body: IDataObject | string | undefined;
		};
		const body = typeof response.body === 'object' && response.body !== null ? response.body : {};
		if (
			response.statusCode === 200 &&
			typeof body.access_token === 'string' &&
			body.access_token !== ''
		)
			return body;
		const info = parseErrorResponse(response.statusCode, response.body, response.headers ?? {});
		if (use === 'pam' && !inQuery && isMissingParameter(info)) {
			inQuery = true;
			request = {
				method: 'POST',
				url,
				qs: grant,
				headers: { accept: 'application/json' },
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			};
			continue;
		}
		const retryable = isThrottled(info) || isServerFault(info);
		const delay = retryable
			? retryWait(DEFAULT_RETRY, tryNumber, retryAfterMs(response.headers ?? {}), waited)
			: undefined;
		if (delay !== undefined) {
			waited += delay;
			await clock.wait(delay);
			continue;
		}
		// A plain object, not an Error: n8n wraps what preAuthentication throws in a NodeApiError and
		// keeps only an object's fields (an Error's are dropped), so the node can map it with the
		// IDaaS code and request ID (transport/session.ts).
		const what = use === 'pam' ? 'a PAM access token' : 'an access token';
		const failure: TokenRequestFailure = {
			message:
				`${use === 'pam' ? 'PAM token: ' : 'Developer API token: '}IDaaS refused to issue ${what} (${info.code}${info.message ? `: ${info.message}` : ''}). ` +
				(retryable ? `The token endpoint kept failing after ${tryNumber} tries.` : HINTS[use]),
			idaasTokenError: info,
			idaasTokenOperation: use === 'pam' ? 'GenerateTokenByAuthorizationServer' : 'GenerateToken',
		};
		throw failure;
	}
}

/**
 * The Test button's endpoint, as resolveBaseUrl (transport/client.ts) gives it: a bare custom host
 * gets https://. What resolveBaseUrl refuses (plain http other than to loopback, user info, a query
 * or fragment) becomes a URL with the made-up scheme `https-required:`, which n8n's HTTP client
 * rejects ("Unsupported protocol https-required:") before it connects: the client secret in the
 * test's body is never sent in clear text. The test request is an expression, so it cannot call
 * resolveBaseUrl itself.
 */
const CUSTOM_BASE =
	'((/^[a-z][a-z0-9+.-]*:\\/\\//i.test(String($credentials.customEndpoint).trim()) ? "" : "https://") + String($credentials.customEndpoint).trim().replace(/\\/+$/, ""))';
const ALLOWED_BASE =
	'/^(https:\\/\\/[^\\/?#@\\s]+|http:\\/\\/(localhost|127(\\.\\d{1,3}){3}|\\[::1\\])(:\\d+)?)(\\/[^?#@\\s]*)?$/i';
const TEST_BASE_URL = `={{ $credentials.region === "custom" ? (${ALLOWED_BASE}.test(${CUSTOM_BASE}) ? ${CUSTOM_BASE} : "https-required://" + ${CUSTOM_BASE}.replace(/^[a-z][a-z0-9+.-]*:\\/\\//i, "")) : "https://" + $credentials.region }}`;

/**
 * Client-credentials access to the IDaaS Developer API of one application.
 *
 * The token lives in the hidden, expirable `accessToken` field. n8n calls preAuthentication when
 * that field is empty or after a 401; the API answers an expired token with 400 invalid_token
 * instead, so the node's transport blanks the field and lets n8n call preAuthentication again
 * (see nodes/AlibabaIdaas/transport/session.ts).
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
			// The PAM client's token (nodes/AlibabaIdaas/transport/pamToken.ts), renewed like the one above.
			displayName: 'PAM Access Token',
			name: PAM_TOKEN_FIELDS.token,
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'PAM Access Token Expires At',
			name: PAM_TOKEN_FIELDS.expiresAt,
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'PAM Access Token Issued For',
			name: PAM_TOKEN_FIELDS.issuedFor,
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
		{
			displayName: 'Customize PAM Client',
			name: PAM_FIELDS.toggle,
			type: 'boolean',
			default: false,
			description:
				"Whether to get the PAM operations' token with another M2M client, authorization server or scope. Off: the application's client ID and secret ask the built-in authorization server for every PAM permission granted to them.",
		},
		{
			displayName: 'PAM Client ID',
			name: PAM_FIELDS.clientId,
			type: 'string',
			default: '',
			placeholder: "Empty: the application's client ID",
			description: 'Client ID of the M2M application that has the PAM permissions',
			displayOptions: { show: { [PAM_FIELDS.toggle]: [true] } },
		},
		{
			displayName: 'PAM Client Secret',
			name: PAM_FIELDS.clientSecret,
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "Client secret of that M2M application. Empty: the application's client secret.",
			displayOptions: { show: { [PAM_FIELDS.toggle]: [true] } },
		},
		{
			displayName: 'Authorization Server ID',
			name: PAM_FIELDS.authorizationServerId,
			type: 'string',
			default: PAM_DEFAULT_AUTHORIZATION_SERVER,
			description:
				'The instance authorization server that issues the PAM token; iauths_system is the built-in one',
			displayOptions: { show: { [PAM_FIELDS.toggle]: [true] } },
		},
		{
			displayName: 'PAM Scope',
			name: PAM_FIELDS.scope,
			type: 'string',
			default: PAM_DEFAULT_SCOPE,
			description:
				"Space-separated scopes to ask for. urn:cloud:idaas:pam|.all stands for every PAM permission granted to the client, as Alibaba's PAM client asks.",
			displayOptions: { show: { [PAM_FIELDS.toggle]: [true] } },
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		// Validated before any URL is built; the messages name the field, never a secret.
		const connection = resolveConnection(credentials);
		const { baseUrl, instanceId, applicationId } = connection;
		if (credentials[TOKEN_USE_FIELD] === 'pam') {
			// A PAM operation's copy of the credential (transport/session.ts): renew the PAM token only, and
			// hand back the Developer-API token the copy kept aside, so that n8n stores both as they are.
			const settings = pamClientSettings(credentials);
			if (!settings.clientId || !settings.clientSecret) {
				throw new Error(
					'The PAM client ID and client secret of the IDaaS credential must both be set',
				);
			}
			const body = await requestToken(this, pamTokenUrl(connection, settings), settings, 'pam');
			return {
				accessToken: String(credentials[KEPT_FIELDS.accessToken] ?? ''),
				expiresAt: String(credentials[KEPT_FIELDS.expiresAt] ?? ''),
				[PAM_TOKEN_FIELDS.token]: body.access_token as string,
				[PAM_TOKEN_FIELDS.expiresAt]: expiresAtOf(body),
				[PAM_TOKEN_FIELDS.issuedFor]: pamTokenIssuedFor(connection, settings),
			};
		}
		const clientId = String(credentials.clientId ?? '').trim();
		const clientSecret = String(credentials.clientSecret ?? '');
		if (!clientId || !clientSecret) {
			throw new Error('The client ID and client secret of the IDaaS credential must both be set');
		}
		const url = `${baseUrl}/v2/${encodeURIComponent(instanceId)}/${encodeURIComponent(applicationId)}${TOKEN_PATH}`;
		const body = await requestToken(this, url, { clientId, clientSecret }, 'developerApi');
		// Strings only: credential data is shown and masked by the editor as text.
		return { accessToken: body.access_token as string, expiresAt: expiresAtOf(body) };
	}

	/**
	 * The bearer token on every API request, except the token endpoints themselves: they authenticate the
	 * client by the secret in their form body, and the stored token may be stale or another tenant's (the Test
	 * button). A PAM operation's copy of the credential carries the PAM token instead (transport/session.ts).
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if (requestOptions.url.endsWith(TOKEN_PATH)) return requestOptions;
		const token =
			credentials[TOKEN_USE_FIELD] === 'pam'
				? credentials[PAM_TOKEN_FIELDS.token]
				: credentials.accessToken;
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(token ?? '')}` },
		};
	}

	/**
	 * The Test button checks the tokens the nodes use, with what the form holds. n8n runs preAuthentication
	 * before a credential test, which asks for a fresh Developer-API token (GenerateToken) and fails with a
	 * message starting "Developer API token:". The test request then asks again the same way, or, when the PAM
	 * section is customized, for the PAM client's token (GenerateTokenByAuthorizationServer); the rules below
	 * name the part. It cannot read an API with the stored token: n8n renews a token only when it is empty or
	 * after a 401, and IDaaS answers a stale token (expired, or issued by the tenant the form pointed at
	 * before) with 400 invalid_token. The URL follows resolveBaseUrl/resolveConnection and pamClientSettings
	 * (transport/client.ts, transport/pamToken.ts): a bare custom host gets https://, IDs are trimmed and
	 * encoded, blank PAM fields fall back to the application's client and the defaults.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: TEST_BASE_URL,
			url: `=/v2/{{ encodeURIComponent(String($credentials.instanceId).trim()) }}/{{ $credentials.${PAM_FIELDS.toggle} === true ? "authorizationServer/" + encodeURIComponent(String($credentials.${PAM_FIELDS.authorizationServerId} ?? "").trim() || "${PAM_DEFAULT_AUTHORIZATION_SERVER}") : encodeURIComponent(String($credentials.applicationId).trim()) }}${TOKEN_PATH}`,
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
			body: {
				grant_type: 'client_credentials',
				client_id: `={{ ($credentials.${PAM_FIELDS.toggle} === true && String($credentials.${PAM_FIELDS.clientId} ?? "").trim()) || String($credentials.clientId).trim() }}`,
				client_secret: `={{ ($credentials.${PAM_FIELDS.toggle} === true && $credentials.${PAM_FIELDS.clientSecret}) || $credentials.clientSecret }}`,
				scope: `={{ $credentials.${PAM_FIELDS.toggle} === true ? String($credentials.${PAM_FIELDS.scope} ?? "").trim().replace(/\\s+/g, " ") || "${PAM_DEFAULT_SCOPE}" : undefined }}`,
			},
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 400,
					message:
						"IDaaS refused the client ID or client secret (invalid_client), or, with Customize PAM Client on, the PAM token request: check the PAM client ID and secret, and that the client is granted the PAM scope. Copy the application's from its General tab.",
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No such instance, application or authorization server at this endpoint: check the region (or endpoint URL), the instance ID, the application ID and, with Customize PAM Client on, the authorization server ID.',
				},
			},
		],
	};
}
