/**
 * Where the Developer API lives. It is served on regional Alibaba Cloud endpoints (not on the
 * instance's own domain); the SDK always uses HTTPS (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-endpoint).
 */

export const REGION_ENDPOINTS: ReadonlyArray<{ name: string; value: string }> = [
	{ name: 'China (Hangzhou)', value: 'eiam-developerapi.cn-hangzhou.aliyuncs.com' },
	{ name: 'China (Hong Kong)', value: 'eiam-developerapi.cn-hongkong.aliyuncs.com' },
	{ name: 'South Korea (Seoul)', value: 'eiam-developerapi.ap-northeast-2.aliyuncs.com' },
	{ name: 'Singapore', value: 'eiam-developerapi.ap-southeast-1.aliyuncs.com' },
	{ name: 'Indonesia (Jakarta)', value: 'eiam-developerapi.ap-southeast-5.aliyuncs.com' },
	{ name: 'Germany (Frankfurt)', value: 'eiam-developerapi.eu-central-1.aliyuncs.com' },
	{ name: 'China (Hangzhou) - VPC', value: 'eiam-developerapi-cn.vpc-proxy.aliyuncs.com' },
	{ name: 'China (Hong Kong) - VPC', value: 'eiam-developerapi-hk.vpc-proxy.aliyuncs.com' },
	{ name: 'South Korea (Seoul) - VPC', value: 'eiam-developerapi-sel.vpc-proxy.aliyuncs.com' },
	{ name: 'Singapore - VPC', value: 'eiam-developerapi-sg.vpc-proxy.aliyuncs.com' },
	{ name: 'Indonesia (Jakarta) - VPC', value: 'eiam-developerapi-jk.vpc-proxy.aliyuncs.com' },
	{ name: 'Germany (Frankfurt) - VPC', value: 'eiam-developerapi-eu.vpc-proxy.aliyuncs.com' },
];

export const CUSTOM_ENDPOINT = 'custom';

export interface IdaasConnection {
	/** e.g. https://eiam-developerapi.cn-hangzhou.aliyuncs.com, no trailing slash. */
	baseUrl: string;
	instanceId: string;
	applicationId: string;
}

/** Thrown for a credential that cannot be used; the message names the field and never a secret. */
export class CredentialConfigError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'CredentialConfigError';
	}
}

// Documented ID shapes are `idaas_` / `app_` plus lowercase letters and digits (examples of the API metadata);
// the exact alphabet is unconfirmed, so we allow what can never break out of a path segment.
const INSTANCE_ID = /^idaas_[A-Za-z0-9_-]{1,64}$/;
const APPLICATION_ID = /^app_[A-Za-z0-9_-]{1,64}$/;

function isLoopback(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '');
	return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The endpoint URL to send requests to. Custom endpoints must use https, except on loopback
 * addresses so the local emulator works; a bare host name gets https:// (as Alibaba's own PAM
 * client accepts `eiam-developerapi.<region>.aliyuncs.com`).
 */
export function resolveBaseUrl(region: unknown, customEndpoint: unknown): string {
	if (region !== CUSTOM_ENDPOINT) {
		const known = REGION_ENDPOINTS.find((endpoint) => endpoint.value === region);
		if (!known) {
			throw new CredentialConfigError(
				'region',
				`Unknown IDaaS region endpoint "${String(region)}"`,
			);
		}
		return `https://${known.value}`;
	}
	const raw = typeof customEndpoint === 'string' ? customEndpoint.trim() : '';
	if (!raw) {
		throw new CredentialConfigError(
			'customEndpoint',
			'The custom endpoint is empty: enter the Developer API URL',
		);
	}
	const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
	if (!URL.canParse(candidate)) {
		throw new CredentialConfigError(
			'customEndpoint',
			`The custom endpoint "${raw}" is not a valid URL`,
		);
	}
	const url = new URL(candidate);
	if (url.username || url.password || url.search || url.hash) {
		throw new CredentialConfigError(
			'customEndpoint',
			'The custom endpoint must be a plain URL without user info, query or fragment',
		);
	}
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
		throw new CredentialConfigError(
			'customEndpoint',
			'The custom endpoint must use https:// (plain http is only allowed for 127.0.0.1 or localhost)',
		);
	}
	return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

export function resolveConnection(credentials: Record<string, unknown>): IdaasConnection {
	const instanceId = String(credentials.instanceId ?? '').trim();
	const applicationId = String(credentials.applicationId ?? '').trim();
	if (!INSTANCE_ID.test(instanceId)) {
		throw new CredentialConfigError(
			'instanceId',
			'The instance ID must look like idaas_xxxxxxxx (letters, digits, _ and -); find it in the IDaaS console',
		);
	}
	if (!APPLICATION_ID.test(applicationId)) {
		throw new CredentialConfigError(
			'applicationId',
			'The application ID must look like app_xxxxxxxx (letters, digits, _ and -); find it on the application page',
		);
	}
	return {
		baseUrl: resolveBaseUrl(credentials.region, credentials.customEndpoint),
		instanceId,
		applicationId,
	};
}
