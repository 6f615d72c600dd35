import type { IDataObject } from 'n8n-workflow';

import type { OperationSpec } from '../../nodes/AlibabaIdaas/catalog';
import type { IdaasClient } from '../../nodes/AlibabaIdaas/request/client';
import type { Memberships } from '../../nodes/AlibabaIdaasTrigger/groups/state';
import { StateFormatError } from '../../nodes/AlibabaIdaasTrigger/shared/codec';
import {
	diffGroups,
	nextGroups,
	packGroups,
	unpackGroups,
} from '../../nodes/AlibabaIdaasTrigger/groups/state';
import { readGroups } from '../../nodes/AlibabaIdaasTrigger/groups/walk';

/**
 * The membership family compares group by group: a group whose listing shows exactly its stored
 * members keeps the stored list (no second copy of it is held), and only a changed group's
 * members are kept. The client is a stand-in that lists what the test says; the poll against the
 * emulator is in families.test.ts and randomized-families.test.ts.
 */

type Listings = Record<string, string[]>;

/** A client whose list operations answer from `groups` (group ID to member IDs), one page each. */
function listingClient(groups: Listings, memberOf: Listings = {}): IdaasClient {
	const pageOf = (op: OperationSpec, values: Record<string, unknown>): IDataObject[] => {
		switch (op.apiName) {
			case 'ListGroups':
				return Object.keys(groups).map((groupId) => ({ groupId, groupName: `Name ${groupId}` }));
			case 'ListUsersForGroup':
				return (groups[String(values.groupId)] ?? []).map((userId) => ({ userId }));
			case 'ListGroupsForUser':
				return (memberOf[String(values.userId)] ?? []).map((groupId) => ({ groupId }));
			default:
				throw new Error(`unexpected ${op.apiName}`);
		}
	};
	return {
		prepare: (op: OperationSpec, values: Record<string, unknown>) => ({ op, values }),
		async *pages(request: { op: OperationSpec; values: Record<string, unknown> }) {
			yield pageOf(request.op, request.values);
		},
		call: async () => await Promise.reject(new Error('no look-up expected')),
	} as unknown as IdaasClient;
}

const budget = { check: () => {} };

describe('membership family, group by group', () => {
	const stored: Memberships = new Map([
		['group_a', ['user_x', 'user_y']],
		['group_b', ['user_x']],
		['group_c', ['user_y', 'user_z']],
	]);

	it('keeps the stored list of a group whose members did not change, and reports only the changed groups', async () => {
		const read = await readGroups(
			listingClient(
				{
					group_b: ['user_x', 'user_w'],
					// The same members in another order: unchanged.
					group_a: ['user_y', 'user_x'],
					// user_z not listed, and confirmed a member still (a page shifted under the walk).
					group_c: ['user_y'],
				},
				{ user_z: ['group_c'] },
			),
			stored,
			budget,
			{ invalidIds: 0 },
		);
		expect(read.current.get('group_a')).toBe(stored.get('group_a'));
		expect(read.current.get('group_b')).not.toBe(stored.get('group_b'));
		expect([...(read.current.get('group_b') ?? [])].sort()).toEqual(['user_w', 'user_x']);
		expect([...(read.current.get('group_c') ?? [])].sort()).toEqual(['user_y', 'user_z']);
		// Groups in the order they were read, whatever came out changed.
		expect([...read.current.keys()]).toEqual(['group_b', 'group_a', 'group_c']);
		expect(diffGroups(stored, read)).toEqual([
			{ event: 'memberAdded', groupId: 'group_b', userId: 'user_w' },
		]);
	});

	it('packs the next state the same as the memberships written out in full', async () => {
		const read = await readGroups(
			listingClient({
				group_a: ['user_y', 'user_x'],
				group_b: ['user_x', 'user_w'],
				group_c: ['user_z', 'user_y'],
			}),
			unpackGroups(packGroups(stored)),
			budget,
			{ invalidIds: 0 },
		);
		const next = nextGroups(unpackGroups(packGroups(stored)), read);
		expect(packGroups(next)).toEqual(
			packGroups(
				new Map([
					['group_a', ['user_x', 'user_y']],
					['group_b', ['user_w', 'user_x']],
					['group_c', ['user_y', 'user_z']],
				]),
			),
		);
	});

	it('reads only the form packGroups writes, so the state reader need not pack it again', () => {
		const packed = packGroups(stored);
		expect(unpackGroups(packed)).toEqual(
			new Map([
				['group_a', ['user_x', 'user_y']],
				['group_b', ['user_x']],
				['group_c', ['user_y', 'user_z']],
			]),
		);
		const refused = (change: Partial<typeof packed>, detail: string) =>
			expect(() => unpackGroups({ ...packed, ...change })).toThrow(new StateFormatError(detail));
		const records = packed.groups.split(' ');
		const entries = packed.members.split(' ');
		// Groups out of ID order, or one twice.
		refused(
			{ groups: [records[1], records[0], records[2]].join(' ') },
			'groups out of order or stored twice',
		);
		refused(
			{ groups: [records[0], records[0], records[2]].join(' '), count: 4 },
			'groups out of order or stored twice',
		);
		// The dictionary in another order than first use (same memberships otherwise).
		const swapped = [entries[1], entries[0], entries[2]].join(' ');
		refused({ members: swapped }, 'members not in the order they were first stored');
		// An entry no group uses.
		const spare = packGroups(new Map([['group_d', ['user_v']]])).members;
		refused({ members: `${packed.members} ${spare}` }, 'a member no group has');
	});
});
