import { ApiError } from '../../emulator/errors';
import { byId, createUserPerItem, outputs, useFaultEnv, usersNamed } from './support';

/**
 * Continue On Fail under faults: good items give results, failing ones (refused by the API,
 * throttled for good, lost, or rejected before any request) give error items, each paired with
 * its input item, all in input order, at any concurrency.
 */

const env = useFaultEnv('faults/continueOnFail');

/** Answers every request whose path ends with one of these IDs with this error, `times` times each (forever when absent). */
function failFor(ids: string[], error: () => ApiError, times?: number): void {
	const left = new Map(ids.map((id) => [id, times ?? Infinity]));
	env.emu.faults.onRequest((event) => {
		const id = event.path.split('/').pop() ?? '';
		const count = left.get(id);
		if (count === undefined || count <= 0) return;
		left.set(id, count - 1);
		throw error();
	});
}

const throttled = () =>
	new ApiError(429, 'Throttling', 'Request was denied due to request throttling.', {
		'retry-after': '0',
	});
const unavailable = () => new ApiError(503, 'ServiceUnavailable', 'Service unavailable');

test.each([1, 5, 20])(
	'get users, concurrency %i: good, missing, malformed, throttled for good, and recovered items',
	async (concurrency) => {
		const users = [...env.emu.store.users.values()].slice(0, 6).map((user) => user.userId);
		const items = [
			{ userId: users[0], expect: 'ok' },
			{ userId: 'user_doesnotexist0001', expect: 'ResourceNotFound' },
			{ userId: users[1], expect: 'ok' },
			{ userId: 'user_bad/../x', expect: 'invalid' },
			{ userId: users[2], expect: 'Throttling' },
			{ userId: users[3], expect: 'ok' }, // 503 once, then fine
			{ userId: '', expect: 'invalid' },
			{ userId: users[4], expect: 'Throttling' },
			{ userId: users[5], expect: 'ok' },
		];
		failFor([users[2], users[4]], throttled);
		failFor([users[3]], unavailable, 1);
		const result = await env.run(
			{
				resource: 'user',
				operation: 'get',
				userId: byId('={{ $json.userId }}'),
				options: { concurrency },
			},
			{ items: items.map(({ userId }) => ({ userId })), continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(items.length);
		const out = outputs(result);
		items.forEach((item, i) => {
			expect(result.items[i].pairedItem).toEqual({ item: i });
			if (item.expect === 'ok') {
				expect(out[i]).toMatchObject({ userId: item.userId });
				expect(out[i].error).toBeUndefined();
			} else if (item.expect === 'invalid') {
				expect(typeof out[i].error).toBe('string');
				expect(out[i].code).toBeUndefined();
			} else {
				expect(out[i]).toMatchObject({ code: expect.stringContaining(item.expect) });
			}
		});
		expect(env.emu.stats.byAction.GetUser['429']).toBe(12);
		expect(env.emu.stats.byAction.GetUser['503']).toBe(1);
	},
);

test('creates under drops and 5xx with Continue On Fail: each user once, failures paired, order kept', async () => {
	env.emu.faults.dropConnection({ action: 'CreateUser', times: 3, afterWrite: true });
	env.emu.faults.serverError({ action: 'CreateUser', times: 2 });
	const names = ['cof.a', 'cof.b', 'cof.c', 'alice.chen', 'cof.d', 'cof e', 'cof.f', 'cof.g'];
	// One at a time, so the faults land on the first items and not on the taken username: a
	// lost response for it would be "recovered" as the existing user (see the report).
	const result = await env.run(createUserPerItem({ concurrency: 1 }), {
		items: names.map((username) => ({ username })),
		continueOnFail: true,
	});
	expect(result.error).toBeUndefined();
	const out = outputs(result);
	expect(out).toHaveLength(names.length);
	names.forEach((name, i) => {
		expect(result.items[i].pairedItem).toEqual({ item: i });
		if (name === 'cof e' || name === 'alice.chen') {
			// An invalid username (rejected before the request, or by the API) and a taken one.
			expect(typeof out[i].error).toBe('string');
			expect(out[i].userId).toBeUndefined();
			return;
		}
		const users = usersNamed(env.emu, name);
		expect(users).toHaveLength(1);
		expect(out[i]).toMatchObject({ userId: users[0].userId });
	});
	expect(usersNamed(env.emu, 'alice.chen')).toHaveLength(1);
	expect(env.emu.stats.byAction.CreateUser).toMatchObject({ 500: 2 });
	expect(env.emu.stats.dropped).toBeGreaterThanOrEqual(1);
});
