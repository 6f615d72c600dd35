import type { PamSeed } from './pam/types';

/**
 * The emulator's records. User, OU and group records hold the documented fields (the Go SDK's
 * client/*_model.go) plus the relations the store keeps; views.ts turns them into the exact
 * response shapes.
 */

export type SourceType = 'build_in' | 'ding_talk' | 'ad' | 'ldap';

export interface CustomField {
	fieldName: string;
	fieldValue: string;
}

export interface UserRecord {
	instanceId: string;
	userId: string;
	username: string;
	displayName: string;
	passwordSet: boolean;
	phoneRegion: string;
	phoneNumber: string;
	phoneNumberVerified: boolean;
	email: string;
	emailVerified: boolean;
	userExternalId: string;
	userSourceType: SourceType;
	userSourceId: string;
	status: 'enabled' | 'disabled';
	accountExpireTime: number;
	registerTime: number;
	lockExpireTime: number;
	createTime: number;
	updateTime: number;
	description: string;
	primaryOrganizationalUnitId: string;
	/** Secondary OUs, in the order they were added. */
	secondaryOrganizationalUnitIds: string[];
	customFields: CustomField[];
	/** Never returned; kept so UpdateUserPassword has an effect tests can see. */
	password?: string;
}

export interface OuRecord {
	instanceId: string;
	organizationalUnitId: string;
	organizationalUnitName: string;
	/** '' for the root. */
	parentId: string;
	organizationalUnitExternalId: string;
	organizationalUnitSourceType: SourceType;
	organizationalUnitSourceId: string;
	createTime: number;
	updateTime: number;
	description: string;
}

export interface GroupRecord {
	instanceId: string;
	groupId: string;
	groupName: string;
	description: string;
	groupExternalId: string;
	groupSourceType: SourceType;
	groupSourceId: string;
	createTime: number;
	updateTime: number;
	/** Member user IDs in the order they joined. */
	members: Set<string>;
}

export interface ProvisioningScope {
	/** Each OU includes its whole subtree. */
	organizationalUnitIds: string[];
	groupIds: string[];
}

export interface AppRecord {
	applicationId: string;
	/** Equals applicationId (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-generatetoken: client_id = application ID). */
	clientId: string;
	clientSecret: string;
	/** false → 403 application_disabled. */
	enabled: boolean;
	/** false → 403 application_api_disabled ("API 开放" switched off). */
	apiEnabled: boolean;
	/** Granted Developer API permissions; `manager_all` spellings are accepted as `manage_all`. */
	scopes: Set<string>;
	provisioningScope: ProvisioningScope;
	/** Whether GenerateDeviceCode works (documented error otherwise). */
	deviceFlowEnabled: boolean;
}

export type TokenKind = 'app' | 'user' | 'pam';

export interface TokenRecord {
	token: string;
	kind: TokenKind;
	instanceId: string;
	applicationId: string;
	userId?: string;
	/** OAuth scopes carried by the token (PAM tokens: the PAM scope). */
	scopes: string[];
	/** Unix ms. */
	expiresAt: number;
	revoked: boolean;
}

export interface CloudAccountRole {
	cloudAccountId: string;
	cloudAccountRoleId: string;
	cloudAccountRoleName: string;
	cloudAccountRoleExternalId: string;
	/** tencent_cloud: ASSUMPTION, the SDK documents only alibaba_cloud but has a Tencent token object. */
	cloudAccountVendorType: 'alibaba_cloud' | 'aws' | 'tencent_cloud';
	/** Longest STS lifetime the role allows (seconds). */
	maxSessionDurationSeconds: number;
}

/** Seed file shape (emulator/seeds/*.json). IDs may be given; missing ones are generated. */
export interface SeedData {
	instanceId: string;
	rootOrganizationalUnit: {
		organizationalUnitId: string;
		organizationalUnitName: string;
		description?: string;
	};
	organizationalUnits?: Array<{
		organizationalUnitId?: string;
		organizationalUnitName: string;
		parentId: string;
		organizationalUnitExternalId?: string;
		description?: string;
	}>;
	users?: Array<
		Partial<Omit<UserRecord, 'secondaryOrganizationalUnitIds'>> & {
			username: string;
			primaryOrganizationalUnitId: string;
			organizationalUnitIds?: string[];
			groupIds?: string[];
		}
	>;
	groups?: Array<{
		groupId?: string;
		groupName: string;
		description?: string;
		groupExternalId?: string;
	}>;
	applications?: Array<{
		applicationId: string;
		clientSecret: string;
		clientId?: string;
		enabled?: boolean;
		apiEnabled?: boolean;
		scopes?: string[];
		provisioningScope?: Partial<ProvisioningScope>;
		deviceFlowEnabled?: boolean;
	}>;
	cloudAccountRoles?: CloudAccountRole[];
	pam?: PamSeed;
}
