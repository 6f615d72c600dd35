import type { Store } from '../store';
import type { GroupRecord, OuRecord, UserRecord } from '../types';

/**
 * The `bizData` of each event, from the store's records. User and OU records use the field
 * names of Alibaba's receiver SDK v1.1.0 (https://github.com/aliyunidaas/java-push-sdk,
 * UserInfo / OrganizationalUnitInfo) or, with `fieldNames: 'v1.0'`, those of its 2022 samples;
 * which set IDaaS sends today is not documented. Times and the account UID are strings, as in
 * the samples. Group records are not documented at all (ASSUMPTION: the Developer API's group
 * fields); a deleted user carries only its ID, as the sample does.
 */

export type FieldNames = 'v1.1' | 'v1.0';

const ms = (value: number) => String(value);

export function userBizData(
	store: Store,
	user: UserRecord,
	names: FieldNames,
	password?: string,
): Record<string, unknown> {
	const ous = store.organizationalUnitIdsOf(user).map((id) => ({
		organizationalUnitId: id,
		[names === 'v1.0' ? 'name' : 'organizationalUnitName']:
			store.ous.get(id)?.organizationalUnitName ?? '',
		primary: id === user.primaryOrganizationalUnitId,
	}));
	const common = {
		userId: user.userId,
		username: user.username,
		displayName: user.displayName,
		...(password !== undefined ? { password } : {}),
		passwordSet: user.passwordSet,
		phoneNumber: user.phoneNumber,
		phoneRegion: user.phoneRegion,
		phoneVerified: user.phoneNumberVerified,
		email: user.email,
		emailVerified: user.emailVerified,
		status: user.status,
		accountExpireTime: ms(user.accountExpireTime),
		registerTime: ms(user.registerTime),
		lockExpireTime: ms(user.lockExpireTime),
		createTime: ms(user.createTime),
		description: user.description,
	};
	if (names === 'v1.0') {
		return {
			...common,
			externalId: user.userExternalId,
			sourceType: user.userSourceType,
			sourceId: user.userSourceId,
			lastUpdatedTime: ms(user.updateTime),
			organizationalUnits: ous,
		};
	}
	return {
		...common,
		userExternalId: user.userExternalId,
		userSourceType: user.userSourceType,
		userSourceId: user.userSourceId,
		updateTime: ms(user.updateTime),
		primaryOrganizationalUnitId: user.primaryOrganizationalUnitId,
		userOrganizationalUnits: ous,
	};
}

export function ouBizData(ou: OuRecord, names: FieldNames): Record<string, unknown> {
	const base = {
		organizationalUnitId: ou.organizationalUnitId,
		parentId: ou.parentId,
		createTime: ms(ou.createTime),
		description: ou.description,
	};
	if (names === 'v1.0') {
		return {
			...base,
			name: ou.organizationalUnitName,
			externalId: ou.organizationalUnitExternalId,
			sourceType: ou.organizationalUnitSourceType,
			sourceId: ou.organizationalUnitSourceId,
			lastUpdatedTime: ms(ou.updateTime),
		};
	}
	return {
		...base,
		organizationalUnitName: ou.organizationalUnitName,
		organizationalUnitExternalId: ou.organizationalUnitExternalId,
		organizationalUnitSourceType: ou.organizationalUnitSourceType,
		organizationalUnitSourceId: ou.organizationalUnitSourceId,
		updateTime: ms(ou.updateTime),
	};
}

export function groupBizData(group: GroupRecord): Record<string, unknown> {
	return {
		groupId: group.groupId,
		groupName: group.groupName,
		groupExternalId: group.groupExternalId,
		groupSourceType: group.groupSourceType,
		groupSourceId: group.groupSourceId,
		description: group.description,
		createTime: ms(group.createTime),
		updateTime: ms(group.updateTime),
	};
}
