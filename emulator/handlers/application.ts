import { ApiError } from '../errors';
import { newToken } from '../ids';
import type { CloudAccountRole } from '../types';
import type { Handler } from './context';
import { bearer } from './context';

/**
 * The one vendor object matching the role's cloud. Tencent's (SDK 1.7.2, tencentCloudStsToken)
 * has no documented expiration format; ISO-8601 UTC like its siblings (ASSUMPTION).
 */
function vendorToken(
	vendor: CloudAccountRole['cloudAccountVendorType'],
	t: { keyId: string; secret: string; session: string; expiration: string },
) {
	switch (vendor) {
		case 'alibaba_cloud':
			return {
				alibabaCloudStsToken: {
					accessKeyId: t.keyId,
					accessKeySecret: t.secret,
					securityToken: t.session,
					expiration: t.expiration,
				},
			};
		case 'aws':
			return {
				awsStsToken: {
					accessKeyId: t.keyId,
					secretAccessKey: t.secret,
					sessionToken: t.session,
					expiration: t.expiration,
				},
			};
		case 'tencent_cloud':
			return {
				tencentCloudStsToken: {
					tmpSecretId: t.keyId.replace(/^STS\./, 'AKID'),
					tmpSecretKey: t.secret,
					token: t.session,
					expiration: t.expiration,
				},
			};
	}
}

export const applicationHandlers: Record<string, Handler> = {
	/** Needs no permission ("has the permission by default", API metadata). */
	GetApplicationProvisioningScope(ctx) {
		const { provisioningScope } = bearer(ctx).app;
		return {
			organizationalUnitIds: [...provisioningScope.organizationalUnitIds],
			groupIds: [...provisioningScope.groupIds],
		};
	},

	/**
	 * Shape from SDK 1.8.0 (models/ObtainCloudAccountRoleAccessCredentialResponseBody.ts) and its docs page,
	 * https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-obtaincloudaccountroleaccesscredential. ASSUMPTIONS: an unknown role → 404 ResourceNotFound.CloudAccountRole;
	 * durationSeconds (default 3600) is capped at the role's maximum rather than refused.
	 */
	ObtainCloudAccountRoleAccessCredential(ctx) {
		const externalId = ctx.input.cloudAccountRoleExternalId as string;
		const role = ctx.store.cloudAccountRoles.get(externalId);
		if (!role)
			throw new ApiError(
				404,
				'ResourceNotFound.CloudAccountRole',
				`The specified CloudAccountRole resource: ${externalId} not found.`,
			);
		const duration = Math.min(
			(ctx.input.durationSeconds as number | undefined) ?? 3600,
			role.maxSessionDurationSeconds,
		);
		const expiresAt = Math.floor(Date.now() / 1000) + duration;
		const expiration = new Date(expiresAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
		const keyId = `STS.${newToken('STS').slice(3, 23)}`;
		const secret = newToken('STS').slice(3);
		const session = newToken('STS').slice(3) + newToken('STS').slice(3);
		ctx.store.pam.stsSecrets.add(secret).add(session);
		return {
			cloudAccountId: role.cloudAccountId,
			cloudAccountRoleId: role.cloudAccountRoleId,
			cloudAccountRoleName: role.cloudAccountRoleName,
			cloudAccountRoleExternalId: role.cloudAccountRoleExternalId,
			cloudAccountVendorType: role.cloudAccountVendorType,
			cloudAccountRoleAccessCredential: {
				accessCredentialExpiresAt: expiresAt,
				...vendorToken(role.cloudAccountVendorType, { keyId, secret, session, expiration }),
			},
		};
	},
};
