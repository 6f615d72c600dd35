import {
	ALL_EVENTS,
	BOOLEAN_FIELDS,
	HASHED_FIELDS,
	type Fingerprint,
	type Observed,
	diff,
	slotHash,
	fingerprint,
	nextState,
	packUsers,
	unpackUsers,
} from '../../nodes/AlibabaIdaasTrigger/snapshot';
import { hash32 } from '../../nodes/AlibabaIdaasTrigger/codec';
import { createRandom } from '../support/random';

function user(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		userId: id,
		username: `name-${id}`,
		displayName: `Display ${id}`,
		email: `${id}@example.com`,
		emailVerified: true,
		phoneNumberVerified: false,
		passwordSet: true,
		status: 'enabled',
		updateTime: 1_700_000_000_000,
		createTime: 1_700_000_000_000,
		...extra,
	};
}

function observed(record: Record<string, unknown>, ou?: string): Observed {
	return { user: record, fp: fingerprint(record, ou) };
}

const REAL_ID = 'user_d6sbsuumeta4h66ec3il7yxxxx';

describe('hashing', () => {
	it('is deterministic and spreads', () => {
		expect(hash32('abc')).toBe(hash32('abc'));
		expect(hash32('abc')).not.toBe(hash32('abd'));
		const buckets = new Set<number>();
		for (let i = 0; i < 2000; i++) buckets.add(slotHash(1, { displayName: `name ${i}` }));
		expect(buckets.size).toBe(92);
	});

	it('treats absent, null and empty alike, and distinguishes types', () => {
		expect(slotHash(2, { email: undefined })).toBe(slotHash(2, { email: null }));
		expect(slotHash(2, { email: '' })).toBe(slotHash(2, {}));
		expect(slotHash(6, { accountExpireTime: 5 })).not.toBe(slotHash(6, { accountExpireTime: '5' }));
		const a = fingerprint(user('user_a'));
		expect(fingerprint({ ...user('user_a') }).hashes).toEqual(a.hashes);
	});
});

describe('pack / unpack', () => {
	it('round-trips every ID shape, flag and OU', () => {
		const ids = [
			REAL_ID,
			'user_0',
			'user_00',
			'user_000',
			'user_0000',
			'user_00000',
			'user_000000000',
			'user_zzzz',
			'user_zzzzz',
			'user_abcdefghijklmnopqrstuvwxyz0123456789',
			'user_MixedCase-1',
			'user_under_score',
			'user_',
		];
		const fps: Fingerprint[] = ids.map((id, i) =>
			fingerprint(
				user(id, {
					status: i % 2 ? 'disabled' : 'enabled',
					emailVerified: i % 3 === 0,
					passwordSet: i % 5 === 0,
					phoneNumberVerified: i % 7 === 0,
				}),
				i % 4 === 0 ? undefined : `ou_${i % 3}`,
			),
		);
		const state = packUsers(fps);
		expect(state.count).toBe(ids.length);
		const back = unpackUsers(JSON.parse(JSON.stringify(state)));
		expect([...back.keys()]).toEqual([...ids].sort());
		for (const fp of fps) expect(back.get(fp.userId)).toEqual(fp);
	});

	it('stores the real ID shape in under 40 bytes of JSON per user', () => {
		const random = createRandom(7);
		const chars = '0123456789abcdefghijklmnopqrstuvwxyz';
		const fps: Fingerprint[] = [];
		for (let i = 0; i < 5000; i++) {
			let id = 'user_';
			for (let c = 0; c < 26; c++) id += chars[random.int(0, 35)];
			fps.push(fingerprint(user(id, { displayName: `n${i}` }), `ou_wovwffm62xifdziem7an7${String(i % 300).padStart(5, '0')}`));
		}
		const bytes = JSON.stringify({ node: packUsers(fps) }).length;
		expect(bytes / fps.length).toBeLessThan(40);
		expect(unpackUsers(packUsers(fps)).size).toBe(5000);
	});

	it('widens OU indexes past 91 OUs and round-trips them', () => {
		const fps = Array.from({ length: 9000 }, (_, i) => fingerprint(user(`user_${i.toString(36)}`), `ou_${i}`));
		const state = packUsers(fps);
		expect(state.ouWidth).toBe(3);
		const back = unpackUsers(state);
		expect(back.get('user_' + (8999).toString(36))?.ou).toBe('ou_8999');
	});

	it('holds only JSON without escapes', () => {
		const state = packUsers([fingerprint(user(REAL_ID), 'ou_1')]);
		expect(JSON.stringify(state.records)).toBe(`"${state.records}"`);
	});

	it('refuses a damaged section instead of decoding it as something else', () => {
		const state = packUsers([fingerprint(user(REAL_ID), 'ou_1')]);
		expect(() => unpackUsers({ ...state, records: 'x' })).toThrow(/not one this version wrote/);
		expect(() => unpackUsers({ ...state, ouWidth: 0 })).toThrow(/OU width/);
		expect(() => unpackUsers({ ...state, count: 2 })).toThrow(/count/);
		expect(() => unpackUsers({ ...state, records: state.records.slice(0, -3) })).toThrow(/not one this version wrote/);
		expect(unpackUsers({ ...state, records: '', count: 0 }).size).toBe(0);
	});
});

describe('diff', () => {
	const base = user(REAL_ID);
	const previous = new Map([[REAL_ID, fingerprint(base, 'ou_a')]]);

	it('reports nothing when nothing changed', () => {
		expect(diff(previous, new Map([[REAL_ID, observed(base, 'ou_a')]]), [])).toEqual([]);
	});

	it('reports created and confirmed deletions only', () => {
		const fresh = user('user_new');
		const events = diff(previous, new Map([['user_new', observed(fresh, 'ou_b')]]), [REAL_ID]);
		expect(events).toEqual([
			{ event: 'created', userId: 'user_new', user: fresh },
			{ event: 'deleted', userId: REAL_ID, previous: { status: 'enabled', primaryOrganizationalUnitId: 'ou_a' } },
		]);
		// Not listed, not confirmed deleted: no event, and the state keeps it.
		expect(diff(previous, new Map(), [])).toEqual([]);
		expect(nextState(previous, new Map(), new Set()).map((fp) => fp.userId)).toEqual([REAL_ID]);
	});

	it('names changed fields, with old values where known', () => {
		const changed = { ...base, displayName: 'Other', emailVerified: false, updateTime: 1 };
		const events = diff(previous, new Map([[REAL_ID, observed(changed, 'ou_a')]]), []);
		expect(events).toEqual([
			{
				event: 'updated',
				userId: REAL_ID,
				user: changed,
				changes: [
					{ field: 'emailVerified', old: true, new: false, oldKnown: true },
					{ field: 'displayName', new: 'Other', oldKnown: false },
				],
			},
		]);
	});

	it('reports every field of a shared slot', () => {
		const changed = { ...base, userExternalId: 'ext-2' };
		const [event] = diff(previous, new Map([[REAL_ID, observed(changed, 'ou_a')]]), []);
		expect(event.changes?.map((c) => c.field)).toEqual(['userExternalId', 'userSourceType', 'userSourceId']);
	});

	it('reports an updateTime-only change as an update of unseen fields', () => {
		const changed = { ...base, updateTime: 2 };
		const [event] = diff(previous, new Map([[REAL_ID, observed(changed, 'ou_a')]]), []);
		expect(event.changes).toEqual([{ field: 'updateTime', new: 2, oldKnown: false }]);
	});

	it('reports status and moves as their own events', () => {
		const changed = { ...base, status: 'disabled' };
		const events = diff(previous, new Map([[REAL_ID, observed(changed, 'ou_b')]]), []);
		expect(events.map((e) => e.event)).toEqual(['disabled', 'moved']);
		expect(events[0].previousStatus).toBe('enabled');
		expect(events[1]).toMatchObject({ from: 'ou_a', to: 'ou_b' });
	});

	it('does not report a move when the old or new OU is unknown, and keeps the known OU', () => {
		expect(diff(previous, new Map([[REAL_ID, observed(base)]]), [])).toEqual([]);
		const next = nextState(previous, new Map([[REAL_ID, observed(base)]]), new Set());
		expect(next[0].ou).toBe('ou_a');
	});

	it('covers every event name and field list', () => {
		expect(ALL_EVENTS).toHaveLength(6);
		expect(HASHED_FIELDS.length + BOOLEAN_FIELDS.length).toBe(14);
	});
});
