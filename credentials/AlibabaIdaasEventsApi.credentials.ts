import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * What the Event Trigger needs to accept IDaaS's event callbacks for one application: where
 * its signing keys are, which application (and optionally instance) the tokens must be for,
 * and the data encryption key. Nothing here calls the Developer API, so it is a credential of
 * its own rather than more fields on the API credential.
 *
 * Console: Application → Provisioning → Synchronize IDaaS Users on Application → IDaaS push
 * (https://www.alibabacloud.com/help/en/idaas/eiam/user-guide/provision-accounts-idaas-event-callback).
 */
export class AlibabaIdaasEventsApi implements ICredentialType {
	name = 'alibabaIdaasEventsApi';

	displayName = 'Alibaba Cloud IDaaS Events API';

	icon: Icon = {
		light: 'file:../nodes/AlibabaIdaas/alibabaIdaas.svg',
		dark: 'file:../nodes/AlibabaIdaas/alibabaIdaas.dark.svg',
	};

	documentationUrl =
		'https://www.alibabacloud.com/help/en/idaas/eiam/user-guide/provision-accounts-idaas-event-callback';

	properties: INodeProperties[] = [
		{
			displayName: 'Application ID',
			name: 'applicationId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'app_mkv7rgt4d7i4u7zqtzev2mxxxx',
			description:
				'The application whose push configuration sends the events; every token must name it as its audience',
		},
		{
			displayName: 'Instance ID',
			name: 'instanceId',
			type: 'string',
			default: '',
			placeholder: 'idaas_ue2jvisn35ea5lmthk267xxxxx',
			description: 'Optional. When set, tokens from any other IDaaS instance are refused.',
		},
		{
			displayName: 'Public Keys',
			name: 'keySource',
			type: 'options',
			options: [
				{ name: 'Fetch From the Public Key Endpoint', value: 'endpoint' },
				{ name: 'Pasted JWKS', value: 'pasted' },
			],
			default: 'endpoint',
		},
		{
			displayName: 'Public Key Endpoint',
			name: 'jwksUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder:
				'https://eiam-api-cn-hangzhou.aliyuncs.com/v2/idaas_ue2jvisn35ea5lmthk267xxxxx/app_mkv7rgt4d7i4u7zqtzev2mxxxx/provisioning/jwks',
			description:
				'Shown in the push configuration as "Public Key Endpoint". Must use https:// (http:// only on 127.0.0.1 and localhost).',
			displayOptions: { show: { keySource: ['endpoint'] } },
		},
		{
			displayName: 'JWKS',
			name: 'jwks',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: '{"keys":[{"kty":"RSA","e":"AQAB","use":"sig","kid":"KEY…","n":"…"}]}',
			description:
				'The JSON the public key endpoint serves, pasted; no request is made at run time',
			displayOptions: { show: { keySource: ['pasted'] } },
		},
		{
			displayName: 'Encryption Key',
			name: 'encryptionSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: '64 hexadecimal characters',
			description:
				'The push configuration\'s encryption key, when "Encryption" is on there (64 hexadecimal characters, AES-256). Leave empty when IDaaS sends the data unencrypted.',
		},
	];

	// The Test button checks that the public key endpoint answers (pasted keys have nothing to test).
	test: ICredentialTestRequest = {
		request: { method: 'GET', url: '={{$credentials.jwksUrl}}' },
	};
}
