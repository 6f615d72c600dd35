import { ALPHABET, hash32 } from '../../nodes/AlibabaIdaasTrigger/shared/codec';
import { ALL_EVENTS, diff } from '../../nodes/AlibabaIdaasTrigger/users/diff';
import {
	BOOLEAN_FIELDS,
	HASHED_FIELDS,
	type Fingerprint,
	slotHash,
	stampHash,
	userMark,
} from '../../nodes/AlibabaIdaasTrigger/users/state';
import { type StoredUsers, unpackUsers } from '../../nodes/AlibabaIdaasTrigger/users/stored';
import {
	fingerprint,
	packUsers,
	tableOf,
	UserTable,
} from '../../nodes/AlibabaIdaasTrigger/users/table';
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

/** Stored users, as a poll reads them from its state. */
function stored(fingerprints: Fingerprint[]): StoredUsers {
	return unpackUsers(packUsers(tableOf(fingerprints)));
}

/** What a poll hands the diff: the users it saw (in a table over the stored ones) and their records. */
function seen(
	previous: StoredUsers,
	...users: Array<[Record<string, unknown>, string | undefined]>
) {
	const current = new UserTable(previous);
	const records = new Map<string, Record<string, unknown>>();
	for (const [record, ou] of users) {
		current.note(String(record.userId), userMark(record, current.ouNumber(ou)));
		records.set(String(record.userId), record);
	}
	return { current, records };
}

/** The users in a table, in ID order. */
function idsOf(table: UserTable): string[] {
	return unpackUsers(packUsers(table)).ids();
}

function events(
	previous: StoredUsers,
	users: Array<[Record<string, unknown>, string | undefined]>,
	deleted: string[] = [],
) {
	const { current, records } = seen(previous, ...users);
	return diff(previous, current, records, deleted);
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

describe('the fingerprint, as stored', () => {
	// Hashes are part of the state format: a poll compares the marks it makes with those an earlier poll (or an
	// earlier version) stored, so a hash computed differently would report every user as updated after an upgrade.
	// The values were computed once and are pinned.
	it('hashes each type of value, and each slot, to the values stored states hold', () => {
		expect(slotHash(0, { username: 'jane.doe' })).toBe(59);
		expect(slotHash(6, { accountExpireTime: 1_700_000_000_000 })).toBe(4);
		expect(slotHash(8, { description: true })).toBe(42);
		expect(slotHash(8, { description: { a: 1 } })).toBe(8);
		expect(
			slotHash(5, { userExternalId: 'ext-1', userSourceType: 'ad', userSourceId: 'src' }),
		).toBe(41);
		expect(slotHash(5, { userExternalId: 'ext-1' })).toBe(74);
		expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((slot) => slotHash(slot, {}))).toEqual([
			79, 28, 63, 44, 41, 67, 36, 56, 39,
		]);
		expect(stampHash(1_700_000_000_000)).toBe(553388);
		expect(stampHash('2023-11-14')).toBe(29574);
	});

	// Written out, not taken from HASHED_FIELDS: the list is what the test checks.
	it.each([
		'username',
		'displayName',
		'email',
		'phoneRegion',
		'phoneNumber',
		'userExternalId',
		'accountExpireTime',
		'lockExpireTime',
		'description',
	])('names a change of %s alone', (field) => {
		const before = user(REAL_ID, { [field]: 'before' });
		const after = { ...before, [field]: 'after' };
		const [event] = events(stored([fingerprint(before, 'ou_a')]), [[after, 'ou_a']]);
		expect(event.changes?.map((c) => c.field)).toContain(field);
	});

	it('keeps the whole updateTime stamp (three characters, not only the last)', () => {
		expect(stampHash(1_700_000_000_000)).toBeGreaterThan(92 * 92);
		expect(fingerprint(user(REAL_ID)).stamp).toBe(stampHash(1_700_000_000_000));
	});

	it("reads a flag sent as the text 'true', and a blank OU as not known", () => {
		const fp = fingerprint(
			user(REAL_ID, { passwordSet: 'true', phoneNumberVerified: 'false', emailVerified: '' }),
			'',
		);
		expect(fp.booleans).toEqual([true, false, false]);
		expect(fp.ou).toBeUndefined();
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
		const state = packUsers(tableOf(fps));
		expect(state.count).toBe(ids.length);
		const back = unpackUsers(JSON.parse(JSON.stringify(state)));
		expect(back.ids()).toEqual([...ids].sort());
		for (const fp of fps) expect(back.get(fp.userId)).toEqual(fp);
	});

	it('stores the real ID shape in under 40 bytes of JSON per user', () => {
		const random = createRandom(7);
		const chars = '0123456789abcdefghijklmnopqrstuvwxyz';
		const fps: Fingerprint[] = [];
		for (let i = 0; i < 5000; i++) {
			let id = 'user_';
			for (let c = 0; c < 26; c++) id += chars[random.int(0, 35)];
			fps.push(
				fingerprint(
					user(id, { displayName: `n${i}` }),
					`ou_wovwffm62xifdziem7an7${String(i % 300).padStart(5, '0')}`,
				),
			);
		}
		const bytes = JSON.stringify({ node: packUsers(tableOf(fps)) }).length;
		expect(bytes / fps.length).toBeLessThan(40);
		expect(unpackUsers(packUsers(tableOf(fps))).size).toBe(5000);
	});

	it('widens OU indexes past 91 OUs and round-trips them', () => {
		const fps = Array.from({ length: 9000 }, (_, i) =>
			fingerprint(user(`user_${i.toString(36)}`), `ou_${i}`),
		);
		const state = packUsers(tableOf(fps));
		expect(state.ouWidth).toBe(3);
		const back = unpackUsers(state);
		expect(back.get('user_' + (8999).toString(36))?.ou).toBe('ou_8999');
	});

	it('holds only JSON without escapes', () => {
		const state = packUsers(tableOf([fingerprint(user(REAL_ID), 'ou_1')]));
		expect(JSON.stringify(state.records)).toBe(`"${state.records}"`);
	});

	it('refuses a damaged section instead of decoding it as something else', () => {
		const state = packUsers(tableOf([fingerprint(user(REAL_ID), 'ou_1')]));
		expect(() => unpackUsers({ ...state, records: 'x' })).toThrow(/not one this version wrote/);
		expect(() => unpackUsers({ ...state, ouWidth: 0 })).toThrow(/OU width/);
		expect(() => unpackUsers({ ...state, count: 2 })).toThrow(/count/);
		expect(() => unpackUsers({ ...state, records: state.records.slice(0, -3) })).toThrow(
			/not one this version wrote/,
		);
		expect(unpackUsers({ ous: '', ouWidth: 1, records: '', count: 0 }).size).toBe(0);
		// What packUsers never writes: an OU no user has, users out of ID order or twice, OUs out of their order of first use.
		expect(() => unpackUsers({ ...state, records: '', count: 0 })).toThrow(/an OU no user has/);
		const two = packUsers(
			tableOf([fingerprint(user('user_a'), 'ou_1'), fingerprint(user('user_b'), 'ou_2')]),
		);
		const [first, second] = two.records.split(' ');
		const same = packUsers(
			tableOf([fingerprint(user('user_a'), 'ou_1'), fingerprint(user('user_b'), 'ou_1')]),
		);
		const [a, b] = same.records.split(' ');
		expect(() => unpackUsers({ ...same, records: `${b} ${a}` })).toThrow(
			/out of order or stored twice/,
		);
		expect(() => unpackUsers({ ...same, records: `${a} ${a}` })).toThrow(
			/out of order or stored twice/,
		);
		expect(() => unpackUsers({ ...two, ous: 'ou_2 ou_1' })).not.toThrow();
		const swapped = `${first[0]}${second[1]}${first.slice(2)} ${second[0]}${first[1]}${second.slice(2)}`;
		expect(() => unpackUsers({ ...two, records: swapped })).toThrow(/bad OU index/);
		expect(() =>
			unpackUsers({ ...two, records: `${first} ${second[0]}%${second.slice(2)}` }),
		).toThrow(/bad OU index/);
		// An index within the OUs used so far plus one, but past the list.
		expect(() => unpackUsers({ ...two, ous: 'ou_1' })).toThrow(/bad OU index/);
		// The OU list itself: each an OU ID, none twice.
		expect(() => unpackUsers({ ...two, ous: 'ou_1 ou_1' })).toThrow(/bad OU list/);
		expect(() => unpackUsers({ ...two, ous: 'ou_1 nope' })).toThrow(/bad OU list/);
		// A character outside the alphabet in the stamp or a hash, where any character of it is a value.
		for (const at of [2, 4, 13])
			expect(() =>
				unpackUsers({
					...two,
					records: `${first} ${second.slice(0, at)}\u00e9${second.slice(at + 1)}`,
				}),
			).toThrow(/bad character/);
		// A record shorter than its fixed part, and flags past the three ID codings (16 values each).
		expect(() => unpackUsers({ ...two, records: `${first} ${second.slice(0, 5)}` })).toThrow(
			/short record/,
		);
		expect(() =>
			unpackUsers({ ...two, records: `${first} ${ALPHABET[48]}${second.slice(1)}` }),
		).toThrow(/bad flags/);
		expect(() =>
			unpackUsers({ ...two, records: `${first} ${ALPHABET[47]}${second.slice(1)}` }),
		).not.toThrow(/bad flags/);
	});
});

describe('the stored users, indexed', () => {
	const random = createRandom(3);
	const chars = '0123456789abcdefghijklmnopqrstuvwxyz';
	const ids = new Set<string>();
	for (let i = 0; i < 1000; i++) {
		let id = 'user_';
		for (let c = random.int(1, 30); c > 0; c--) id += chars[random.int(0, 35)];
		ids.add(id);
	}
	// Raw IDs (not base 36), beside packed ones of every tail length.
	for (const id of ['user_A', 'user_a-b', 'user_x_y', 'user_', 'user_ZZZZZ']) ids.add(id);
	const fps = [...ids].map((id, i) => fingerprint(user(id), i % 7 ? `ou_${i % 5}` : undefined));
	const users = stored(fps);

	it('finds every stored user, and no other', () => {
		expect(users.size).toBe(fps.length);
		for (const fp of fps) {
			expect(users.get(fp.userId)).toEqual(fp);
			expect(users.has(fp.userId)).toBe(true);
		}
		for (const id of ['user_nope', 'user_a-c', 'user_Z', 'ou_1', 'user', '', 'xuser_A']) {
			expect(users.get(id)).toBeUndefined();
			expect(users.has(id)).toBe(false);
		}
		// The same packed characters under another coding, or one character more or less.
		const some = [...ids].find((id) => id.length > 10) as string;
		expect(users.has(some.slice(0, -1))).toBe(ids.has(some.slice(0, -1)));
		expect(users.has(`${some}0`)).toBe(ids.has(`${some}0`));
		const upper = `user_${some.slice(5).toUpperCase()}`;
		expect(users.has(upper)).toBe(ids.has(upper));
		expect(stored([]).get(some)).toBeUndefined();
	});

	it('tells an ID from its near misses, even when they probe its record', () => {
		// One user in two slots: half of all look-ups probe its record and must compare it.
		for (const id of ['user_a-b', 'user_abcdefg', 'user_A', 'user_v']) {
			const one = stored([fingerprint(user(id), 'ou_1')]);
			const tail = id.slice(5);
			const misses = [
				`${id}0`,
				`${id}-`,
				id.slice(0, -1),
				`${id.slice(0, -1)}z`,
				`${id.slice(0, -1)}Z`,
				`user_${tail.toUpperCase()}`,
				`user_${tail.toLowerCase()}`,
				`resu_${tail}`,
				`USER_${tail}`,
				'user_v',
				'user_A',
				// 'user_v' packs to the one character 'A': stored alike, coded differently.
				...Array.from({ length: 40 }, (_, i) => `${id}${i.toString(36)}${i}`),
				...Array.from({ length: 40 }, (_, i) => `user_${i.toString(36)}`),
			].filter((miss) => miss !== id);
			for (const miss of misses) expect([miss, one.has(miss)]).toEqual([miss, false]);
			expect(one.has(id)).toBe(true);
		}
	});

	it('ranks IDs among the stored ones, in UTF-16 order', () => {
		const sorted = [...ids].sort();
		expect(users.ids()).toEqual(sorted);
		for (const probe of ['user_', 'user_0', 'user_5', 'user_zzzzzzzzzz', 'user_B', 'zz', 'a']) {
			expect(users.rank(probe)).toBe(sorted.filter((id) => id < probe).length);
		}
		expect(users.rank(sorted[100])).toBe(100);
	});
});

describe('a poll table over stored users', () => {
	/** Random users, their records and OUs; some OUs past 91 to widen the OU index. */
	function directory(random: ReturnType<typeof createRandom>, size: number, ous: number) {
		const chars = '0123456789abcdefghijklmnopqrstuvwxyz_';
		const users = new Map<string, [Record<string, unknown>, string | undefined]>();
		while (users.size < size) {
			let id = 'user_';
			for (let c = random.int(1, 8); c > 0; c--) id += chars[random.int(0, chars.length - 1)];
			users.set(id, [
				user(id, {
					displayName: `d${random.int(0, 3)}`,
					status: random.pick(['enabled', 'disabled']),
				}),
				random.chance(0.1) ? undefined : `ou_${random.int(1, ous)}`,
			]);
		}
		return users;
	}

	it('packs exactly what a table of the same users packs on its own, whatever the poll saw', () => {
		const random = createRandom(11);
		for (let round = 0; round < 60; round++) {
			const ous = random.pick([1, 3, 40, 95]);
			// Near 91 OUs in use, the OU index widens or narrows as users move or leave.
			const before = directory(random, ous === 95 ? random.int(80, 200) : random.int(0, 60), ous);
			const previous = stored([...before.values()].map(([record, ou]) => fingerprint(record, ou)));
			const current = new UserTable(previous);
			const after = new Map<string, Fingerprint>();
			const deleted = new Set<string>();
			const sightings: Array<[Record<string, unknown>, string | undefined]> = [];
			for (const [id, [record, ou]] of before) {
				const action = random.int(0, 5);
				if (action === 0) {
					// Not seen: kept as stored.
					after.set(id, fingerprint(record, ou));
				} else if (action === 1) {
					deleted.add(id);
				} else {
					const changed =
						action === 2 ? record : { ...record, displayName: `e${random.int(0, 3)}` };
					// Seen under its OU, another (some new), or none (the stored OU stays).
					const seenOu =
						action === 5 ? undefined : random.chance(0.5) ? ou : `ou_${random.int(1, ous + 5)}`;
					sightings.push([changed, seenOu]);
					after.set(id, fingerprint(changed, seenOu ?? ou));
				}
			}
			for (const [id, [record, ou]] of directory(random, random.int(0, 10), ous + 5)) {
				if (before.has(id)) continue;
				sightings.push([record, ou]);
				after.set(id, fingerprint(record, ou));
			}
			for (let i = sightings.length - 1; i > 0; i--) {
				const j = random.int(0, i);
				[sightings[i], sightings[j]] = [sightings[j], sightings[i]];
			}
			for (const [record, ou] of sightings)
				current.note(String(record.userId), userMark(record, current.ouNumber(ou)));
			current.complete(deleted);
			const packed = packUsers(current);
			expect(packed).toEqual(packUsers(tableOf(after.values())));
			for (const [id, fp] of after) {
				expect(current.get(id)).toEqual(fp);
				expect(current.has(id)).toBe(true);
			}
			for (const id of deleted) expect(current.has(id)).toBe(false);
			// Written back as read.
			expect(unpackUsers(packed).packed()).toEqual(packed);
		}
	});

	it('packs the OU index wider or narrower when the OUs in use cross 91, copying what it can', () => {
		const ids = Array.from({ length: 92 }, (_, i) => `user_${(1000 + i).toString(36)}`);
		const fps = ids.map((id, i) => fingerprint(user(id), `ou_${i}`));
		// 91 OUs (one character), then a user in a 92nd: two characters, every record rewritten.
		const narrow = stored(fps.slice(0, 91));
		expect(narrow.ouWidth).toBe(1);
		const wider = new UserTable(narrow);
		wider.set(fps[91]);
		wider.complete(new Set());
		expect(packUsers(wider)).toEqual(packUsers(tableOf(fps)));
		// And back: the only user of an OU leaves.
		const wide = stored(fps);
		const narrower = new UserTable(wide);
		narrower.complete(new Set([ids[0]]));
		expect(packUsers(narrower)).toEqual(packUsers(tableOf(fps.slice(1))));
		expect(packUsers(narrower).ouWidth).toBe(1);
	});

	it('keeps a user seen and also listed as deleted, as completing the table always did', () => {
		const a = user('user_a');
		const previous = stored([fingerprint(a, 'ou_1'), fingerprint(user('user_b'), 'ou_1')]);
		const current = new UserTable(previous);
		current.note('user_a', userMark(a, current.ouNumber('ou_1')));
		current.complete(new Set(['user_a', 'user_b']));
		expect(unpackUsers(packUsers(current)).ids()).toEqual(['user_a']);
		expect(current.ouNumber('')).toBe(0);
		expect(current.ouNumber(undefined)).toBe(0);
	});

	it('holds a mark only for users new or changed, and forgets a user in doubt', () => {
		const a = user('user_a');
		const previous = stored([fingerprint(a, 'ou_1'), fingerprint(user('user_b'), 'ou_1')]);
		const current = new UserTable(previous);
		expect(current.note('user_a', userMark(a, current.ouNumber('ou_1')))).toBe(false);
		expect(current.fresh.size).toBe(0);
		expect(current.ouNumberOf('user_a')).toBe(1);
		expect(current.ouNumberOf('user_b')).toBeUndefined();
		expect(current.unseenStored()).toEqual(['user_b']);
		expect(current.note('user_a', userMark(a, current.ouNumber('ou_2')))).toBe(true);
		expect(current.ouNumberOf('user_a')).toBe(2);
		expect(current.note('user_a', userMark(a, current.ouNumber('ou_1')))).toBe(false);
		expect(current.fresh.size).toBe(0);
		current.forget('user_a');
		expect(current.has('user_a')).toBe(false);
		expect(current.unseenStored()).toEqual(['user_a', 'user_b']);
		expect(current.note('user_c', userMark(user('user_c'), 0))).toBe(true);
		current.forget('user_c');
		expect(current.has('user_c')).toBe(false);
		// The second stored user too (record 1).
		const b = user('user_b');
		current.note('user_b', userMark(b, current.ouNumber('ou_1')));
		expect(current.ouNumberOf('user_b')).toBe(1);
		expect(current.get('user_b')).toEqual(fingerprint(b, 'ou_1'));
		current.forget('user_b');
		expect(current.has('user_b')).toBe(false);
		expect(current.get('user_b')).toBeUndefined();
		expect(current.get('user_a')).toBeUndefined();
	});

	it('reports a stored user where it was first noted, though it changed only when seen again', () => {
		const a = user('user_a');
		const previous = stored([fingerprint(a, 'ou_1')]);
		const current = new UserTable(previous);
		const records = new Map<string, Record<string, unknown>>();
		current.note('user_a', userMark(a, current.ouNumber('ou_1')));
		const c = user('user_c');
		current.note('user_c', userMark(c, current.ouNumber('ou_1')));
		records.set('user_c', c);
		const renamed = { ...a, displayName: 'Renamed' };
		current.note('user_a', userMark(renamed, current.ouNumber('ou_1')));
		records.set('user_a', renamed);
		expect(diff(previous, current, records, []).map((e) => e.userId)).toEqual(['user_a', 'user_c']);
		// Seen again, changed again, or new and seen again: each keeps its place.
		current.note('user_a', userMark({ ...renamed, email: 'x' }, current.ouNumber('ou_1')));
		current.note('user_c', userMark({ ...c, email: 'y' }, current.ouNumber('ou_1')));
		expect(diff(previous, current, records, []).map((e) => e.userId)).toEqual(['user_a', 'user_c']);
		// A new user seen again keeps its place before a stored user noted after it.
		const later = new UserTable(previous);
		later.note('user_c', userMark(c, later.ouNumber('ou_1')));
		later.note('user_a', userMark(renamed, later.ouNumber('ou_1')));
		later.note('user_c', userMark({ ...c, email: 'y' }, later.ouNumber('ou_1')));
		expect(diff(previous, later, records, []).map((e) => e.userId)).toEqual(['user_c', 'user_a']);
		// Forgotten and seen again: noted anew, last.
		current.forget('user_a');
		current.note('user_a', userMark(renamed, current.ouNumber('ou_1')));
		expect(diff(previous, current, records, []).map((e) => e.userId)).toEqual(['user_c', 'user_a']);
	});
});

describe('diff', () => {
	const base = user(REAL_ID);
	const previous = stored([fingerprint(base, 'ou_a')]);

	it('reports nothing when nothing changed', () => {
		expect(events(previous, [[base, 'ou_a']])).toEqual([]);
	});

	it('reports created and confirmed deletions only', () => {
		const fresh = user('user_new');
		expect(events(previous, [[fresh, 'ou_b']], [REAL_ID])).toEqual([
			{ event: 'created', userId: 'user_new', user: fresh },
			{
				event: 'deleted',
				userId: REAL_ID,
				previous: { status: 'enabled', primaryOrganizationalUnitId: 'ou_a' },
			},
		]);
		// Not listed, not confirmed deleted: no event, and the state keeps it.
		expect(events(previous, [])).toEqual([]);
		const { current } = seen(previous);
		current.complete(new Set());
		expect(idsOf(current)).toEqual([REAL_ID]);
		expect(current.get(REAL_ID)).toEqual(previous.get(REAL_ID));
	});

	it('names changed fields, with old values where known', () => {
		const changed = { ...base, displayName: 'Other', emailVerified: false, updateTime: 1 };
		expect(events(previous, [[changed, 'ou_a']])).toEqual([
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
		const [event] = events(previous, [[changed, 'ou_a']]);
		expect(event.changes?.map((c) => c.field)).toEqual([
			'userExternalId',
			'userSourceType',
			'userSourceId',
		]);
	});

	it('reports an updateTime-only change as an update of unseen fields', () => {
		const changed = { ...base, updateTime: 2 };
		const [event] = events(previous, [[changed, 'ou_a']]);
		expect(event.changes).toEqual([{ field: 'updateTime', new: 2, oldKnown: false }]);
	});

	it('reports status and moves as their own events', () => {
		const changed = { ...base, status: 'disabled' };
		const found = events(previous, [[changed, 'ou_b']]);
		expect(found.map((e) => e.event)).toEqual(['disabled', 'moved']);
		expect(found[0].previousStatus).toBe('enabled');
		expect(found[1]).toMatchObject({ from: 'ou_a', to: 'ou_b' });
	});

	it('does not report a move when the old or new OU is unknown, and keeps the known OU', () => {
		expect(events(previous, [[base, undefined]])).toEqual([]);
		const { current } = seen(previous, [base, undefined]);
		current.complete(new Set());
		expect(current.get(REAL_ID)?.ou).toBe('ou_a');
	});

	it('lists updateTime alone only when nothing else explains the new stamp', () => {
		const stamped = { ...base, updateTime: 3 };
		// A status change or a move carries its own stamp: no update beside it.
		expect(
			events(previous, [[{ ...stamped, status: 'disabled' }, 'ou_a']]).map((e) => e.event),
		).toEqual(['disabled']);
		expect(events(previous, [[stamped, 'ou_b']]).map((e) => e.event)).toEqual(['moved']);
		// An OU not known on either side is no move: the stamp is an update of unseen fields.
		const unknownOu = stored([fingerprint(base)]);
		for (const [table, ou] of [
			[unknownOu, 'ou_b'],
			[previous, undefined],
		] as const) {
			expect(events(table, [[stamped, ou]])).toEqual([
				{
					event: 'updated',
					userId: REAL_ID,
					user: stamped,
					changes: [{ field: 'updateTime', new: 3, oldKnown: false }],
				},
			]);
		}
		// A named field explains the stamp.
		expect(
			events(previous, [[{ ...stamped, email: 'new@example.com' }, 'ou_a']])[0].changes,
		).toEqual([{ field: 'email', new: 'new@example.com', oldKnown: false }]);
	});

	it('reports each flag with its old and new value, and an enable with the status before', () => {
		const disabled = stored([fingerprint({ ...base, status: 'disabled' }, 'ou_a')]);
		const changed = { ...base, passwordSet: false, phoneNumberVerified: true };
		expect(events(disabled, [[changed, 'ou_a']])).toEqual([
			{ event: 'enabled', userId: REAL_ID, user: changed, previousStatus: 'disabled' },
			{
				event: 'updated',
				userId: REAL_ID,
				user: changed,
				changes: [
					{ field: 'passwordSet', old: true, new: false, oldKnown: true },
					{ field: 'phoneNumberVerified', old: false, new: true, oldKnown: true },
				],
			},
		]);
	});

	it('reports a deletion with what was known, and nothing for an ID it never stored', () => {
		const noOu = stored([fingerprint({ ...base, status: 'disabled' })]);
		// Strict: no primaryOrganizationalUnitId key at all when the OU was never known.
		expect(events(noOu, [], [REAL_ID, 'user_never'])).toStrictEqual([
			{ event: 'deleted', userId: REAL_ID, previous: { status: 'disabled' } },
		]);
		expect(events(previous, [], ['user_never'])).toEqual([]);
	});

	it('reports users in the order the poll established them, from the record of each', () => {
		const a = user('user_a');
		const b = user('user_b');
		const { current, records } = seen(
			previous,
			[b, 'ou_a'],
			[{ ...base, displayName: 'x' }, 'ou_a'],
			[a, 'ou_a'],
		);
		expect(diff(previous, current, records, []).map((e) => [e.event, e.userId, e.user])).toEqual([
			['created', 'user_b', b],
			['updated', REAL_ID, { ...base, displayName: 'x' }],
			['created', 'user_a', a],
		]);
	});

	it('keeps the state of users neither seen nor deleted, drops the deleted, and fills a missing OU', () => {
		const before = stored([
			fingerprint(base, 'ou_a'),
			fingerprint(user('user_b')),
			fingerprint(user('user_c'), 'ou_c'),
			fingerprint(user('user_e'), 'ou_a'),
		]);
		const renamed = user('user_b', { displayName: 'Renamed' });
		const { current } = seen(
			before,
			[renamed, undefined],
			[user('user_d'), 'ou_d'],
			[user('user_e'), 'ou_e'],
		);
		current.complete(new Set(['user_c']));
		expect(idsOf(current)).toEqual(['user_b', 'user_d', REAL_ID, 'user_e']);
		// A known OU is this poll's, not the stored one.
		expect(current.get('user_e')?.ou).toBe('ou_e');
		expect(current.get('user_b')).toEqual(fingerprint(renamed));
		expect(current.get('user_d')?.ou).toBe('ou_d');
		expect(current.get(REAL_ID)).toEqual(before.get(REAL_ID));
	});

	it("packs a poll's users in ID order, whatever the order of the stored table it shares OUs with", () => {
		const ids = ['user_b', 'user_d', 'user_f', 'user_h'];
		const listed: Array<[Record<string, unknown>, string | undefined]> = [
			[user('user_h'), 'ou_a'],
			[user('user_g'), 'ou_b'],
			[user('user_a'), 'ou_a'],
			[user('user_d'), 'ou_c'],
			[user('user_i'), 'ou_b'],
			[user('user_c'), 'ou_a'],
		];
		const packedIds = (previous: StoredUsers) => {
			const { current } = seen(previous, ...listed);
			current.complete(new Set(['user_b']));
			const packed = packUsers(current);
			// The same text as the table's users packed on their own.
			const alone = new UserTable();
			for (const id of idsOf(current).reverse()) {
				const fp = current.get(id) as Fingerprint;
				alone.set(fp);
			}
			expect(packed).toEqual(packUsers(alone));
			return unpackUsers(packed).ids();
		};
		const expected = ['user_a', 'user_c', 'user_d', 'user_f', 'user_g', 'user_h', 'user_i'];
		// As read from a stored state (ID order), and in any other order.
		const fps = ids.map((id) => fingerprint(user(id), 'ou_a'));
		expect(packedIds(stored(fps))).toEqual(expected);
		expect(packedIds(stored([...fps].reverse()))).toEqual(expected);
	});

	it('covers every event name and field list', () => {
		expect(ALL_EVENTS).toHaveLength(6);
		expect(HASHED_FIELDS.length + BOOLEAN_FIELDS.length).toBe(14);
	});
});
