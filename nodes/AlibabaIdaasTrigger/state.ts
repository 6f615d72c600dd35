import { checksum, StateFormatError } from './shared/codec';
import type { Memberships, PackedGroups } from './groups/state';
import { GROUPS_SHAPE, packGroups, unpackGroups } from './groups/state';
import type { OuFacts, PackedOus } from './units/state';
import { packOus, unpackOus } from './units/state';
import type { PackedUsers } from './users/state';
import type { UserTable } from './users/table';
import { StoredUsers, unpackUsers } from './users/stored';
import { packUsers, USERS_SHAPE } from './users/table';

/**
 * The trigger's state in n8n's static data: one section per event family the trigger watches
 * (users, group memberships, organizational units), each optional, inside an envelope:
 *
 * - `v`: the format version; `scope`: which directory and which trigger it describes (the
 *   credential's endpoint, instance and application, and the workflow and node IDs);
 * - `gen`: counts the writes, so that a poll can tell whether the state it read is still the
 *   one stored when it is about to write (see poll.ts);
 * - `check`: a 64-bit checksum over everything else.
 *
 * A state is used only if it is exactly what this version writes: the version, the scope, the
 * set of keys, every section decoding strictly, packing the decoded sections again giving the
 * same text, and the checksum. Anything else (corrupt, truncated, older, newer, copied from
 * another workflow) is never diffed against: the caller takes a fresh baseline.
 */

export const FORMAT_VERSION = 2;

export interface DecodedState {
	gen: number;
	/** A poll's table, or the users as read (written back as read). */
	users?: UserTable | StoredUsers;
	groups?: Memberships;
	ous?: Map<string, OuFacts>;
}

export interface StoredState {
	v: number;
	scope: string;
	gen: number;
	users?: PackedUsers;
	groups?: PackedGroups;
	ous?: PackedOus;
	check: string;
}

const SECTIONS = ['users', 'groups', 'ous'] as const;

/** The parts the checksum covers; a section is its fields (the part's text is them joined by newlines). */
function parts(state: Omit<StoredState, 'check'>): string[][] {
	const { users, groups, ous } = state;
	return [
		[String(state.v)],
		[state.scope],
		[String(state.gen)],
		users ? [users.ous, String(users.ouWidth), users.records, String(users.count)] : ['-'],
		groups ? [groups.members, String(groups.width), groups.groups, String(groups.count)] : ['-'],
		[ous ? JSON.stringify(ous) : '-'],
	];
}

export function encodeState(scope: string, decoded: DecodedState): StoredState {
	const state: Omit<StoredState, 'check'> = { v: FORMAT_VERSION, scope, gen: decoded.gen };
	if (decoded.users)
		state.users =
			decoded.users instanceof StoredUsers ? decoded.users.packed() : packUsers(decoded.users);
	if (decoded.groups) state.groups = packGroups(decoded.groups);
	if (decoded.ous) state.ous = packOus(decoded.ous.values());
	return { ...state, check: checksum(parts(state)) };
}

/** Whether two stored states hold the same directory (the generation and checksum aside). */
export function sameContent(a: StoredState, b: StoredState): boolean {
	const x = parts(a);
	const y = parts(b);
	return x.every(
		(part, i) =>
			i === 2 || (part.length === y[i].length && part.every((piece, j) => piece === y[i][j])),
	);
}

function hasShape(value: unknown, shape: Record<string, 'string' | 'number'>): boolean {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
	const record = value as Record<string, unknown>;
	const keys = Object.keys(record);
	return (
		keys.length === Object.keys(shape).length &&
		keys.every(
			(key) =>
				key in shape &&
				typeof record[key] === shape[key] &&
				(shape[key] !== 'number' || Number.isSafeInteger(record[key])),
		)
	);
}

/** A state as read: its users are the stored users, indexed. */
export interface ReadState extends DecodedState {
	users?: StoredUsers;
}

export type ReadResult =
	| { state: ReadState; stored: StoredState; problem?: undefined }
	| { state?: undefined; stored?: undefined; problem?: string };

/**
 * The stored state, if this version wrote it for this scope; else why not (undefined when
 * there simply is none yet).
 */
export function readState(data: unknown, scope: string): ReadResult {
	if (data === undefined || data === null) return {};
	try {
		if (typeof data !== 'object' || Array.isArray(data))
			throw new StateFormatError('not an object');
		const stored = data as StoredState;
		if (stored.v !== FORMAT_VERSION)
			throw new StateFormatError(
				`format ${String(stored.v)}, this version writes ${FORMAT_VERSION}`,
			);
		if (stored.scope !== scope)
			throw new StateFormatError('written for another credential, workflow or node');
		const allowed = new Set(['v', 'scope', 'gen', 'check', ...SECTIONS]);
		if (!Object.keys(stored).every((key) => allowed.has(key)))
			throw new StateFormatError('unknown fields');
		if (!Number.isSafeInteger(stored.gen) || stored.gen < 1 || typeof stored.check !== 'string')
			throw new StateFormatError('bad envelope');
		if (stored.users !== undefined && !hasShape(stored.users, USERS_SHAPE))
			throw new StateFormatError('bad users section');
		if (stored.groups !== undefined && !hasShape(stored.groups, GROUPS_SHAPE))
			throw new StateFormatError('bad groups section');
		if (checksum(parts(stored)) !== stored.check)
			throw new StateFormatError('checksum does not match');
		const state: ReadState = { gen: stored.gen };
		if (stored.users) state.users = unpackUsers(stored.users);
		if (stored.groups) state.groups = unpackGroups(stored.groups);
		if (stored.ous !== undefined) state.ous = unpackOus(stored.ous);
		// Exactly what this version writes: packing the decoded state again gives the same text.
		// The users and groups sections' readers refuse anything else themselves (users/stored.ts,
		// groups/state.ts), which spares packing a large directory twice per poll.
		if (
			!sameContent(encodeState(scope, { ...state, users: undefined, groups: undefined }), {
				...stored,
				users: undefined,
				groups: undefined,
			})
		) {
			throw new StateFormatError('not in the form this version writes');
		}
		return { state, stored };
	} catch (error) {
		if (error instanceof StateFormatError) return { problem: error.message };
		// Anything else a hostile state can provoke is still a bad state, never a stuck trigger.
		return { problem: `The trigger's stored state is not readable (${(error as Error).message})` };
	}
}
