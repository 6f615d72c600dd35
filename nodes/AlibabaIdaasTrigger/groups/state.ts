import {
	ALPHABET,
	BASE,
	byId,
	CODE,
	decodeId,
	decodeNumber,
	digit,
	encodeId,
	encodeIdCodes,
	encodeNumber,
	IdCoding,
	SEPARATOR,
	StateFormatError,
	widthFor,
} from '../shared/codec';

/**
 * The group-membership family's memory and diff. Pure: no n8n, no HTTP.
 *
 * A membership costs one fixed-width index (3 characters up to 778,687 distinct members) into a
 * dictionary of member IDs stored once (about 22 bytes per member at the real ID shape), so
 * 100,000 users in a few groups each stay within a few megabytes.
 *
 * Layout: `members` is the dictionary, space separated, each entry an ID coding character plus
 * the packed ID. `groups` has one record per group, space separated: the ID coding character,
 * the packed ID's length in two characters, the packed group ID, then the group's members as
 * indexes into the dictionary, ascending, `width` characters each. Groups and members are packed
 * in ID order, the dictionary in order of first use.
 */

export type MembershipEvent = 'memberAdded' | 'memberRemoved';

export const MEMBERSHIP_EVENTS: readonly MembershipEvent[] = ['memberAdded', 'memberRemoved'];

export const GROUP_PREFIX = 'group_';
const USER_PREFIX = 'user_';
const LENGTH_WIDTH = 2;

/**
 * Members per group ID, each group's members as a list (packed by ID, so the same memberships
 * always give the same text). Lists, not sets: a stored state of 300,000 memberships costs a
 * pointer per membership while a poll runs, and a group whose listing shows the same members
 * keeps the very list it was stored with (walk.ts).
 */
export type Memberships = Map<string, readonly string[]>;

export interface PackedGroups {
	members: string;
	width: number;
	groups: string;
	/** Memberships, for a quick look in the database (checked on read). */
	count: number;
}

export const GROUPS_SHAPE = {
	members: 'string',
	width: 'number',
	groups: 'string',
	count: 'number',
} as const;

export function packGroups(memberships: Memberships): PackedGroups {
	const index = new Map<string, number>();
	const dictionary: string[] = [];
	// Members as dictionary indexes in typed arrays: 300,000 memberships cost 1.2 MB here, and
	// nothing for the garbage collector to trace.
	const lists: Uint32Array[] = [];
	let count = 0;
	const codes: number[] = [];
	const groupIds = [...memberships.keys()].sort(byId);
	for (const groupId of groupIds) {
		const members = memberships.get(groupId) as readonly string[];
		const sorted = inIdOrder(members) ? members : [...members].sort(byId);
		const list = new Uint32Array(sorted.length);
		for (let k = 0; k < sorted.length; k++) {
			const userId = sorted[k];
			let i = index.get(userId);
			if (i === undefined) {
				i = dictionary.length;
				index.set(userId, i);
				codes.length = 1;
				const coding = encodeIdCodes(userId, USER_PREFIX, codes);
				codes[0] = CODE[coding];
				dictionary.push(
					coding === IdCoding.Raw
						? String.fromCharCode(...codes) + userId.slice(USER_PREFIX.length)
						: String.fromCharCode(...codes),
				);
			}
			list[k] = i;
		}
		count += list.length;
		lists.push(list.sort());
	}
	const width = widthFor(Math.max(0, dictionary.length - 1));
	const records: string[] = [];
	let g = 0;
	for (const groupId of groupIds) {
		const id = encodeId(groupId, GROUP_PREFIX);
		const pieces = [ALPHABET[id.coding] + encodeNumber(id.text.length, LENGTH_WIDTH) + id.text];
		// The member indexes from character codes, a few thousand at a time (a call takes only so
		// many arguments), instead of adding up a string of 3 characters per member.
		codes.length = 0;
		for (const i of lists[g++]) {
			pushDigits(codes, i, width);
			if (codes.length >= PIECE) {
				pieces.push(String.fromCharCode(...codes));
				codes.length = 0;
			}
		}
		if (codes.length > 0) pieces.push(String.fromCharCode(...codes));
		records.push(pieces.join(''));
	}
	return { members: dictionary.join(SEPARATOR), width, groups: records.join(SEPARATOR), count };
}

const PIECE = 4096;

/** Appends `value` as `width` digits of the alphabet (their character codes), most significant first. */
function pushDigits(codes: number[], value: number, width: number): void {
	for (let w = width - 1; w >= 0; w--) codes.push(CODE[Math.floor(value / BASE ** w) % BASE]);
}

function inIdOrder(ids: readonly string[]): boolean {
	for (let i = 1; i < ids.length; i++) if (!(ids[i - 1] < ids[i])) return false;
	return true;
}

/**
 * The memberships back; throws StateFormatError on anything packGroups would not have written:
 * besides what the codec refuses, groups out of ID order or stored twice, member indexes not
 * ascending, and a dictionary not in the order packGroups fills it (each group's members in ID
 * order, a member new to the dictionary taking the next entry) or with an entry no group uses. So
 * the state reader need not pack the section again to see that it is this version's form.
 */
export function unpackGroups(state: PackedGroups): Memberships {
	const dictionary = (state.members === '' ? [] : state.members.split(SEPARATOR)).map((entry) =>
		decodeId(digit(entry, 0), entry.slice(1), USER_PREFIX),
	);
	if (new Set(dictionary).size !== dictionary.length)
		throw new StateFormatError('member stored twice');
	if (state.width !== widthFor(Math.max(0, dictionary.length - 1)))
		throw new StateFormatError('bad member width');
	const result: Memberships = new Map();
	let count = 0;
	let lastGroup = '';
	/** The dictionary entries used so far: the next new member must take entry `used`. */
	let used = 0;
	for (const record of state.groups === '' ? [] : state.groups.split(SEPARATOR)) {
		const idLength = decodeNumber(record, 1, LENGTH_WIDTH);
		const start = 1 + LENGTH_WIDTH;
		if (start + idLength > record.length) throw new StateFormatError('group record cut short');
		const groupId = decodeId(digit(record, 0), record.slice(start, start + idLength), GROUP_PREFIX);
		if (result.size > 0 && !(lastGroup < groupId))
			throw new StateFormatError('groups out of order or stored twice');
		lastGroup = groupId;
		const rest = record.length - start - idLength;
		if (rest % state.width !== 0) throw new StateFormatError('bad member list');
		const indexes: number[] = [];
		let last = -1;
		for (let at = start + idLength; at < record.length; at += state.width) {
			const i = decodeNumber(record, at, state.width);
			if (i <= last || i >= dictionary.length) throw new StateFormatError('bad member index');
			last = i;
			indexes.push(i);
		}
		// In ID order, as packGroups takes them (they are stored in index order); the ones new
		// to the dictionary must have taken its next entries, in this order.
		indexes.sort((a, b) => byId(dictionary[a], dictionary[b]));
		for (const i of indexes) {
			if (i > used) throw new StateFormatError('members not in the order they were first stored');
			if (i === used) used++;
		}
		count += indexes.length;
		result.set(
			groupId,
			indexes.map((i) => dictionary[i]),
		);
	}
	if (count !== state.count) throw new StateFormatError('count does not match');
	if (used !== dictionary.length) throw new StateFormatError('a member no group has');
	return result;
}

export interface MembershipChange {
	event: MembershipEvent;
	groupId: string;
	userId: string;
	/** For removals: the group itself is gone (confirmed with GetGroup). */
	groupDeleted?: boolean;
}

/** What one poll established about the groups (see walk.ts). */
export interface GroupsRead {
	/**
	 * Groups confirmed to exist, with their members as this poll established them; a group whose
	 * members did not change has the stored list itself.
	 */
	current: Memberships;
	/** Stored groups confirmed gone. */
	deletedGroups: Set<string>;
	/** Group names from the listing, for the items. */
	names: Map<string, string>;
}

/** Added: listed now, not stored. Removed: stored, and confirmed gone (the group or the membership). */
export function diffGroups(previous: Memberships, read: GroupsRead): MembershipChange[] {
	const changes: MembershipChange[] = [];
	for (const [groupId, list] of read.current) {
		const stored = previous.get(groupId);
		if (list === stored) continue;
		const before = new Set(stored);
		const members = new Set(list);
		for (const userId of list)
			if (!before.has(userId)) changes.push({ event: 'memberAdded', groupId, userId });
		for (const userId of stored ?? [])
			if (!members.has(userId)) changes.push({ event: 'memberRemoved', groupId, userId });
	}
	for (const groupId of read.deletedGroups) {
		for (const userId of previous.get(groupId) ?? [])
			changes.push({ event: 'memberRemoved', groupId, userId, groupDeleted: true });
	}
	return changes;
}

/** Groups now, plus stored groups neither listed nor confirmed gone (kept as they were). */
export function nextGroups(previous: Memberships, read: GroupsRead): Memberships {
	const result: Memberships = new Map(read.current);
	for (const [groupId, members] of previous) {
		if (!result.has(groupId) && !read.deletedGroups.has(groupId)) result.set(groupId, members);
	}
	return result;
}
