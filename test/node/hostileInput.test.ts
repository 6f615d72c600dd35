import { simplify } from '../../nodes/AlibabaIdaas/output/simplify';

/**
 * Odd values the API or a user may hand the node: each must give a clear result, never a crash
 * and never a check quietly skipped.
 */

describe('times beyond what a JavaScript Date holds', () => {
	// Java's Long.MAX_VALUE, a common "never"; as JSON number and as digits.
	const NEVER = Number('9223372036854775807');

	test.each([NEVER, '9223372036854775807', 9.22e18])('simplify passes %p through as sent', (value) => {
		const user = simplify('user', { userId: 'user_1', createTime: value, updateTime: 1764590400000 });
		expect(user).toEqual({ userId: 'user_1', createTime: value, updateTime: '2025-12-01T12:00:00.000Z' });
		expect(simplify('group', { groupId: 'group_1', groupName: 'G', updateTime: value })).toMatchObject({ updateTime: value });
	});
});
