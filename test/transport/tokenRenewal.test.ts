import type { ICredentialDataDecryptedObject, ICredentialsDecrypted, INode } from 'n8n-workflow';

import type { HttpRequest } from '../../nodes/AlibabaIdaas/transport/request';
import { clock } from '../../nodes/AlibabaIdaas/transport/pacing';
import type { IdaasContext } from '../../nodes/AlibabaIdaas/transport/context';
import type { Exchanged, Exchanges, NotSent } from '../../nodes/AlibabaIdaas/transport/session';
import { TokenSession } from '../../nodes/AlibabaIdaas/transport/session';

/**
 * The token session on its own, in front of a fake n8n: like httpRequestWithAuthentication, it
 * runs the credential's preAuthentication (a GenerateToken, counted) when the token it is given is
 * blank, stores the new token and writes it into the session's copy; the API refuses any token it
 * did not issue or revoked with 400 invalid_token. Clock, sleep and jitter are the test's.
 */

type Credential = ICredentialsDecrypted & { data: ICredentialDataDecryptedObject };

const node: INode = {
	id: 'n',
	name: 'IDaaS',
	type: 'alibabaIdaas',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { alibabaIdaasApi: { id: 'cred-1', name: 'My tenant' } },
};
const request: HttpRequest = { method: 'GET', url: 'https://example.test/v2/users', qs: {} };

let now: number;
let sleeps: number[];
beforeEach(() => {
	now = 1_800_000_000_000;
	sleeps = [];
	jest.spyOn(Date, 'now').mockImplementation(() => now);
	jest.spyOn(clock, 'now').mockImplementation(() => now);
	jest.spyOn(Math, 'random').mockReturnValue(0.5);
	jest.spyOn(clock, 'wait').mockImplementation(async (ms: number) => {
		sleeps.push(ms);
	});
});
afterEach(() => jest.restoreAllMocks());

const tick = async () => await new Promise((resolve) => setImmediate(resolve));

function fakeN8n(initial: ICredentialDataDecryptedObject) {
	const world = {
		/** The credential as stored in n8n's database. */
		stored: { ...initial } as ICredentialDataDecryptedObject,
		/** Tokens the API accepts. */
		valid: new Set<string>(
			typeof initial.accessToken === 'string' && initial.accessToken ? [initial.accessToken] : [],
		),
		generated: 0,
		storeReads: 0,
		/** Tokens each sent request carried. */
		sentWith: [] as string[],
		credentialsSeen: [] as Credential[],
		/** What the API answers a request with an accepted token. */
		answer: (): Exchanged => ({ statusCode: 200, headers: {}, body: { ok: true } }),
		/** Requests wait here until released, when set. */
		gate: undefined as Promise<void> | undefined,
		/** When on, each request sent waits for its own release (in `held`) before it is answered. */
		hold: false,
		held: [] as Array<() => void>,
		refuseWith: {
			statusCode: 400,
			headers: {},
			body: { error: 'invalid_token', error_description: 'expired' },
		} as Exchanged,
	};
	const ctx = {
		async getCredentials() {
			world.storeReads++;
			return { ...world.stored };
		},
	} as unknown as IdaasContext;
	const exchanges = {
		async authenticated(
			_request: HttpRequest,
			credential: Credential,
			unwanted: () => boolean = () => false,
		): Promise<Exchanged | NotSent> {
			world.credentialsSeen.push(credential);
			// n8n reads the credential as the request starts: a blank token means a GenerateToken.
			const blank = credential.data.accessToken === '';
			await tick();
			if (unwanted()) return { stale: true };
			if (blank) {
				world.generated++;
				const token = `T${world.generated}`;
				world.valid.add(token);
				world.stored = {
					...world.stored,
					accessToken: token,
					expiresAt: String(now / 1000 + 3600),
				};
				credential.data.accessToken = token;
				credential.data.expiresAt = world.stored.expiresAt;
			}
			const token = String(credential.data.accessToken);
			world.sentWith.push(token);
			if (world.gate) await world.gate;
			if (world.hold) await new Promise<void>((resolve) => world.held.push(resolve));
			return world.valid.has(token) ? world.answer() : world.refuseWith;
		},
	} as unknown as Exchanges;
	return { world, ctx, exchanges };
}

const fresh = (
	token = 'T0',
	expiresAt: number | string = 1_800_000_000 + 3600,
): ICredentialDataDecryptedObject => ({
	clientId: 'c',
	accessToken: token,
	expiresAt: String(expiresAt),
});

describe('TokenSession', () => {
	test('sends with the stored token while the API accepts it: no renewal, no store read', async () => {
		const { world, ctx, exchanges } = fakeN8n(fresh());
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		expect(await session.send(request)).toEqual({
			statusCode: 200,
			headers: {},
			body: { ok: true },
		});
		expect(await session.send(request)).toMatchObject({ statusCode: 200 });
		expect(world.sentWith).toEqual(['T0', 'T0']);
		expect(world.generated).toBe(0);
		expect(world.storeReads).toBe(0);
	});

	test("hands n8n a copy named after the node credential, never n8n's own object", async () => {
		const data = fresh('T0', 1);
		const { world, ctx, exchanges } = fakeN8n(fresh());
		const session = new TokenSession(ctx, node, data, exchanges);
		await session.send(request);
		expect(world.credentialsSeen[0]).toMatchObject({
			id: 'cred-1',
			name: 'My tenant',
			type: 'alibabaIdaasApi',
		});
		expect(world.credentialsSeen[0].data).not.toBe(data);
		expect(data.accessToken).toBe('T0');

		const anonymous = new TokenSession(
			ctx,
			{ ...node, credentials: undefined },
			fresh(),
			exchanges,
		);
		await anonymous.send(request);
		expect(world.credentialsSeen[1]).toMatchObject({ id: '', name: '', type: 'alibabaIdaasApi' });
	});

	test('a 400 invalid_token renews once and sends again with the new token', async () => {
		const { world, ctx, exchanges } = fakeN8n(fresh());
		world.valid.clear();
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		expect(await session.send(request)).toMatchObject({ statusCode: 200 });
		expect(world.generated).toBe(1);
		expect(world.sentWith).toEqual(['T0', 'T1']);
		// The renewed token is used from then on.
		await session.send(request);
		expect(world.sentWith).toEqual(['T0', 'T1', 'T1']);
	});

	test('a 401 renews too; other refusals and lost connections are returned as they are', async () => {
		const { world, ctx, exchanges } = fakeN8n(fresh());
		world.valid.clear();
		world.refuseWith = { statusCode: 401, headers: {}, body: {} };
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		expect(await session.send(request)).toMatchObject({ statusCode: 200 });
		expect(world.generated).toBe(1);

		world.answer = () => ({
			statusCode: 404,
			headers: {},
			body: { code: 'ResourceNotFound.User' },
		});
		expect(await session.send(request)).toMatchObject({ statusCode: 404 });
		world.answer = () => ({ statusCode: 403, headers: {}, body: { code: 'permission_denied' } });
		expect(await session.send(request)).toMatchObject({ statusCode: 403 });
		world.answer = () => ({ lost: 'reset' }) as Exchanged;
		expect(await session.send(request)).toEqual({ lost: 'reset' });
		expect(world.generated).toBe(1);
	});

	test('a token still refused after renewing is returned refused, with one renewal only', async () => {
		const { world, ctx, exchanges } = fakeN8n(fresh());
		world.valid.clear();
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		// The API refuses even the new token (a revoked application).
		const add = world.valid.add.bind(world.valid);
		world.valid.add = (() => world.valid) as typeof world.valid.add;
		expect(await session.send(request)).toMatchObject({
			statusCode: 400,
			body: { error: 'invalid_token' },
		});
		expect(world.generated).toBe(1);
		world.valid.add = add;
	});

	test('a token known to expire within a minute is renewed before the first request; one that expires later is used', async () => {
		const nowS = now / 1000;
		for (const [expiresAt, renewed] of [
			[nowS + 59, true],
			[nowS + 60, false],
			[nowS - 10, true],
			[0, false], // unknown expiry: try it
			['not a number', false],
		] as const) {
			const { world, ctx, exchanges } = fakeN8n(fresh('T0', expiresAt));
			const session = new TokenSession(ctx, node, fresh('T0', expiresAt), exchanges);
			await session.send(request);
			expect({ expiresAt, generated: world.generated, sentWith: world.sentWith }).toEqual({
				expiresAt,
				generated: renewed ? 1 : 0,
				sentWith: renewed ? ['T1'] : ['T0'],
			});
		}
	});

	test('concurrent requests refused together cause one GenerateToken, and all succeed with the new token', async () => {
		const { world, ctx, exchanges } = fakeN8n(fresh());
		world.valid.clear();
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		const answers = await Promise.all(
			Array.from({ length: 5 }, async () => await session.send(request)),
		);
		expect(answers.every((a) => 'statusCode' in a && a.statusCode === 200)).toBe(true);
		expect(world.generated).toBe(1);
		expect(world.sentWith.filter((t) => t === 'T1')).toHaveLength(5);
	});

	test('a first use with no token fetches one for the first request while the others wait for it', async () => {
		const { world, ctx, exchanges } = fakeN8n(fresh(''));
		const session = new TokenSession(ctx, node, fresh(''), exchanges);
		const answers = await Promise.all(
			Array.from({ length: 4 }, async () => await session.send(request)),
		);
		expect(answers.every((a) => 'statusCode' in a && a.statusCode === 200)).toBe(true);
		expect(world.generated).toBe(1);
		expect(world.sentWith).toEqual(['T1', 'T1', 'T1', 'T1']);
		// No refused token: no wait before reading the stored credential.
		expect(sleeps).toEqual([]);
	});

	test('takes a newer token another execution stored instead of asking for another', async () => {
		const { world, ctx, exchanges } = fakeN8n(fresh());
		world.valid.clear();
		world.valid.add('OTHER');
		world.stored = fresh('OTHER', now / 1000 + 7200);
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		expect(await session.send(request)).toMatchObject({ statusCode: 200 });
		expect(world.generated).toBe(0);
		expect(world.storeReads).toBe(1);
		expect(world.sentWith).toEqual(['T0', 'OTHER']);
		// Its expiry comes with it.
		expect(world.credentialsSeen[1].data.expiresAt).toBe(String(now / 1000 + 7200));
	});

	test('renews when the stored token is the refused one, blank, not a string, or about to expire', async () => {
		for (const stored of [
			fresh('T0'),
			fresh(''),
			{ accessToken: 42, expiresAt: String(now / 1000 + 7200) },
			fresh('OTHER', now / 1000 + 30),
		]) {
			const { world, ctx, exchanges } = fakeN8n(fresh());
			world.valid.clear();
			world.valid.add('OTHER');
			world.stored = stored as ICredentialDataDecryptedObject;
			const session = new TokenSession(ctx, node, fresh(), exchanges);
			expect(await session.send(request)).toMatchObject({ statusCode: 200 });
			expect({ stored, generated: world.generated, sentWith: world.sentWith }).toEqual({
				stored,
				generated: 1,
				sentWith: ['T0', 'T1'],
			});
		}
	});

	test('a token refused after more than 3 s in use waits a random moment (up to 1.5 s) before reading the store; one refused sooner does not', async () => {
		const { world, ctx, exchanges } = fakeN8n(fresh());
		world.valid.clear();
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		now += 3000;
		await session.send(request);
		expect(sleeps).toEqual([]);
		expect(world.generated).toBe(1);

		world.valid.clear();
		now += 3001;
		await session.send(request);
		expect(sleeps).toEqual([750]);
		expect(world.generated).toBe(2);

		// The renewal restarted the clock of the token in use.
		world.valid.clear();
		now += 3000;
		await session.send(request);
		expect(sleeps).toEqual([750]);
	});

	test('a request refused with a token someone renewed meanwhile sends again with the new one, without renewing', async () => {
		const { world, ctx, exchanges } = fakeN8n(fresh());
		world.valid.clear();
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		let release!: () => void;
		world.gate = new Promise((resolve) => (release = resolve));
		// Both are sent with T0 and held; the first refusal renews, the second finds it done.
		const both = Promise.all([session.send(request), session.send(request)]);
		await tick();
		await tick();
		world.gate = undefined;
		release();
		const answers = await both;
		expect(answers.map((a) => 'statusCode' in a && a.statusCode)).toEqual([200, 200]);
		expect(world.generated).toBe(1);
		expect(world.sentWith).toEqual(['T0', 'T0', 'T1', 'T1']);
	});

	test('a refusal that arrives after another request renewed sends again with the new token, without renewing', async () => {
		const { world, ctx, exchanges } = fakeN8n(fresh());
		world.valid.clear();
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		world.hold = true;
		const a = session.send(request);
		const b = session.send(request);
		while (world.held.length < 2) await tick();
		world.hold = false;
		world.held[0](); // A refused: renews, and is answered
		expect(await a).toMatchObject({ statusCode: 200 });
		world.held[1](); // only now B's refusal of T0 arrives
		expect(await b).toMatchObject({ statusCode: 200 });
		expect(world.sentWith).toEqual(['T0', 'T0', 'T1', 'T1']);
		expect(world.generated).toBe(1);
		expect(world.storeReads).toBe(1);
	});

	test('gives up after five rounds of finding a renewal under way', async () => {
		const { world, ctx } = fakeN8n(fresh());
		let calls = 0;
		const stale = {
			async authenticated(): Promise<NotSent> {
				calls++;
				return { stale: true };
			},
		} as unknown as Exchanges;
		const session = new TokenSession(ctx, node, fresh(), stale);
		expect(await session.send(request)).toEqual({
			lost: 'the access token kept being renewed while this request waited',
		});
		expect(calls).toBe(5);
		expect(world.generated).toBe(0);
	});

	test('a renewal whose turn came stale goes round again and sends with the token it finds', async () => {
		const { world, ctx, exchanges } = fakeN8n(fresh(''));
		let first = true;
		const flaky = {
			async authenticated(
				r: HttpRequest,
				credential: Credential,
				unwanted?: () => boolean,
			): Promise<Exchanged | NotSent> {
				if (first) {
					first = false;
					// Another execution stored a token while this one's GenerateToken was queued.
					world.valid.add('OTHER');
					world.stored = fresh('OTHER', now / 1000 + 7200);
					return { stale: true };
				}
				return await (exchanges as unknown as typeof flaky).authenticated(r, credential, unwanted);
			},
		} as unknown as Exchanges;
		const session = new TokenSession(ctx, node, fresh(''), flaky);
		expect(await session.send(request)).toMatchObject({ statusCode: 200 });
		expect(world.sentWith).toEqual(['OTHER']);
		expect(world.generated).toBe(0);
	});
});

/**
 * Turn by turn: every exchange waits for the test to let it go, as a request waits for its turn
 * under the client's bound; `go(n)` lets the n-th exchange (from 0) take its turn and answer.
 */
function stepped(initialToken: string) {
	const world = {
		stored: fresh(initialToken),
		valid: new Set([initialToken]),
		generated: 0,
		storeReads: 0,
		failGenerate: false,
		/** When set, reading the stored credential waits for it (a slow database). */
		storeGate: undefined as Promise<void> | undefined,
	};
	const calls: Array<{ given: string; go: () => void; outcome?: string }> = [];
	const ctx = {
		async getCredentials() {
			world.storeReads++;
			if (world.storeGate) await world.storeGate;
			return { ...world.stored };
		},
	} as unknown as IdaasContext;
	const exchanges = {
		async authenticated(
			_request: HttpRequest,
			credential: Credential,
			unwanted: () => boolean = () => false,
		): Promise<Exchanged | NotSent> {
			const call = {
				given: String(credential.data.accessToken),
				go: () => {},
			} as (typeof calls)[number];
			const turn = new Promise<void>((resolve) => (call.go = resolve));
			calls.push(call);
			await turn;
			if (unwanted()) {
				call.outcome = 'stale';
				return { stale: true };
			}
			if (credential.data.accessToken === '') {
				if (world.failGenerate) {
					call.outcome = 'generate failed';
					throw new Error('GenerateToken failed');
				}
				world.generated++;
				const token = `T${world.generated}`;
				world.valid.add(token);
				world.stored = fresh(token, now / 1000 + 3600);
				credential.data.accessToken = token;
			}
			const token = String(credential.data.accessToken);
			call.outcome = `sent ${token}`;
			return world.valid.has(token)
				? { statusCode: 200, headers: {}, body: {} }
				: { statusCode: 400, headers: {}, body: { error: 'invalid_token' } };
		},
	} as unknown as Exchanges;
	/** Lets exchange n go, then lets everything it starts run up to the next turn. */
	const go = async (n: number) => {
		for (let i = 0; calls.length <= n; i++) {
			if (i > 50)
				throw new Error(
					`exchange ${n} never came; outcomes so far: ${calls.map((c) => c.outcome).join(', ')}`,
				);
			await tick();
		}
		calls[n].go();
		for (let i = 0; i < 5; i++) await tick();
	};
	return { world, calls, ctx, exchanges, go };
}

describe('TokenSession, turn by turn', () => {
	test('a request whose turn comes after a renewal began is not sent, waits for the new token, and no second token is fetched', async () => {
		const { world, calls, ctx, exchanges, go } = stepped('T0');
		world.valid.clear();
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		const a = session.send(request);
		const b = session.send(request);
		await go(0); // A: refused, renewal begins and waits for its turn (exchange 2)
		await go(1); // B's turn, during the renewal: not sent
		await go(2); // the renewal fetches T1
		await go(3); // B, with T1
		expect([await a, await b].map((r) => 'statusCode' in r && r.statusCode)).toEqual([200, 200]);
		expect(calls.map((c) => c.outcome)).toEqual(['sent T0', 'stale', 'sent T1', 'sent T1']);
		expect(world.generated).toBe(1);
	});

	test('a request that comes while a renewal is under way waits for it instead of going round', async () => {
		const { world, calls, ctx, exchanges, go } = stepped('T0');
		world.valid.clear();
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		const a = session.send(request);
		await go(0); // A refused; the renewal's exchange is waiting for its turn
		const b = session.send(request);
		await go(1); // the renewal fetches T1
		await go(2); // B, with T1
		expect([await a, await b].map((r) => 'statusCode' in r && r.statusCode)).toEqual([200, 200]);
		expect(calls.map((c) => c.outcome)).toEqual(['sent T0', 'sent T1', 'sent T1']);
	});

	test('after a failed token fetch, requests that were waiting for their turn renew once between them', async () => {
		const { world, calls, ctx, exchanges, go } = stepped('T0');
		world.valid.clear();
		// The stored token has expired too: nothing to take from the store.
		world.stored = fresh('T0', now / 1000 - 1);
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		const a = session.send(request).catch((error: Error) => error);
		const b = session.send(request);
		const c = session.send(request);
		await go(0); // A refused; its renewal waits for its turn (exchange 3)
		world.failGenerate = true;
		await go(3); // GenerateToken fails: A fails, the token stays blank, no renewal runs
		world.failGenerate = false;
		expect(await a).toEqual(new Error('GenerateToken failed'));
		await go(1); // B's turn: the token is blank, so B does not send with it
		await go(2); // C's turn: likewise
		for (let n = 4; n < calls.length; n++) await go(n);
		expect([await b, await c].map((r) => 'statusCode' in r && r.statusCode)).toEqual([200, 200]);
		expect(calls.slice(0, 3).map((call) => call.outcome)).toEqual(['sent T0', 'stale', 'stale']);
		expect(world.generated).toBe(1);
	});

	test('while a renewal reads the stored credential, a queued request is not sent with the old token and a new one waits', async () => {
		const { world, calls, ctx, exchanges, go } = stepped('T0');
		world.valid = new Set(['OTHER']);
		let openStore!: () => void;
		world.storeGate = new Promise((resolve) => (openStore = resolve));
		world.stored = fresh('OTHER', now / 1000 + 7200);
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		const a = session.send(request);
		const b = session.send(request);
		await go(0); // A refused: its renewal reads the store, which is slow
		await go(1); // B's turn comes meanwhile: the token is not blank yet, but a renewal runs
		const c = session.send(request); // C arrives during the renewal
		for (let i = 0; i < 5; i++) await tick();
		openStore(); // another execution's token: taken, no GenerateToken
		for (let n = 2; n < 5; n++) await go(n);
		expect([await a, await b, await c].map((r) => 'statusCode' in r && r.statusCode)).toEqual([
			200, 200, 200,
		]);
		expect(calls.map((call) => call.outcome)).toEqual([
			'sent T0',
			'stale',
			'sent OTHER',
			'sent OTHER',
			'sent OTHER',
		]);
		expect(world.generated).toBe(0);
	});

	test('a blank stored token is not taken: the store is read once and a new token fetched', async () => {
		const { world, ctx, exchanges, go } = stepped('T0');
		world.valid.clear();
		world.stored = fresh('');
		const session = new TokenSession(ctx, node, fresh(), exchanges);
		const a = session.send(request);
		await go(0);
		await go(1);
		expect(await a).toMatchObject({ statusCode: 200 });
		expect(world.storeReads).toBe(1);
		expect(world.generated).toBe(1);
	});

	test('no wait before the first token, however long the session has existed; a credential without any token field counts as blank', async () => {
		for (const data of [fresh(''), { clientId: 'c' }]) {
			sleeps = [];
			const { world, ctx, exchanges, go } = stepped('');
			const session = new TokenSession(ctx, node, data, exchanges);
			now += 10_000;
			const a = session.send(request);
			await go(0);
			if (!('accessToken' in data)) await go(1);
			expect(await a).toMatchObject({ statusCode: 200 });
			expect(sleeps).toEqual([]);
			expect(world.generated).toBe(1);
		}
	});
});
