import { ApiError } from '../errors';
import { newToken } from '../ids';
import type { Handler } from './context';
import { bearer } from './context';

export const applicationHandlers: Record<string, Handler> = {
	/** Needs no permission ("has the permission by default", META-EN). */
	GetApplicationProvisioningScope(ctx) {
		const { provisioningScope } = bearer(ctx).app;
		return { organizationalUnitIds: [...provisioningScope.organizationalUnitIds], groupIds: [...provisioningScope.groupIds] };
	},

	/**
	 * Shape from GO / D-OCAR. ASSUMPTIONS: an unknown role → 404 ResourceNotFound.CloudAccountRole;
	 * durationSeconds (default 3600) is capped at the role's maximum rather than refused.
	 */
	ObtainCloudAccountRoleAccessCredential(ctx) {
		const externalId = ctx.input.cloudAccountRoleExternalId as string;
		const role = ctx.store.cloudAccountRoles.get(externalId);
		if (!role) throw new ApiError(404, 'ResourceNotFound.CloudAccountRole', `The specified CloudAccountRole resource: ${externalId} not found.`);
		const duration = Math.min((ctx.input.durationSeconds as number | undefined) ?? 3600, role.maxSessionDurationSeconds);
		const expiresAt = Math.floor(Date.now() / 1000) + duration;
		const expiration = new Date(expiresAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
		const keyId = `STS.${newToken('STS').slice(3, 23)}`;
		const secret = newToken('STS').slice(3);
		const session = newToken('STS').slice(3) + newToken('STS').slice(3);
		return {
			cloudAccountId: role.cloudAccountId,
			cloudAccountRoleId: role.cloudAccountRoleId,
			cloudAccountRoleName: role.cloudAccountRoleName,
			cloudAccountRoleExternalId: role.cloudAccountRoleExternalId,
			cloudAccountVendorType: role.cloudAccountVendorType,
			cloudAccountRoleAccessCredential: {
				accessCredentialExpiresAt: expiresAt,
				...(role.cloudAccountVendorType === 'alibaba_cloud'
					? { alibabaCloudStsToken: { accessKeyId: keyId, accessKeySecret: secret, securityToken: session, expiration } }
					: { awsStsToken: { accessKeyId: keyId, secretAccessKey: secret, sessionToken: session, expiration } }),
			},
		};
	},
};
