import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

/** The credential type every request of this package authenticates with. */
export const CREDENTIAL_TYPE = 'alibabaIdaasApi';

/** The n8n contexts that send requests: an execution, a list search, a trigger poll. */
export type IdaasContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;
