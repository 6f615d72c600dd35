import { byId, isValidId, StateFormatError } from '../shared/codec';

/**
 * The organizational-unit family's memory and diff. Pure: no n8n, no HTTP.
 *
 * A directory has hundreds to a few thousand OUs, so the state keeps each exactly: ID, parent
 * and name (about 60 bytes per OU). Renames report the old name, moves the old parent.
 */

export type OuEvent = 'ouCreated' | 'ouRenamed' | 'ouMoved' | 'ouDeleted';

export const OU_EVENTS: readonly OuEvent[] = ['ouCreated', 'ouRenamed', 'ouMoved', 'ouDeleted'];

export interface OuFacts {
	id: string;
	/** '' for an OU without a parent (the root). */
	parentId: string;
	name: string;
}

/** The OU section of the state: [id, parentId, name] per OU, by ID. */
export type PackedOus = Array<[string, string, string]>;

export function packOus(ous: Iterable<OuFacts>): PackedOus {
	return [...ous].sort((a, b) => byId(a.id, b.id)).map((ou) => [ou.id, ou.parentId, ou.name]);
}

/** The OUs back; throws StateFormatError on anything packOus would not have written. */
export function unpackOus(data: unknown): Map<string, OuFacts> {
	if (!Array.isArray(data)) throw new StateFormatError('OU list is not a list');
	const result = new Map<string, OuFacts>();
	for (const entry of data as unknown[]) {
		if (!Array.isArray(entry) || entry.length !== 3) throw new StateFormatError('bad OU entry');
		const [id, parentId, name] = entry as unknown[];
		if (
			!isValidId(id, 'ou_') ||
			(parentId !== '' && !isValidId(parentId, 'ou_')) ||
			typeof name !== 'string'
		) {
			throw new StateFormatError('bad OU entry');
		}
		if (result.has(id)) throw new StateFormatError('OU stored twice');
		result.set(id, { id, parentId, name });
	}
	return result;
}

export interface OuChange {
	event: OuEvent;
	id: string;
	/** The OU now (absent for deletions). */
	current?: OuFacts;
	/** What the trigger knew before (absent for creations). */
	previous?: OuFacts;
}

/**
 * The OU events between the stored OUs and this poll's: `current` holds every OU this poll
 * established as existing, `deleted` the stored OUs confirmed gone; stored OUs in neither are
 * kept as they were (see nextOus), so nothing is invented.
 */
export function diffOus(
	previous: ReadonlyMap<string, OuFacts>,
	current: ReadonlyMap<string, OuFacts>,
	deleted: Iterable<string>,
): OuChange[] {
	const changes: OuChange[] = [];
	for (const [id, now] of current) {
		const before = previous.get(id);
		if (!before) {
			changes.push({ event: 'ouCreated', id, current: now });
			continue;
		}
		if (before.name !== now.name)
			changes.push({ event: 'ouRenamed', id, current: now, previous: before });
		if (before.parentId !== now.parentId)
			changes.push({ event: 'ouMoved', id, current: now, previous: before });
	}
	for (const id of deleted) {
		const before = previous.get(id);
		if (before) changes.push({ event: 'ouDeleted', id, previous: before });
	}
	return changes;
}

export function nextOus(
	previous: ReadonlyMap<string, OuFacts>,
	current: ReadonlyMap<string, OuFacts>,
	deleted: ReadonlySet<string>,
): OuFacts[] {
	const result = [...current.values()];
	for (const [id, before] of previous)
		if (!current.has(id) && !deleted.has(id)) result.push(before);
	return result;
}
