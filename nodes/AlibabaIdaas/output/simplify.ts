import type { IDataObject } from 'n8n-workflow';

import { simpleGroup, simpleOrganizationalUnit, simpleUser } from './shapes';

/**
 * Simplified output of the IDaaS node: the shapes all three nodes share (shapes.ts), and what only
 * this node's answers need.
 */

export type Subject = 'user' | 'organizationalUnit' | 'group';

/** Where a group record comes without its name (ListGroupsForUser gives only IDs), the item says how to get it. */
export const GROUP_NAME_NOTE =
	"IDaaS lists a user's groups without their names: Group → Get with this groupId returns the name";

export function simplifyGroup(group: IDataObject): IDataObject {
	const out = simpleGroup(group);
	if (
		out.groupId !== undefined &&
		(out.groupName === undefined || out.groupName === '' || out.groupName === null)
	) {
		out.groupNameNote = GROUP_NAME_NOTE;
	}
	return out;
}

const SIMPLIFIERS: Record<Subject, (record: IDataObject) => IDataObject> = {
	user: simpleUser,
	organizationalUnit: simpleOrganizationalUnit,
	group: simplifyGroup,
};

export function simplify(subject: Subject, record: IDataObject): IDataObject {
	return SIMPLIFIERS[subject](record);
}
