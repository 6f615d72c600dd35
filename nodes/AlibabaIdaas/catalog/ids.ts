/**
 * IDaaS object IDs: their kinds, documented prefixes and names. The prefixes let the node refuse a
 * wrong ID in the editor and before any request, and let the emulator mint realistic ones.
 */

export type IdKind = 'user' | 'organizationalUnit' | 'group' | 'instance' | 'application';

export const ID_PREFIX: Record<IdKind, string> = {
	user: 'user_',
	organizationalUnit: 'ou_',
	group: 'group_',
	instance: 'idaas_',
	application: 'app_',
};

/** The kind as a word in a sentence ("a group ID"). */
export const ID_NOUN: Record<IdKind, string> = {
	user: 'user',
	organizationalUnit: 'organizational unit',
	group: 'group',
	instance: 'instance',
	application: 'application',
};

/** The kind as an editor label ("Group"). */
export const ID_LABEL: Record<IdKind, string> = {
	user: 'User',
	organizationalUnit: 'Organizational Unit',
	group: 'Group',
	instance: 'Instance',
	application: 'Application',
};

/** A realistic ID, for the editor's placeholders. */
export const ID_EXAMPLE: Partial<Record<IdKind, string>> = {
	user: 'user_d6sbsuumeta4h66ec3il7yxxxx',
	organizationalUnit: 'ou_wovwffm62xifdziem7an7xxxxx',
	group: 'group_e5nhm7spw3wq4jipqxtw5xxxxx',
};
