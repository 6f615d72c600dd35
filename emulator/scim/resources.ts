import type { UserRecord } from '../types';
import type { Switches } from './config';

/**
 * The emulator's users and groups as SCIM 2.0 resources (RFC 7643 §4), and the bodies of the
 * requests that carry them. The attribute mapping is IDaaS's console default as far as its docs
 * show it (username → userName, display name, e-mail, phone, status → active; docs/scim-push.md);
 * the IDaaS user ID goes in externalId, so a target can match an account to its IDaaS user.
 */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface ScimUser {
	schemas: string[];
	externalId: string;
	userName: string;
	displayName: string;
	active: boolean;
	emails: Array<{ value: string; type: 'work'; primary: true }>;
	phoneNumbers: Array<{ value: string; type: 'mobile' }>;
}

export interface ScimGroup {
	schemas: string[];
	externalId: string;
	displayName: string;
	/** Remote user IDs (the target's `id`s). */
	members: Array<{ value: string }>;
}

export function scimUser(user: UserRecord): ScimUser {
	return {
		schemas: [USER_SCHEMA],
		externalId: user.userId,
		userName: user.username,
		displayName: user.displayName || user.username,
		active: user.status === 'enabled',
		emails: user.email ? [{ value: user.email, type: 'work', primary: true }] : [],
		phoneNumbers: user.phoneNumber
			? [{ value: `+${user.phoneRegion || '86'} ${user.phoneNumber}`, type: 'mobile' }]
			: [],
	};
}

/** `remoteIds`: the members' IDs on the target. */
export function scimGroup(groupId: string, displayName: string, remoteIds: string[]): ScimGroup {
	return {
		schemas: [GROUP_SCHEMA],
		externalId: groupId,
		displayName,
		members: remoteIds.map((value) => ({ value })),
	};
}

export interface PatchOperation {
	op: string;
	path?: string;
	value?: unknown;
}

const opName = (op: 'add' | 'replace' | 'remove', style: Switches['patchOps']) =>
	style === 'capitalised' ? op[0].toUpperCase() + op.slice(1) : op;

export function patchBody(operations: PatchOperation[]): {
	schemas: string[];
	Operations: PatchOperation[];
} {
	return { schemas: [PATCH_SCHEMA], Operations: operations };
}

/** The user attributes that differ from what was sent last (all when nothing was), as PATCH replace operations. */
export function userReplaceOps(
	now: ScimUser,
	before: ScimUser | undefined,
	switches: Pick<Switches, 'patchOps' | 'patchStyle'>,
): PatchOperation[] {
	const changed: Partial<ScimUser> = {};
	for (const key of [
		'userName',
		'displayName',
		'active',
		'emails',
		'phoneNumbers',
		'externalId',
	] as const) {
		if (!before || JSON.stringify(before[key]) !== JSON.stringify(now[key]))
			(changed as Record<string, unknown>)[key] = now[key];
	}
	if (Object.keys(changed).length === 0) return [];
	const replace = opName('replace', switches.patchOps);
	if (switches.patchStyle === 'valueObject') return [{ op: replace, value: changed }];
	return Object.entries(changed).map(([key, value]) => {
		// Entra's own form for a work e-mail: the filtered path, a plain string value.
		if (key === 'emails' && now.emails.length > 0)
			return { op: replace, path: 'emails[type eq "work"].value', value: now.emails[0].value };
		return { op: replace, path: key, value };
	});
}

/** `active` alone, as Okta and Entra deactivate and reactivate. */
export function activeOps(
	active: boolean,
	switches: Pick<Switches, 'patchOps' | 'patchStyle'>,
): PatchOperation[] {
	const replace = opName('replace', switches.patchOps);
	return switches.patchStyle === 'valueObject'
		? [{ op: replace, value: { active } }]
		: [{ op: replace, path: 'active', value: active }];
}

export function renameOps(
	displayName: string,
	switches: Pick<Switches, 'patchOps' | 'patchStyle'>,
): PatchOperation[] {
	const replace = opName('replace', switches.patchOps);
	return switches.patchStyle === 'valueObject'
		? [{ op: replace, value: { displayName } }]
		: [{ op: replace, path: 'displayName', value: displayName }];
}

export function addMemberOps(
	remoteIds: string[],
	switches: Pick<Switches, 'patchOps'>,
): PatchOperation[] {
	return remoteIds.length
		? [
				{
					op: opName('add', switches.patchOps),
					path: 'members',
					value: remoteIds.map((value) => ({ value })),
				},
			]
		: [];
}

export function removeMemberOps(
	remoteIds: string[],
	switches: Pick<Switches, 'patchOps' | 'memberRemoval'>,
): PatchOperation[] {
	const remove = opName('remove', switches.patchOps);
	if (remoteIds.length === 0) return [];
	if (switches.memberRemoval === 'filterPath')
		return remoteIds.map((id) => ({ op: remove, path: `members[value eq "${id}"]` }));
	return [{ op: remove, path: 'members', value: remoteIds.map((value) => ({ value })) }];
}

/** RFC 7644 §3.4.2.2 filter value: a JSON string literal. */
export const eqFilter = (attribute: string, value: string) =>
	`${attribute} eq ${JSON.stringify(value)}`;
