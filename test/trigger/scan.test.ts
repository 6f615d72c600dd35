import type { IDataObject } from 'n8n-workflow';
import { isDeepStrictEqual } from 'util';

import { parsedBody } from '../../nodes/AlibabaIdaas/transport/body';
import { recordKey } from '../../nodes/AlibabaIdaas/transport/paging';
import type { UsersPage } from '../../nodes/AlibabaIdaasTrigger/users/scan';
import { scanUsersPage } from '../../nodes/AlibabaIdaasTrigger/users/scan';
import { HASHED_FIELDS, userMark } from '../../nodes/AlibabaIdaasTrigger/users/state';
import type { Random } from '../support/random';
import { createRandom } from '../support/random';

/**
 * The scanner (users/scan.ts) against the parse it replaces: for any body, every user's ID, paging
 * key, mark and record are exactly what JSON.parse of the body (as n8n's helper decodes it) gives,
 * and a body JSON.parse refuses gives what it gives today (no records).
 */

const KEY = 'data';

/** What the poll read from a page before: the body parsed as n8n parses it. */
function parsedPage(bytes: Buffer) {
	const body = parsedBody(bytes);
	const object =
		body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as IDataObject) : {};
	const records = Array.isArray(object[KEY]) ? (object[KEY] as IDataObject[]) : [];
	return { records, totalCount: object.totalCount, nextToken: object.nextToken };
}

/** What a call gives: its value, or the kind of error it throws. */
function outcome(call: () => unknown): { value?: unknown; throws?: string } {
	try {
		return { value: call() };
	} catch (error) {
		return { throws: (error as Error).constructor.name };
	}
}

/** Both give the same value, or both throw the same kind of error (compared quickly, reported by jest). */
function same(actual: () => unknown, expected: () => unknown): void {
	const got = outcome(actual);
	const want = outcome(expected);
	if (!isDeepStrictEqual(got, want)) expect(got).toStrictEqual(want);
}

/** Asserts that the page reads as the parsed body does; returns the page. */
function expectSameAsParsed(bytes: Buffer, random: Random): UsersPage {
	const page = scanUsersPage(bytes, KEY);
	const want = parsedPage(bytes);
	expect(page.size).toBe(want.records.length);
	expect(page.totalCount).toStrictEqual(want.totalCount);
	expect(page.nextToken).toStrictEqual(want.nextToken);
	for (let i = 0; i < page.size; i++) {
		const record = want.records[i];
		const ou = random.pick([0, 1, random.int(2, 91), random.int(92, 100_000)]);
		same(
			() => page.keyAt(i),
			() => recordKey(record),
		);
		same(
			() => page.userIdAt(i),
			() => record.userId,
		);
		same(
			() => page.markAt(i, ou),
			() => userMark(record, ou),
		);
		same(
			() => page.recordAt(i),
			() => record,
		);
	}
	return page;
}

// ---------------------------------------------------------------------------------------------
// A generator of JSON text: every kept field, and the shapes the scanner must get right or leave
// to JSON.parse.

const KEPT = [
	'status',
	'passwordSet',
	'phoneNumberVerified',
	'emailVerified',
	'updateTime',
	...HASHED_FIELDS,
	'userId',
	'organizationalUnitId',
	'groupId',
];
const OTHER_KEYS = [
	'createTime',
	'customFields',
	'',
	'__proto__',
	'statu',
	'statuss',
	'userid',
	'名前',
	'display\\u004eame', // displayName, escaped
	'st\\u0061tus', // status, escaped
	'user\\/Id',
];

/** Texts of strings, as they appear between the quotes (escapes included). */
const STRINGS = [
	'',
	'disabled',
	'enabled',
	'true',
	'false',
	'Disabled',
	'disabled ',
	'user_0a1b2c3d4e5f6g7h8i9j0k1l2m',
	'user_abc',
	'ou_root',
	'jane@example.com',
	'+86',
	'13800000000',
	'1700000000000',
	'2024-01-01T00:00:00Z',
	'名字',
	'Zoë',
	'😀 astral',
	'\u007f del',
];
/** Strings with escapes: their records are parsed, so they come rarely. */
const ESCAPED = [
	'\\n',
	'a\\"b',
	'back\\\\slash',
	'\\/',
	'\\b\\f\\r\\t',
	'\\u00e9',
	'\\ud83d\\ude00',
	'\\ud800 lone high',
	'\\udc00 lone low',
	'\\u0000',
	'dis\\u0061bled',
	'tru\\u0065',
];
const NUMBERS = [
	'0',
	'-0',
	'7',
	'-12',
	'1700000000000',
	'123456789012345',
	'-123456789012345',
	'1234567890123456',
	'9007199254740993',
	'12345678901234567890123',
	'1.5',
	'1.0',
	'0.1',
	'-0.0',
	'1e3',
	'1E+3',
	'2e-7',
	'1e21',
	'1e400',
	'-1e400',
	'5e-324',
	'0e0',
];
const NESTED = ['{}', '[]', '[1,"a",null]', '{"a":[1,{"b":null}],"c":"d"}', '[[[]]]', '{"x":true}'];

/** Raw bytes that are not valid UTF-8, inside strings (n8n decodes them as U+FFFD). */
const BAD_UTF8 = [
	[0xff],
	[0xc3],
	[0xe2, 0x82],
	[0xc0, 0xaf],
	[0xed, 0xa0, 0x80],
	[0xf4, 0x90, 0x80, 0x80],
];

class Text {
	private parts: Buffer[] = [];

	constructor(private readonly random: Random) {}

	add(text: string): this {
		this.parts.push(Buffer.from(text, 'utf8'));
		return this;
	}

	bytes(bytes: number[]): this {
		this.parts.push(Buffer.from(bytes));
		return this;
	}

	/** Whitespace between tokens, mostly none. */
	space(): this {
		if (this.random.chance(0.7)) return this;
		return this.add(this.random.pick([' ', '\n', '\t', '\r\n', '  \n\t ']));
	}

	string(text: string): this {
		this.add('"');
		if (this.random.chance(0.03)) {
			// Invalid UTF-8 somewhere in it.
			// Not inside an escape.
			const at = text.includes('\\')
				? this.random.pick([0, text.length])
				: this.random.int(0, text.length);
			this.add(text.slice(0, at)).bytes(this.random.pick(BAD_UTF8));
			return this.add(text.slice(at)).add('"');
		}
		return this.add(text).add('"');
	}

	value(kept: boolean): this {
		const random = this.random;
		const roll = random.next();
		if (roll < 0.02) return this.string(random.pick(ESCAPED));
		if (roll < 0.55) return this.string(random.pick(STRINGS));
		if (roll < 0.65) return this.add(random.pick(['true', 'false', 'null']));
		if (roll < 0.85) return this.add(random.pick(NUMBERS));
		if (roll < 0.87 || !kept) return this.add(random.pick(NESTED));
		return this.string(`x${random.int(0, 1e6)}`);
	}

	/** A user record, its keys in any order, some twice. */
	record(index: number): this {
		const random = this.random;
		const keys = KEPT.filter(() => random.chance(0.7));
		if (random.chance(0.9)) keys.push('userId');
		for (let i = random.int(0, 3); i > 0; i--) keys.push(random.pick(OTHER_KEYS));
		for (let i = random.int(0, 2); i > 0; i--) keys.push(random.pick(KEPT)); // repeated keys
		for (let i = keys.length - 1; i > 0; i--) {
			const j = random.int(0, i);
			[keys[i], keys[j]] = [keys[j], keys[i]];
		}
		this.add('{').space();
		keys.forEach((key, i) => {
			if (i > 0) this.add(',').space();
			this.string(key).space().add(':').space();
			if (key === 'userId' && random.chance(0.8))
				this.string(`user_${index.toString(36)}${random.pick(['', 'x', '😀'])}`);
			else if (key === 'status' && random.chance(0.5))
				this.string(random.pick(['enabled', 'disabled']));
			else this.value(KEPT.includes(key));
			this.space();
		});
		return this.add('}');
	}

	page(records: number): this {
		const random = this.random;
		const fields: Array<() => void> = [
			() => {
				this.string(KEY).space().add(':').space().add('[').space();
				for (let i = 0; i < records; i++) {
					if (i > 0) this.add(',').space();
					this.record(i).space();
				}
				this.add(']');
			},
			() =>
				this.string('totalCount')
					.add(':')
					.add(random.pick(['250', '"250"', 'null', '1e2'])),
			() => this.string('nextToken').add(':').value(false),
			() => this.string('requestId').add(':').string('4F1B-42'),
		];
		if (random.chance(0.1)) fields.push(() => this.string('totalCount').add(':').add('3'));
		this.space().add('{').space();
		fields
			.filter((_, i) => i === 0 || random.chance(0.7))
			.sort(() => random.next() - 0.5)
			.forEach((field, i) => {
				if (i > 0) this.add(',').space();
				field();
				this.space();
			});
		return this.add('}').space();
	}

	done(): Buffer {
		return Buffer.concat(this.parts);
	}
}

describe('scanUsersPage', () => {
	it('reads every field shape exactly as JSON.parse does (seeded: 4,000 records)', () => {
		let parsedWhole = 0;
		let records = 0;
		let parsedRecords = 0;
		for (let seed = 1; seed <= 240; seed++) {
			const random = createRandom(seed);
			const bytes = new Text(random).page(random.int(0, 40)).done();
			const parse = jest.spyOn(JSON, 'parse');
			try {
				const page = scanUsersPage(bytes, KEY);
				if (parse.mock.calls.some(([text]) => text === bytes.toString('utf8'))) parsedWhole++;
				for (let i = 0; i < page.size; i++) {
					const before = parse.mock.calls.length;
					page.markAt(i, 0);
					if (parse.mock.calls.length > before) parsedRecords++;
				}
				records += page.size;
			} finally {
				parse.mockRestore();
			}
			expectSameAsParsed(bytes, random);
		}
		// Invalid UTF-8 and odd values are read from the bytes: a page is parsed whole only for a
		// reason of the page's own (here: none); both of a record's ways are taken often.
		expect(parsedWhole).toBe(0);
		expect(records).toBeGreaterThanOrEqual(4000);
		expect(parsedRecords).toBeGreaterThan(records * 0.2);
		expect(parsedRecords).toBeLessThan(records * 0.8);
	});

	it('marks a plain user without parsing it', () => {
		const user = {
			userId: 'user_0a1b2c3d',
			username: 'jane',
			displayName: 'Jane Doe 名字 😀',
			email: 'jane@example.com',
			emailVerified: true,
			phoneNumberVerified: 'true',
			passwordSet: false,
			status: 'disabled',
			updateTime: 1_700_000_000_000,
			accountExpireTime: -1,
			description: '',
			phoneNumber: null,
			customFields: [{ fieldName: 'x', fieldValue: '{"a":1}' }],
		};
		const bytes = Buffer.from(JSON.stringify({ totalCount: 1, data: [user] }));
		const page = scanUsersPage(bytes, KEY);
		const parse = jest.spyOn(JSON, 'parse');
		try {
			expect(page.markAt(0, 5)).toBe(userMark(user, 5));
			expect(page.userIdAt(0)).toBe(user.userId);
			expect(page.keyAt(0)).toBe(user.userId);
			expect(parse).not.toHaveBeenCalled();
			expect(page.recordAt(0)).toStrictEqual(user);
			expect(page.recordAt(0)).not.toBe(page.recordAt(0));
		} finally {
			parse.mockRestore();
		}
	});

	it('parses a user only for an escape or a nested value in a field the mark reads', () => {
		const bodies = [
			{ data: [{ userId: 'user_a', displayName: 'a\nb' }] },
			{ data: [{ userId: 'user_a', description: { text: 'x' } }] },
			{ data: [{ userId: 'user_a', email: ['a@b'] }] },
		];
		for (const body of bodies) {
			const page = scanUsersPage(Buffer.from(JSON.stringify(body)), KEY);
			const parse = jest.spyOn(JSON, 'parse');
			try {
				expect(page.markAt(0, 1)).toBe(userMark(body.data[0], 1));
				expect(parse).toHaveBeenCalledTimes(1);
				// Parsed once, kept for the record.
				expect(page.recordAt(0)).toStrictEqual(body.data[0]);
				expect(page.keyAt(0)).toBe('user_a');
				expect(parse).toHaveBeenCalledTimes(1);
			} finally {
				parse.mockRestore();
			}
		}
	});

	it('gives a parsed page what JSON.parse gives: odd pages, the last of repeated keys', () => {
		const random = createRandom(7);
		const bodies = [
			'{"data":[{"userId":"user_a"},{"userId":"user_a"}],"totalCount":2,"totalCount":"3"}',
			'{"data":[],"data":[{"userId":"user_b"}]}',
			'{"data":[{"userId":"user_a"}],"data":null}',
			'{"data":[{"userId":"user_a","status":"dis\\u0061bled"}]}',
			`{"totalCount":300,"data":[${Array.from({ length: 300 }, (_, i) => `{"userId":"user_${i}","status":"disabled","username":"u${i}"}`).join(',')}]}`,
			'{"data":{"userId":"user_a"}}',
			'{"data":null,"nextToken":"n1"}',
			'{"data":[{"userId":"user_a"},7,"x",[]]}',
			'{"data":[null]}',
			'{"dat\\u0061":[{"userId":"user_a"}]}',
			'\ufeff{"data":[{"userId":"user_bom"}]}',
			'{"data":[{"userId":"user_a","userId":"user_b","status":"disabled","status":"enabled"}]}',
			'{"data":[{"userId":null,"organizationalUnitId":"ou_x"},{"groupId":"g"},{"userId":5},{"userId":false}]}',
			'{"data":[{"userId":"user_a","passwordSet":true,"emailVerified":"true","phoneNumberVerified":1}]}',
			'{"data":[{}],"nextToken":{"a":[1,2]}}',
			' \n{ } ',
			'[]',
			'"text"',
			'',
			'null',
			'{"data":[{"a":' + '['.repeat(70) + ']'.repeat(70) + '}]}',
		];
		for (const text of bodies) expectSameAsParsed(Buffer.from(text, 'utf8'), random);
	});

	it('refuses what JSON.parse refuses: a body that does not parse has no records', () => {
		const random = createRandom(11);
		const bad = [
			'{"data":[{"userId":"user_a"}]',
			'{"data":[{"userId":"user_a"}]}}',
			'{"data":[{"userId":"user_a"},]}',
			'{"data":[{"userId":"user_a",}]}',
			'{"data":[{"userId" "user_a"}]}',
			'{"data":[{"userId":"user_a" "x":1}]}',
			'{"data":[{"userId":user_a}]}',
			"{'data':[]}",
			'{"data":[{"userId":"user_a","n":01}]}',
			'{"data":[{"userId":"user_a","n":1.}]}',
			'{"data":[{"userId":"user_a","n":.5}]}',
			'{"data":[{"userId":"user_a","n":-}]}',
			'{"data":[{"userId":"user_a","n":1e}]}',
			'{"data":[{"userId":"user_a","n":+1}]}',
			'{"data":[{"userId":"user_a","n":NaN}]}',
			'{"data":[{"userId":"user_a","n":Infinity}]}',
			'{"data":[{"userId":"user_a","b":tru}]}',
			'{"data":[{"userId":"user_a","b":nul}]}',
			'{"data":[{"userId":"user_a","b":True}]}',
			'{"data":[{"userId":"user_a","s":"a\\x"}]}',
			'{"data":[{"userId":"user_a","s":"a\\u12g4"}]}',
			'{"data":[{"userId":"user_a","s":"a\\u12"}]}',
			'{"data":[{"userId":"user_a\tb"}]}',
			'{"data":[{"userId":"user_a\nb"}]}',
			'{"data":[{"userId":"user_a"}]}\u00a0',
			'{"data":[{"userId":"user_a"}]}\u2028',
			'\u00a0{"data":[]}',
			'{"data":[{"userId":"user_a","x":[1,2}]}',
			'{"data":[{"userId":"user_a","x":{"a"}}]}',
			'{"data":[{"userId":"user_a","x":{"a":1,}}]}',
			'{"data":[{"userId":"user_a","x":[1,]}]}',
			'{"data":[{"userId":"user_a"}] "more":1}',
			'{"data":[{"userId":"user_a"}],}',
			'{,"data":[]}',
			'{"data":[{"userId":"user_a"}]} {}',
			'{"data":[{"userId":"user_a", "s":"unterminated}]}',
			'{"data":[{"userId":"user_a"}',
			'{"data":[{"userId":"user_a","x":"\\',
			'{"data":[{"userId":"user_a"}],"totalCount":12',
			'{"data":[{"userId":"user_a"}],"totalCount"',
			'{"data"',
			'{',
			'{"data":[{"userId":"user_a","x":[' + '[]'.repeat(3) + '}]}',
		];
		for (const text of bad) {
			expect(() => JSON.parse(text)).toThrow(SyntaxError);
			const page = expectSameAsParsed(Buffer.from(text, 'utf8'), random);
			expect(page.size).toBe(0);
		}
		// Bytes that are not UTF-8 outside a string.
		const outside = Buffer.concat([
			Buffer.from('{"data":[{"userId":"user_a"}'),
			Buffer.from([0xff]),
			Buffer.from(']}'),
		]);
		expect(expectSameAsParsed(outside, random).size).toBe(0);
	});

	it('never reads a damaged page otherwise than JSON.parse (seeded: 3,000 one-byte damages)', () => {
		for (let seed = 1; seed <= 3000; seed++) {
			const random = createRandom(10_000 + seed);
			const bytes = new Text(random).page(random.int(1, 4)).done();
			const at = random.int(0, bytes.length - 1);
			const damaged = random.pick([
				// replaced
				() =>
					Buffer.concat([
						bytes.subarray(0, at),
						Buffer.from([random.int(0, 255)]),
						bytes.subarray(at + 1),
					]),
				// removed
				() => Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]),
				// inserted: a structural character, a quote, a backslash, a control character
				() =>
					Buffer.concat([
						bytes.subarray(0, at),
						Buffer.from(
							random.pick([
								'{',
								'}',
								'[',
								']',
								',',
								':',
								'"',
								'\\',
								'\u0001',
								'0',
								'-',
								'e',
								'.',
								'x',
							]),
						),
						bytes.subarray(at),
					]),
				// cut short
				() => bytes.subarray(0, at),
			])();
			expectSameAsParsed(damaged, random);
		}
	});
});
