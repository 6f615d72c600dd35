import { checksum } from '../../nodes/AlibabaIdaasTrigger/shared/codec';
import type { DecodedState, StoredState } from '../../nodes/AlibabaIdaasTrigger/state';
import {
	encodeState,
	FORMAT_VERSION,
	readState,
	sameContent,
} from '../../nodes/AlibabaIdaasTrigger/state';
import type { OuFacts } from '../../nodes/AlibabaIdaasTrigger/units/state';
import { unpackUsers } from '../../nodes/AlibabaIdaasTrigger/users/stored';
import {
	fingerprint,
	packUsers,
	tableOf,
	UserTable,
} from '../../nodes/AlibabaIdaasTrigger/users/table';

/**
 * The trigger's state envelope without a server: what encodeState writes, readState takes back
 * exactly; anything else is refused with the reason, so the poll takes a fresh baseline.
 */

const SCOPE = 'https://eiam.example|idaas_1|app_1|wf_1|node_1';

function decoded(gen = 3): DecodedState {
	// As a poll reads them from a state.
	const users = unpackUsers(
		packUsers(
			tableOf(
				['user_abcde', 'user_Mixed-1'].map((id, i) =>
					fingerprint(
						{
							userId: id,
							username: `u${i}`,
							status: i ? 'disabled' : 'enabled',
							updateTime: 1_700_000_000_000 + i,
						},
						'ou_1',
					),
				),
			),
		),
	);
	const groups = new Map<string, readonly string[]>([
		['group_a', ['user_Mixed-1', 'user_abcde']],
		['group_b', []],
	]);
	const ous = new Map<string, OuFacts>([
		['ou_1', { id: 'ou_1', parentId: '', name: 'Root' }],
		['ou_2', { id: 'ou_2', parentId: 'ou_1', name: 'Sales' }],
	]);
	return { gen, users, groups, ous };
}

/** The parts the checksum covers, restated: they are the stored format. */
function resealed(state: Omit<StoredState, 'check'>): StoredState {
	const parts = [
		String(state.v),
		state.scope,
		String(state.gen),
		state.users
			? `${state.users.ous}\n${state.users.ouWidth}\n${state.users.records}\n${state.users.count}`
			: '-',
		state.groups
			? `${state.groups.members}\n${state.groups.width}\n${state.groups.groups}\n${state.groups.count}`
			: '-',
		state.ous ? JSON.stringify(state.ous) : '-',
	];
	return { ...state, check: checksum(parts) } as StoredState;
}

const problem = (data: unknown, scope = SCOPE) => readState(data, scope).problem;

describe('encodeState / readState', () => {
	test('a written state reads back to the same directory, through JSON', () => {
		const stored = encodeState(SCOPE, decoded());
		expect(stored.v).toBe(FORMAT_VERSION);
		expect(FORMAT_VERSION).toBe(2);
		expect(Object.keys(stored).sort()).toEqual([
			'check',
			'gen',
			'groups',
			'ous',
			'scope',
			'users',
			'v',
		]);
		const read = readState(JSON.parse(JSON.stringify(stored)), SCOPE);
		expect(read.problem).toBeUndefined();
		expect(read.state).toEqual(decoded());
		expect(read.stored).toEqual(stored);
	});

	test('sections are optional: a state with only some families reads back with only those', () => {
		for (const pick of [['users'], ['groups'], ['ous'], []] as const) {
			const full = decoded(1);
			const partial: DecodedState = { gen: 1 };
			for (const key of pick) (partial as unknown as Record<string, unknown>)[key] = full[key];
			const stored = encodeState(SCOPE, partial);
			expect(Object.keys(stored).sort()).toEqual([...pick, 'check', 'gen', 'scope', 'v'].sort());
			expect(readState(stored, SCOPE).state).toEqual(partial);
		}
	});

	test('an empty OU list is a section too', () => {
		const stored = encodeState(SCOPE, { gen: 1, ous: new Map() });
		expect(stored.ous).toEqual([]);
		expect(readState(stored, SCOPE).state).toEqual({ gen: 1, ous: new Map() });
	});

	test('keeps the checksum earlier polls stored for a state without sections', () => {
		expect(encodeState(SCOPE, { gen: 1 }).check).toBe('1qlzfmb.d7ltym');
	});

	test('no state yet is not a problem', () => {
		expect(readState(undefined, SCOPE)).toEqual({});
		expect(readState(null, SCOPE)).toEqual({});
	});
});

describe('readState refuses, saying why', () => {
	const good = () => encodeState(SCOPE, decoded()) as unknown as Record<string, unknown>;

	test('what is not a state object', () => {
		for (const data of ['text', 7, true, [], [good()]])
			expect(problem(data)).toMatch(/not an object/);
	});

	test('another format version, another scope, unknown fields', () => {
		expect(problem({ ...good(), v: 1 })).toMatch(/format 1, this version writes 2/);
		expect(problem({ ...good(), v: '2' })).toMatch(/format 2, this version writes 2/);
		expect(problem(good(), `${SCOPE}x`)).toMatch(/another credential, workflow or node/);
		expect(problem({ ...good(), extra: 1 })).toBe(
			"The trigger's stored state is not one this version wrote (unknown fields)",
		);
	});

	test('a bad envelope: generation not a positive safe integer, or no checksum', () => {
		for (const gen of [0, -1, 1.5, '3', Number.MAX_SAFE_INTEGER + 1, undefined]) {
			expect(
				problem(resealed({ ...(good() as unknown as StoredState), gen: gen as number })),
			).toMatch(/bad envelope/);
		}
		expect(problem({ ...good(), check: 5 })).toMatch(/bad envelope/);
		expect(problem(resealed({ ...(good() as unknown as StoredState), gen: 1 }))).toBeUndefined();
	});

	test('a section of the wrong shape', () => {
		const users = good().users as Record<string, unknown>;
		const groups = good().groups as Record<string, unknown>;
		const threeKeys = { ...users };
		delete threeKeys.count;
		for (const bad of [
			null,
			'x',
			[],
			{ ...threeKeys, extra: 1 },
			{ ...users, records: 5 },
			{ ...users, extra: '' },
			{ ...users, count: '2' },
			{ ...users, count: 1.5 },
			{ ous: users.ous, ouWidth: 1, records: users.records },
			{ ...users, ouWidth: undefined },
		]) {
			expect(problem({ ...good(), users: bad })).toMatch(/bad users section/);
		}
		for (const bad of [
			null,
			7,
			{ ...groups, width: '1' },
			{ ...groups, extra: 1 },
			{ ...groups, count: Infinity },
		]) {
			expect(problem({ ...good(), groups: bad })).toMatch(/bad groups section/);
		}
	});

	test('a changed byte anywhere, even with the right shape', () => {
		const stored = good();
		expect(problem({ ...stored, gen: 4 })).toMatch(/checksum does not match/);
		expect(problem({ ...stored, check: 'x.y' })).toMatch(/checksum does not match/);
		expect(problem({ ...stored, ous: [['ou_1', '', 'Root']] })).toMatch(/checksum does not match/);
		const withoutOus = { ...stored };
		delete withoutOus.ous;
		expect(problem(withoutOus)).toMatch(/checksum does not match/);
	});

	test('a section that decodes strictly to nothing this version writes, even under a valid checksum', () => {
		const stored = good() as unknown as StoredState;
		// Unsorted OUs decode, but this version writes them sorted by ID.
		expect(problem(resealed({ ...stored, ous: [...stored.ous!].reverse() }))).toMatch(
			/not in the form this version writes/,
		);
		expect(
			problem(
				resealed({
					...stored,
					ous: [
						['ou_1', '', 'Root'],
						['ou_1', '', 'Root'],
					],
				}),
			),
		).toMatch(/OU stored twice/);
		expect(problem(resealed({ ...stored, users: { ...stored.users!, count: 3 } }))).toMatch(
			/not one this version wrote/,
		);
		expect(problem(resealed({ ...stored, groups: { ...stored.groups!, groups: '' } }))).toMatch(
			/not one this version wrote/,
		);
	});

	test('anything else a hostile state provokes is a problem too, never an exception', () => {
		const stored = good() as unknown as StoredState;
		const hostile = resealed({ ...stored, ous: { length: 1 } as unknown as StoredState['ous'] });
		const answer = readState(hostile, SCOPE);
		expect(answer.state).toBeUndefined();
		expect(answer.problem).toMatch(/^The trigger's stored state is not/);
		const throwing = Object.defineProperty({ ...stored }, 'users', {
			enumerable: true,
			get: () => {
				throw new TypeError('boom');
			},
		});
		expect(readState(throwing, SCOPE).problem).toBe(
			"The trigger's stored state is not readable (boom)",
		);
	});
});

describe('sameContent', () => {
	test('compares everything but the generation and the checksum', () => {
		const a = encodeState(SCOPE, decoded(1));
		expect(sameContent(a, encodeState(SCOPE, decoded(9)))).toBe(true);
		expect(sameContent(a, { ...a, check: 'other' })).toBe(true);
		expect(sameContent(a, encodeState(`${SCOPE}x`, decoded(1)))).toBe(false);
		expect(sameContent(a, encodeState(SCOPE, { ...decoded(1), ous: undefined }))).toBe(false);
		expect(sameContent(a, encodeState(SCOPE, { ...decoded(1), groups: new Map() }))).toBe(false);
		expect(sameContent(a, encodeState(SCOPE, { ...decoded(1), users: new UserTable() }))).toBe(
			false,
		);
		expect(sameContent(a, { ...a, v: 3 })).toBe(false);
	});
});
