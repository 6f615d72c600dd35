import { DEMO, useHarness } from './helpers';

const h = useHarness();

test('429 with Retry-After for the next N requests', async () => {
	h.emu.faults.throttle({ times: 2, retryAfterSeconds: 3 });
	for (let i = 0; i < 2; i++) {
		const r = await h.call('ListUsers');
		expect(r).toMatchObject({ status: 429, body: { code: 'Throttling' } });
		expect(r.headers.get('retry-after')).toBe('3');
	}
	expect((await h.call('ListUsers')).status).toBe(200);
	expect(h.emu.stats.byAction.ListUsers).toEqual({ 200: 1, 429: 2 });
});

test('throttling above a rate', async () => {
	h.emu.faults.throttle({ perSecond: 2, action: 'GetGroup' });
	// The token bucket reads Date.now: held still, the five requests arrive within the same second however
	// loaded the machine is (a loaded run spread them over more than one and saw only two refused).
	const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now());
	const statuses = await Promise.all(
		Array.from({ length: 5 }, () =>
			h.call('GetGroup', { path: { groupId: DEMO.engineers } }).then((r) => r.status),
		),
	);
	clock.mockRestore();
	expect(statuses.filter((s) => s === 429).length).toBe(3);
	expect((await h.call('ListUsers')).status).toBe(200);
});

test('5xx for one action only', async () => {
	h.emu.faults.serverError({ action: 'GetUser', times: 1, status: 503 });
	expect((await h.call('ListUsers')).status).toBe(200);
	expect(await h.call('GetUser', { path: { userId: DEMO.bob } })).toMatchObject({
		status: 503,
		body: { code: 'ServiceUnavailable' },
	});
	expect((await h.call('GetUser', { path: { userId: DEMO.bob } })).status).toBe(200);
});

test('dropped connection before the write: nothing changes', async () => {
	h.emu.faults.dropConnection({ action: 'DisableUser', times: 1 });
	await expect(h.call('DisableUser', { path: { userId: DEMO.bob } })).rejects.toThrow();
	expect(h.emu.store.users.get(DEMO.bob)!.status).toBe('enabled');
	expect(h.emu.stats.dropped).toBe(1);
});

test('response lost after the write: the user exists although the client saw no answer', async () => {
	h.emu.faults.dropConnection({ action: 'CreateUser', times: 1, afterWrite: true });
	await expect(
		h.call('CreateUser', {
			body: { username: 'lost.reply', primaryOrganizationalUnitId: DEMO.hr },
		}),
	).rejects.toThrow();
	const lookup = await h.call('GetUserIdByUsername', { body: { username: 'lost.reply' } });
	expect(lookup.status).toBe(200);
	expect(h.emu.store.users.get(lookup.body.userId)!.username).toBe('lost.reply');
});

test('latency, per action', async () => {
	h.emu.faults.latency(150, { action: 'ListGroups' });
	const t = Date.now();
	await h.call('ListGroups');
	expect(Date.now() - t).toBeGreaterThanOrEqual(140);
	// The other action gets no latency rule (checked on the rules, not the clock, which a loaded
	// CI machine can stretch past any bound).
	expect(h.emu.faults.rules.every((rule) => rule.action === 'ListGroups')).toBe(true);
	expect((await h.call('ListUsers')).status).toBe(200);
});

test('expire all tokens now', async () => {
	expect((await h.call('ListUsers')).status).toBe(200);
	expect(h.emu.faults.expireTokens()).toBeGreaterThanOrEqual(1);
	expect((await h.call('ListUsers')).body.code).toBe('invalid_token');
});

test('onRequest runs before each request and can change state between pages', async () => {
	const seen: string[] = [];
	const off = h.emu.faults.onRequest(({ action, query }) => {
		seen.push(action);
		if (action === 'ListUsers' && query.get('pageNumber') === '2')
			h.emu.store.deleteUser(DEMO.alice);
	});
	const first = await h.call('ListUsers', { query: { pageSize: 5, pageNumber: 1 } });
	const second = await h.call('ListUsers', { query: { pageSize: 5, pageNumber: 2 } });
	off();
	await h.call('GetGroup', { path: { groupId: DEMO.engineers } });
	expect(seen).toEqual(['ListUsers', 'ListUsers']);
	expect(first.body.totalCount).toBe(10);
	expect(second.body.totalCount).toBe(9);
	// Alice's removal shifted everyone one place up: the first user of the old page 2 is skipped.
	expect(second.body.data.map((u: any) => u.username)).toEqual([
		'grace.lee',
		'henry.wang',
		'isabel.garcia',
		'jack.taylor',
	]);
});

test('onResponse runs after each request was answered, faults and dropped connections included', async () => {
	const seen: Array<[string, number | undefined]> = [];
	const off = h.emu.faults.onResponse(({ action, status }) => void seen.push([action, status]));
	h.emu.faults.serverError({ action: 'ListUsers', times: 1, status: 503 });
	h.emu.faults.dropConnection({ action: 'GetGroup', times: 1 });
	await h.call('ListUsers');
	await h.call('ListUsers');
	await expect(h.call('GetGroup', { path: { groupId: DEMO.engineers } })).rejects.toThrow();
	off();
	await h.call('ListUsers');
	expect(seen).toEqual([
		['ListUsers', 503],
		['ListUsers', 200],
		['GetGroup', undefined],
	]);
});

test('faults over HTTP control endpoints', async () => {
	const added = await h.control('POST', 'faults', {
		kind: 'error',
		action: 'ListUsers',
		times: 1,
		status: 502,
		code: 'BadGateway',
	});
	expect(added.body.rules[0]).toMatchObject({ id: expect.any(Number), kind: 'error' });
	expect(await h.call('ListUsers')).toMatchObject({ status: 502, body: { code: 'BadGateway' } });
	await h.control('POST', 'faults', { rules: [{ kind: 'throttle' }] });
	expect((await h.control('GET', 'faults')).body.rules).toHaveLength(1);
	expect((await h.call('ListUsers')).status).toBe(429);
	await h.control('DELETE', 'faults');
	expect((await h.call('ListUsers')).status).toBe(200);
	expect((await h.control('POST', 'tokens/expire')).body.expired).toBeGreaterThanOrEqual(1);
	expect((await h.call('ListUsers')).body.code).toBe('invalid_token');
});

test('a throttled request does not use up an error rule meant for a later request', async () => {
	h.emu.faults.serverError({ times: 1, status: 500 });
	h.emu.faults.throttle({ times: 1 });
	expect((await h.call('ListUsers')).status).toBe(429);
	expect((await h.call('ListUsers')).status).toBe(500);
	expect((await h.call('ListUsers')).status).toBe(200);
});
