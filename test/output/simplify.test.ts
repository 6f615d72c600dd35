import {
	GROUP_NAME_NOTE,
	isoTime,
	simplify,
	simplifyGroup,
	simplifyOrganizationalUnit,
	simplifyUser,
} from '../../nodes/AlibabaIdaas/output/simplify';

/** The compact output shapes: who, where and state; absent stays absent; times as ISO 8601 UTC. */

const T = 1_700_000_000_000;
const ISO = '2023-11-14T22:13:20.000Z';

describe('isoTime', () => {
	test('reads epoch milliseconds as a number or as digits, and a written date', () => {
		expect(isoTime(T)).toBe(ISO);
		expect(isoTime(String(T))).toBe(ISO);
		expect(isoTime('2023-11-14T23:13:20+01:00')).toBe(ISO);
		expect(isoTime(1)).toBe('1970-01-01T00:00:00.001Z');
	});

	test('gives nothing for what is not a time', () => {
		for (const value of [0, -5, NaN, Infinity, '', 'soon', '12a', null, undefined, true, {}, [T]]) {
			expect(isoTime(value)).toBeUndefined();
		}
	});
});

describe('simplifyUser', () => {
	test('keeps who, where and state; membership IDs from the membership objects; times as ISO', () => {
		const user = {
			instanceId: 'idaas_x',
			userId: 'user_1',
			username: 'alice',
			displayName: 'Alice',
			email: 'alice@example.com',
			emailVerified: true,
			phoneRegion: '86',
			phoneNumber: '13800000000',
			status: 'enabled',
			userExternalId: 'ext-1',
			userSourceType: 'build_in',
			primaryOrganizationalUnitId: 'ou_1',
			organizationalUnits: [{ organizationalUnitId: 'ou_1', primary: true }, { organizationalUnitId: 'ou_2' }, { other: 'x' }, null],
			groups: [{ groupId: 'group_1' }, { groupId: 7 }],
			createTime: T,
			updateTime: String(T + 1000),
		};
		expect(simplifyUser(user)).toEqual({
			userId: 'user_1',
			username: 'alice',
			displayName: 'Alice',
			email: 'alice@example.com',
			phoneRegion: '86',
			phoneNumber: '13800000000',
			status: 'enabled',
			userExternalId: 'ext-1',
			primaryOrganizationalUnitId: 'ou_1',
			organizationalUnitIds: ['ou_1', 'ou_2'],
			groupIds: ['group_1'],
			createTime: ISO,
			updateTime: '2023-11-14T22:13:21.000Z',
		});
	});

	test('leaves out fields the record does not have, or has blank, and bad times', () => {
		// Absent means no key at all (not a key holding undefined): the item shows only what the record had.
		expect(Object.keys(simplifyUser({ userId: 'user_1', email: '', phoneNumber: null, displayName: undefined, createTime: 0, updateTime: 'never' }))).toEqual([
			'userId',
		]);
		// Memberships given as something other than a list are not guessed at; an empty list is kept.
		expect(simplifyUser({ userId: 'user_1', organizationalUnits: 'ou_1', groups: [] })).toStrictEqual({ userId: 'user_1', groupIds: [] });
		// Falsy but real values stay.
		expect(simplifyUser({ userId: 'user_1', phoneRegion: 0, status: false })).toEqual({ userId: 'user_1', phoneRegion: 0, status: false });
	});
});

describe('simplifyOrganizationalUnit', () => {
	test('keeps ID, name, parent, external ID, description and times', () => {
		expect(
			simplifyOrganizationalUnit({
				instanceId: 'idaas_x',
				organizationalUnitId: 'ou_2',
				organizationalUnitName: 'Sales',
				parentId: 'ou_1',
				organizationalUnitExternalId: 'e2',
				organizationalUnitSourceType: 'build_in',
				description: 'EMEA',
				leaf: false,
				createTime: T,
				updateTime: T,
			}),
		).toEqual({
			organizationalUnitId: 'ou_2',
			organizationalUnitName: 'Sales',
			parentId: 'ou_1',
			organizationalUnitExternalId: 'e2',
			description: 'EMEA',
			createTime: ISO,
			updateTime: ISO,
		});
	});
});

describe('simplifyGroup', () => {
	test('keeps ID, name, external ID, description and times', () => {
		expect(simplifyGroup({ groupId: 'group_1', groupName: 'Admins', groupExternalId: 'g', description: 'd', instanceId: 'x', createTime: T })).toEqual({
			groupId: 'group_1',
			groupName: 'Admins',
			groupExternalId: 'g',
			description: 'd',
			createTime: ISO,
		});
	});

	test('a group without its name says how to get it; one with neither ID nor name says nothing', () => {
		expect(simplifyGroup({ groupId: 'group_1' })).toEqual({ groupId: 'group_1', groupNameNote: GROUP_NAME_NOTE });
		expect(GROUP_NAME_NOTE).toMatch(/Group → Get with this groupId returns the name/);
		expect(simplifyGroup({ groupId: 'group_1', groupName: '' })).toEqual({ groupId: 'group_1', groupNameNote: GROUP_NAME_NOTE });
		expect(simplifyGroup({})).toEqual({});
	});
});

describe('simplify', () => {
	test('picks the shape by subject', () => {
		const record = { userId: 'user_1', organizationalUnitId: 'ou_1', groupId: 'group_1', groupName: 'G' };
		expect(simplify('user', record)).toEqual({ userId: 'user_1' });
		expect(simplify('organizationalUnit', record)).toEqual({ organizationalUnitId: 'ou_1' });
		expect(simplify('group', record)).toEqual({ groupId: 'group_1', groupName: 'G' });
	});
});
