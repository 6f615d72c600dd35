import type { Visibility } from './visibility';
import type { GroupRecord, OuRecord, UserRecord } from './types';

/**
 * Response shapes, field for field as documented (the Go SDK's client/*_model.go). Internal fields
 * (password, secondary OU list, members) never leave the store.
 */

export function userSummary(user: UserRecord) {
	return {
		instanceId: user.instanceId,
		userId: user.userId,
		username: user.username,
		displayName: user.displayName,
		passwordSet: user.passwordSet,
		phoneRegion: user.phoneRegion,
		phoneNumber: user.phoneNumber,
		phoneNumberVerified: user.phoneNumberVerified,
		email: user.email,
		emailVerified: user.emailVerified,
		userExternalId: user.userExternalId,
		userSourceType: user.userSourceType,
		userSourceId: user.userSourceId,
		status: user.status,
		accountExpireTime: user.accountExpireTime,
		registerTime: user.registerTime,
		lockExpireTime: user.lockExpireTime,
		createTime: user.createTime,
		updateTime: user.updateTime,
		description: user.description,
	};
}

/** GetUser: the summary plus primary OU, OUs, custom fields and groups, limited to what the app sees. */
export function userDetail(user: UserRecord, vis: Visibility) {
	const { store } = vis;
	const ouIds = [user.primaryOrganizationalUnitId, ...user.secondaryOrganizationalUnitIds].filter(
		(id) => vis.ouVisible(id),
	);
	return {
		...userSummary(user),
		primaryOrganizationalUnitId: user.primaryOrganizationalUnitId,
		organizationalUnits: ouIds.map((id) => ({
			organizationalUnitId: id,
			organizationalUnitName: store.ous.get(id)!.organizationalUnitName,
			primary: id === user.primaryOrganizationalUnitId,
		})),
		customFields: user.customFields.map((f) => ({
			fieldName: f.fieldName,
			fieldValue: f.fieldValue,
		})),
		groups: store
			.groupIdsOf(user.userId)
			.filter((id) => vis.groupVisible(id))
			.map((id) => {
				const group = store.groups.get(id)!;
				return { groupId: id, groupName: group.groupName, description: group.description };
			}),
	};
}

export function ouView(ou: OuRecord) {
	return {
		instanceId: ou.instanceId,
		organizationalUnitId: ou.organizationalUnitId,
		organizationalUnitName: ou.organizationalUnitName,
		parentId: ou.parentId,
		organizationalUnitExternalId: ou.organizationalUnitExternalId,
		organizationalUnitSourceType: ou.organizationalUnitSourceType,
		organizationalUnitSourceId: ou.organizationalUnitSourceId,
		createTime: ou.createTime,
		updateTime: ou.updateTime,
		description: ou.description,
	};
}

export function groupView(group: GroupRecord) {
	return {
		instanceId: group.instanceId,
		groupId: group.groupId,
		groupName: group.groupName,
		description: group.description,
		groupExternalId: group.groupExternalId,
		groupSourceType: group.groupSourceType,
		groupSourceId: group.groupSourceId,
		createTime: group.createTime,
		updateTime: group.updateTime,
	};
}
