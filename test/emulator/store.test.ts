import { generateStore } from '../../emulator/generate';
import { OrderedIndex } from '../../emulator/orderedIndex';
import { createStore } from '../../emulator/seed';
import { startEmulator } from '../../emulator/server';
import { DEMO } from './helpers';

describe('store (direct, no HTTP)', () => {
	test('updateTime moves on user changes, not on group membership', () => {
		const store = createStore('demo');
		const user = store.users.get(DEMO.bob)!;
		let last = user.updateTime;
		const moved = (change: () => void) => {
			change();
			const changed = user.updateTime > last;
			last = user.updateTime;
			return changed;
		};
		expect(moved(() => store.patchUser(DEMO.bob, { displayName: 'Robert' }))).toBe(true);
		expect(moved(() => store.patchUser(DEMO.bob, { displayName: 'Robert' }))).toBe(false);
		expect(moved(() => store.setStatus(DEMO.bob, 'disabled'))).toBe(true);
		expect(moved(() => store.setStatus(DEMO.bob, 'disabled'))).toBe(false);
		expect(moved(() => store.moveUser(DEMO.bob, DEMO.hr))).toBe(true);
		expect(moved(() => store.addUserToOus(DEMO.bob, [DEMO.sales]))).toBe(true);
		expect(moved(() => store.removeUserFromOus(DEMO.bob, [DEMO.sales]))).toBe(true);
		expect(moved(() => store.addUsersToGroup(DEMO.engineers, [DEMO.bob]))).toBe(false);
		expect(moved(() => store.setPassword(DEMO.bob, 'another-password'))).toBe(true);
		expect(user.createTime).toBeLessThan(user.updateTime);
	});

	test('moving to a secondary OU makes it primary only; deleting frees unique values', () => {
		const store = createStore('demo');
		store.moveUser(DEMO.daniel, DEMO.sales);
		expect(store.users.get(DEMO.daniel)).toMatchObject({
			primaryOrganizationalUnitId: DEMO.sales,
			secondaryOrganizationalUnitIds: [],
		});
		expect([...store.idx.usersByPrimaryOu.get(DEMO.platform)!.values()]).toEqual([
			'user_demochloemartin01',
		]);
		store.deleteUser(DEMO.bob);
		const again = store.createUser({
			username: 'bob.smith',
			email: 'bob.smith@acme.example',
			userExternalId: 'E1002',
			primaryOrganizationalUnitId: DEMO.sales,
		});
		expect(store.findUserId('email', 'BOB.SMITH@acme.example')).toBe(again.userId);
		expect(store.findUserIdByExternalId('E1002', 'build_in', store.instanceId)).toBe(again.userId);
		expect(again.userExternalId).toBe('E1002');
		const plain = store.createUser({ username: 'plain', primaryOrganizationalUnitId: DEMO.root });
		expect(plain).toMatchObject({
			userExternalId: plain.userId,
			displayName: 'plain',
			userSourceType: 'build_in',
			email: '',
			passwordSet: false,
		});
	});

	test('OrderedIndex pages match a plain array under random adds and deletes', () => {
		const index = new OrderedIndex();
		const truth: string[] = [];
		let seed = 42;
		const rand = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
		for (let step = 0; step < 5000; step++) {
			if (truth.length && rand(3) === 0) {
				const [id] = truth.splice(rand(truth.length), 1);
				expect(index.delete(id)).toBe(true);
			} else {
				const id = `id${step}`;
				truth.push(id);
				index.add(id);
			}
			if (step % 250 === 0) {
				const offset = rand(truth.length + 5);
				expect(index.page(offset, 17)).toEqual(truth.slice(offset, offset + 17));
			}
		}
		expect(index.size).toBe(truth.length);
		expect([...index.values()]).toEqual(truth);
	});

	// Speed is measured by `npm run bench`, not asserted here: timed assertions fail under load.
	test('100k generated users: every page near the end holds the right users', () => {
		const store = generateStore({ users: 100_000 });
		expect(store.users.size).toBe(100_000);
		const page = store.idx.users.page(99_950, 100);
		expect(page).toHaveLength(50);
		expect(page.every((id) => store.users.has(id))).toBe(true);
		const ouId = store.users.get(store.idx.users.page(123, 1)[0])!.primaryOrganizationalUnitId;
		const perOu = store.idx.usersByPrimaryOu.get(ouId)!;
		expect(
			perOu.page(0, 100).every((id) => store.users.get(id)!.primaryOrganizationalUnitId === ouId),
		).toBe(true);
	});
});

test('what the end-to-end helper reads (test/e2e/helpers/emulator.ts) is there', async () => {
	const emu = await startEmulator({ port: 0, host: '127.0.0.1', seed: 'demo' });
	try {
		const store: any = emu.store;
		expect(store.demoApplication).toMatchObject({
			applicationId: 'app_demoapplication01',
			clientId: 'app_demoapplication01',
			clientSecret: expect.any(String),
		});
		const bob = [...store.users.values()].find((u: any) => u.username === 'bob.smith');
		expect(bob).toMatchObject({
			status: 'enabled',
			primaryOrganizationalUnitId: DEMO.sales,
			userExternalId: 'E1002',
		});
		expect(store.groups.get(DEMO.allStaff).members.has(bob.userId)).toBe(true);
		expect(store.ous.has('ou_demoengineering01') && store.groups.has('group_demoengineers01')).toBe(
			true,
		);
		const token = emu.issueAppToken();
		expect([...store.tokens.keys()]).toContain(token);
		expect(emu.stats.tokensIssued).toBe(0);
		expect((await fetch(`${emu.url}/__emulator/tokens/expire`, { method: 'POST' })).ok).toBe(true);
		expect(store.liveToken(token)).toBeUndefined();
	} finally {
		await emu.close();
	}
});
