import { totalCountOf } from '../../nodes/AlibabaIdaas/transport/paging';

test('only a stated number is a list total; null, empty and junk mean "not stated" (not 0, which would end a walk after page 1)', () => {
	expect(totalCountOf({ totalCount: 250 })).toBe(250);
	expect(totalCountOf({ totalCount: 0 })).toBe(0);
	expect(totalCountOf({ totalCount: '250' })).toBe(250);
	expect(totalCountOf({ totalCount: null })).toBeUndefined();
	expect(totalCountOf({ totalCount: '' })).toBeUndefined();
	expect(totalCountOf({ totalCount: 'many' })).toBeUndefined();
	expect(totalCountOf({ totalCount: Number.NaN })).toBeUndefined();
	expect(totalCountOf({})).toBeUndefined();
});
