/** A small seeded PRNG (mulberry32), so randomized tests print a seed and can be replayed. */
export function createRandom(seed: number) {
	let state = seed >>> 0;
	const next = (): number => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
	const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)];
	const chance = (p: number): boolean => next() < p;
	return { next, int, pick, chance, seed };
}

export type Random = ReturnType<typeof createRandom>;

export function seedFromEnv(name: string): number {
	const fromEnv = Number(process.env[name]);
	return Number.isFinite(fromEnv) && process.env[name] !== '' && process.env[name] !== undefined
		? fromEnv
		: Math.floor(Math.random() * 2 ** 31);
}

/** Hostile values: wrong types, huge strings, unicode, path and query characters, blanks. */
export function hostileValue(random: Random): unknown {
	const strings = [
		'',
		' ',
		'../../etc/passwd',
		'user_../x',
		'user_abc/def',
		'user_abc?x=1',
		'user_abc#frag',
		'ou_%2e%2e%2f',
		'group_\u0000nul',
		'user_\u202eevil',
		'名字',
		'😀'.repeat(50),
		'x'.repeat(100_000),
		'a@b',
		'jane@example.com',
		'+86 138 0000 0000',
		'13800000000',
		'user_abcdefghijklmnopqrstuvwxyz',
		'ou_root',
		'group_ok',
		'true',
		'1e309',
		'-1',
		'{"a":1}',
		'[1,2]',
		'<script>alert(1)</script>',
		"'; DROP TABLE users; --",
		'\r\nX-Injected: 1',
	];
	switch (random.int(0, 9)) {
		case 0:
			return null;
		case 1:
			return undefined;
		case 2:
			return random.pick([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 101, 100, 1]);
		case 3:
			return random.chance(0.5);
		case 4:
			return { nested: random.pick(strings) };
		case 5:
			return [random.pick(strings), random.pick(strings)];
		case 6:
			return [];
		default:
			return random.pick(strings);
	}
}
