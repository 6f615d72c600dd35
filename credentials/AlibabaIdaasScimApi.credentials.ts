import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * What a SCIM client (IDaaS's SCIM provisioning, or Okta's and Entra's) must present to the SCIM
 * Trigger: the bearer token entered in both places, and optionally a client ID and secret for
 * IDaaS's client-credentials mode, in which IDaaS gets its token from the trigger's own token
 * endpoint. The trigger only receives, so there is nothing to test against.
 *
 * IDaaS console: the application → Provisioning → SCIM; API: Eiam 2021-12-01
 * SetApplicationProvisioningConfig (ScimProvisioningConfig.AuthnConfiguration).
 */
export class AlibabaIdaasScimApi implements ICredentialType {
	name = 'alibabaIdaasScimApi';

	displayName = 'Alibaba Cloud IDaaS SCIM API';

	icon: Icon = {
		light: 'file:../nodes/AlibabaIdaas/alibabaIdaas.svg',
		dark: 'file:../nodes/AlibabaIdaas/alibabaIdaas.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-alibaba-idaas/n8n-nodes-alibaba-idaas/blob/main/docs/scim-trigger.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Bearer Token',
			name: 'bearerToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The token the SCIM client sends as "Authorization: Bearer …" (IDaaS: grant type bearer_token). Use a long random value, e.g. 32 random bytes as hex. Leave empty to accept only tokens from the token endpoint.',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description:
				"Optional. For IDaaS's client_credentials grant: the client ID IDaaS sends to the trigger's token endpoint (the SCIM base URL followed by /token).",
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. The client secret for the client_credentials grant; tokens the endpoint issues are signed with it and last one hour.',
		},
	];
}
