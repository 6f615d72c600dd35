import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

/** The credential type every request of this package authenticates with. */
export const CREDENTIAL_TYPE = 'alibabaIdaasApi';

/** The n8n contexts that send requests: an execution, a list search, a trigger poll. */
export type IdaasContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

/** Where requests go, resolved once from the credential (client.ts resolveConnection). */
export interface IdaasConnection {
	/** e.g. https://eiam-developerapi.cn-hangzhou.aliyuncs.com, no trailing slash. */
	baseUrl: string;
	instanceId: string;
	applicationId: string;
}
