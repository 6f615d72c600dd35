import { GROUP_NAME_NOTE, simplify, simplifyGroup } from '../../nodes/AlibabaIdaas/output/simplify';

/** The IDaaS node's simplified output: the shared shapes (shapes.test.ts), and what only this node adds. */

const T = 1_700_000_000_000;
const ISO = '2023-11-14T22:13:20.000Z';

describe('simplifyGroup', () => {
	test('keeps ID, name, external ID, description and times', () => {
		expect(
			simplifyGroup({
				groupId: 'group_1',
				groupName: 'Admins',
				groupExternalId: 'g',
				description: 'd',
				instanceId: 'x',
				createTime: T,
			}),
		).toEqual({
			groupId: 'group_1',
			groupName: 'Admins',
			groupExternalId: 'g',
			description: 'd',
			createTime: ISO,
		});
	});

	test('a group without its name says how to get it; one with neither ID nor name says nothing', () => {
		expect(simplifyGroup({ groupId: 'group_1' })).toEqual({
			groupId: 'group_1',
			groupNameNote: GROUP_NAME_NOTE,
		});
		expect(GROUP_NAME_NOTE).toMatch(/Group → Get with this groupId returns the name/);
		expect(simplifyGroup({ groupId: 'group_1', groupName: '' })).toEqual({
			groupId: 'group_1',
			groupName: '',
			groupNameNote: GROUP_NAME_NOTE,
		});
		expect(simplifyGroup({})).toEqual({});
	});
});

describe('simplify', () => {
	test('picks the shape by subject', () => {
		const record = {
			userId: 'user_1',
			organizationalUnitId: 'ou_1',
			groupId: 'group_1',
			groupName: 'G',
		};
		expect(simplify('user', record)).toEqual({ userId: 'user_1' });
		expect(simplify('organizationalUnit', record)).toEqual({ organizationalUnitId: 'ou_1' });
		expect(simplify('group', record)).toEqual({ groupId: 'group_1', groupName: 'G' });
	});
});
