import {
	ALPHABET,
	BASE,
	IdCoding,
	SEPARATOR,
	StateFormatError,
	byId,
	checksum,
	decodeId,
	decodeNumber,
	digit,
	encodeId,
	encodeNumber,
	hash32,
	isValidId,
	widthFor,
} from '../../nodes/AlibabaIdaasTrigger/shared/codec';

/**
 * The trigger's packed encoding, piece by piece. What it writes is stored in n8n's static data and
 * read back by later polls (and later versions of this node), so the exact characters and hash
 * values are part of the format: the golden values below change only with FORMAT_VERSION.
 */

describe('alphabet', () => {
	test('is the 92 printable ASCII characters JSON stores without escapes, in code order', () => {
		expect(BASE).toBe(92);
		expect(ALPHABET).toHaveLength(92);
		expect(ALPHABET[0]).toBe('!');
		expect(ALPHABET[91]).toBe('~');
		expect(ALPHABET).not.toMatch(/["\\ ]/);
		expect(JSON.stringify(ALPHABET)).toBe(`"${ALPHABET}"`);
		expect([...ALPHABET].every((c, i) => i === 0 || c > ALPHABET[i - 1])).toBe(true);
		expect(SEPARATOR).toBe(' ');
	});
});

describe('hash32 and checksum', () => {
	test('keep the values earlier polls stored', () => {
		expect(hash32('')).toBe(2872998923);
		expect(hash32('abc')).toBe(482950588);
		expect(hash32('abc', 7)).toBe(3531537131);
		expect(checksum([])).toBe('5htwxq.lrlwvl');
		expect(checksum(['ab', 'c'])).toBe('bl1wv8.1hcajj4');
	});

	test('a checksum tells where one part ends and the next begins', () => {
		expect(checksum(['a', 'bc'])).toBe('1ae1z52.1889kru');
		expect(checksum(['a', 'bc'])).not.toBe(checksum(['ab', 'c']));
		expect(checksum(['a|b'])).not.toBe(checksum(['a', 'b']));
	});

	test('a part given as pieces sums like its pieces joined by newlines, which stay in it', () => {
		expect(checksum(['x', ['a', 'b', 'c']])).toBe(checksum(['x', 'a\nb\nc']));
		expect(checksum([['a', 'b']])).not.toBe(checksum(['ab']));
		expect(checksum([['ab', '']])).not.toBe(checksum([['a', 'b']]));
	});

	test('every character and every seed bit moves the hash, and it stays an unsigned 32-bit number', () => {
		const seen = new Set<number>();
		for (let i = 0; i < 500; i++) {
			const h = hash32(`record ${i}`);
			expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
			seen.add(h);
		}
		expect(seen.size).toBe(500);
		expect(hash32('a')).not.toBe(hash32('b'));
		expect(hash32('ab')).not.toBe(hash32('ba'));
		expect(hash32('x', 1)).not.toBe(hash32('x', 2));
	});
});

describe('numbers', () => {
	test('encode in fixed width, most significant digit first', () => {
		expect(encodeNumber(0, 2)).toBe('!!');
		expect(encodeNumber(91, 1)).toBe('~');
		expect(encodeNumber(92, 2)).toBe('#!');
		expect(encodeNumber(12345, 3)).toBe('#L3');
		expect(encodeNumber(5, 0)).toBe('');
	});

	test('decode from any position, and back', () => {
		for (const [value, width] of [
			[0, 1],
			[91, 1],
			[92, 2],
			[8463, 2],
			[8464, 3],
			[12345, 3],
			[92 ** 4 - 1, 4],
		]) {
			const text = encodeNumber(value, width);
			expect(decodeNumber(`ab${text}cd`, 2, width)).toBe(value);
		}
	});

	test('refuse a record cut short, and a character outside the alphabet, naming where', () => {
		expect(decodeNumber('!!#', 1, 2)).toBe(1);
		expect(() => decodeNumber('!!#', 2, 2)).toThrow(new StateFormatError('record cut short'));
		expect(() => decodeNumber('!!', 0, 3)).toThrow(StateFormatError);
		expect(() => digit('ab"c', 2)).toThrow(new StateFormatError('bad character at 2'));
		expect(() => digit('ab c', 2)).toThrow(/bad character at 2/);
		expect(() => digit('ab', 2)).toThrow(/bad character at 2/);
		expect(digit('a~', 1)).toBe(91);
		expect(digit('!', 0)).toBe(0);
	});

	test('widthFor gives the fewest digits that hold 0..size', () => {
		expect([0, 1, 91, 92, 8463, 8464, 92 ** 3].map(widthFor)).toEqual([1, 1, 1, 2, 2, 3, 4]);
	});

	test('StateFormatError says the state is not one this version wrote, and why', () => {
		const error = new StateFormatError('bad ID');
		expect(error).toBeInstanceOf(Error);
		expect(error.name).toBe('StateFormatError');
		expect(error.message).toBe("The trigger's stored state is not one this version wrote (bad ID)");
	});
});

describe('IDs', () => {
	test('hold stored IDs to the check a request parameter gets: prefix, [A-Za-z0-9_-], at most 128 characters', () => {
		expect(isValidId('user_abc', 'user_')).toBe(true);
		expect(isValidId('ou_Ab-_9', 'ou_')).toBe(true);
		expect(isValidId('group_x', 'group_')).toBe(true);
		expect(isValidId(`user_${'a'.repeat(123)}`, 'user_')).toBe(true);
		expect(isValidId(`user_${'a'.repeat(124)}`, 'user_')).toBe(false);
		expect(isValidId('user_a b', 'user_')).toBe(false);
		expect(isValidId('user_a/b', 'user_')).toBe(false);
		expect(isValidId('ou_abc', 'user_')).toBe(false);
		expect(isValidId(' user_abc', 'user_')).toBe(false);
		expect(isValidId(42, 'user_')).toBe(false);
		expect(isValidId(undefined, 'user_')).toBe(false);
		// A prefix with no lookup operation is never valid.
		expect(isValidId('app_abc', 'app_')).toBe(false);
		expect(isValidId('app_abc', 'app_')).toBe(false);
	});

	test('sort by code unit, the same on every machine', () => {
		expect(['user_b', 'user_B', 'user_a', 'user_a'].sort(byId)).toEqual([
			'user_B',
			'user_a',
			'user_a',
			'user_b',
		]);
		expect(byId('a', 'a')).toBe(0);
		expect(byId('a', 'b')).toBe(-1);
		expect(byId('b', 'a')).toBe(1);
	});

	test('pack base-36 lower case five characters into four, and keep any other ID verbatim', () => {
		expect(encodeId('user_abcde', 'user_')).toEqual({ coding: IdCoding.Packed, text: '88za' });
		expect(encodeId('user_abcd', 'user_')).toEqual({ coding: IdCoding.PackedTail4, text: '!Zr+' });
		expect(encodeId('user_abc', 'user_')).toEqual({ coding: IdCoding.Packed, text: '#W>' });
		expect(encodeId('user_a', 'user_')).toEqual({ coding: IdCoding.Packed, text: ',' });
		expect(encodeId('user_abcdefghi', 'user_')).toEqual({
			coding: IdCoding.PackedTail4,
			text: '88za!x54',
		});
		expect(encodeId('user_00000', 'user_')).toEqual({ coding: IdCoding.Packed, text: '!!!!' });
		expect(encodeId('user_Ab-_', 'user_')).toEqual({ coding: IdCoding.Raw, text: 'Ab-_' });
		expect(encodeId('user_abc-', 'user_')).toEqual({ coding: IdCoding.Raw, text: 'abc-' });
		expect(encodeId('user_', 'user_')).toEqual({ coding: IdCoding.Raw, text: '' });
	});

	test('decode every coding back to the same ID', () => {
		const ids = [
			'user_abcde',
			'user_abcd',
			'user_abc',
			'user_a',
			'user_abcdefghi',
			'user_00000',
			'user_0000',
			'user_zzzzzzzzzz',
			'user_Ab-_',
			'user_d6sbsuumeta4h66ec3il7yxxxx',
		];
		for (const id of ids) {
			const { coding, text } = encodeId(id, 'user_');
			expect(decodeId(coding, text, 'user_')).toBe(id);
		}
	});

	test('refuse anything encodeId would not have written', () => {
		const bad = (coding: number, text: string, detail: string) =>
			expect(() => decodeId(coding, text, 'user_')).toThrow(new StateFormatError(detail));
		bad(3, 'abc', 'bad ID coding');
		bad(-1, 'abc', 'bad ID coding');
		// PackedTail4 needs whole chunks of four.
		bad(IdCoding.PackedTail4, '!Zr', 'bad packed ID length');
		bad(IdCoding.PackedTail4, '', 'bad packed ID length');
		// Packed data under the wrong coding, or the other way round.
		bad(IdCoding.PackedTail4, '88za', 'bad ID');
		bad(IdCoding.Raw, 'abc', 'bad ID');
		bad(IdCoding.Raw, 'a b', 'bad ID');
		// A chunk past 36^5 - 1 has no base-36 form of five characters.
		bad(IdCoding.Packed, '~~~~', 'bad ID');
		// The edges: 36^5 - 1 ("zzzzz") is the last chunk, 36^5 the first past it; a tail of n
		// characters ends at 36^n - 1.
		expect(decodeId(IdCoding.Packed, encodeNumber(36 ** 5 - 1, 4), 'user_')).toBe('user_zzzzz');
		bad(IdCoding.Packed, encodeNumber(36 ** 5, 4), 'bad ID');
		expect(decodeId(IdCoding.Packed, encodeNumber(36 ** 2 - 1, 2), 'user_')).toBe('user_zz');
		bad(IdCoding.Packed, encodeNumber(36 ** 2, 2), 'bad ID');
		expect(decodeId(IdCoding.PackedTail4, encodeNumber(36 ** 4 - 1, 4), 'user_')).toBe('user_zzzz');
		bad(IdCoding.PackedTail4, encodeNumber(36 ** 4, 4), 'bad ID');
		bad(IdCoding.Packed, 'a"cd', 'bad character at 1');
		expect(decodeId(IdCoding.Raw, 'Ab-_', 'user_')).toBe('user_Ab-_');
		bad(IdCoding.Packed, '', 'bad ID');
	});
});
