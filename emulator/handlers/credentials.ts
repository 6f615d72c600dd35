import { invalid, missing } from '../errors';
import { credentialView } from '../pam/views';
import type { Handler } from './context';
import { pamCallerOf } from './context';

/** PAM credentials (ObtainCredential, CreateUserExclusiveCredential); callers come from pam/auth.ts. */

export const credentialHandlers: Record<string, Handler> = {
	/** ASSUMPTION: an unknown identifier is 404 ResourceNotFound.Credential; a disabled one is still returned. */
	ObtainCredential(ctx) {
		pamCallerOf(ctx);
		return credentialView(
			ctx.store.instanceId,
			ctx.store.pam.credential(ctx.input.credentialIdentifier as string),
		);
	},

	/**
	 * The request names no owner. ASSUMPTION: with an application's token the credential is
	 * recorded as created by that application and `exclusiveUserId` stays empty; an oauth_client
	 * credential cannot be made (the request model has no content for it): 400 InvalidParameter.CredentialType.
	 */
	CreateUserExclusiveCredential(ctx) {
		const { applicationId } = pamCallerOf(ctx);
		const input = ctx.input;
		if (input.credentialType !== 'api_key')
			throw invalid('credentialType', 'Only api_key credentials can be created.');
		const content = input.credentialContent as { apiKeyContent?: { apiKey?: unknown } };
		const apiKey = content.apiKeyContent?.apiKey;
		if (typeof apiKey !== 'string' || apiKey === '') throw missing('apiKey');
		const credential = ctx.store.pam.addCredential({
			credentialIdentifier: input.credentialIdentifier as string,
			credentialName: input.credentialName as string,
			credentialType: 'api_key',
			credentialScenarioLabel: (input.credentialScenarioLabel as string | undefined) ?? '',
			credentialExternalId: (input.credentialExternalId as string | undefined) ?? '',
			description: (input.description as string | undefined) ?? '',
			credentialSharingScope: 'user_exclusive',
			credentialSubjectId: applicationId,
			apiKey,
		});
		return {
			credentialId: credential.credentialId,
			credentialIdentifier: credential.credentialIdentifier,
			// ASSUMPTION: the encryption is not documented; base64 of the key stands in for it.
			...(input.returnCiphertext === true
				? { credentialCiphertext: Buffer.from(apiKey).toString('base64') }
				: {}),
		};
	},
};
