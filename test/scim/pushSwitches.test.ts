/**
 * The emulator's SCIM push into the SCIM Trigger as n8n runs it in process (provider.ts: n8n-core's WebhookContext,
 * static data loaded and saved per request), under every combination of the push client's switches that changes
 * what it sends (pushScenario.ts), in both auth modes: every directory change is exactly one change in the trigger's
 * items, the trigger's directory ends as IDaaS's is, the same full push again starts nothing; and the requests sent
 * are what the switches promise. The presets' exact requests, retries and tokens: pushClient.test.ts.
 */
import { startEmulator, type Emulator } from '../../emulator/server';
import { BEARER, Provider } from './provider';
import type { Switches } from '../../emulator/scim/config';
import { combinations, pushScenario, type Mode, type TargetUnderTest } from './pushScenario';

const CLIENT_ID = 'idaas-scim-client';

const CLIENT_SECRET = 'scim-push-test-client-secret-0123456789';

let emu: Emulator;
let provider: Provider;
let adapter: TargetUnderTest;
let seen = 0;

/** One line per user changed, or per member added or removed, as pushScenario.ts counts them. */
function lines(item: any): string[] {
	if (item.objectType === 'user') return [`${item.event} ${item.user.username}`];
	const name = item.group.groupName;
	if (item.event === 'group.membersAdded' || item.event === 'group.membersRemoved') {
		const type = item.event === 'group.membersAdded' ? 'group.memberAdded' : 'group.memberRemoved';
		return item.members.map((m: any) => `${type} ${name} ${m.username}`);
	}
	return [`${item.event} ${name}`];
}

beforeAll(async () => {
	emu = await startEmulator({ seed: 'demo' });
	provider = await new Provider({
		bearerToken: BEARER,
		clientId: CLIENT_ID,
		clientSecret: CLIENT_SECRET,
	}).start();
	adapter = {
		url: provider.url,
		auth: (mode, switches) =>
			mode === 'bearer'
				? { mode, token: BEARER }
				: {
						mode,
						tokenUrl: `${provider.url}/token`,
						clientId: CLIENT_ID,
						clientSecret: CLIENT_SECRET,
						clientAuth: switches.lookup ? 'post' : 'basic',
					},
		reset: () => {
			provider.stored = '{}';
			provider.restart();
			seen = provider.items().length;
		},
		take: () => {
			const items = provider.items().slice(seen);
			seen += items.length;
			return items.flatMap(lines);
		},
		users: () =>
			Object.fromEntries(
				provider.storedDirectory().users.map((u: any) => [u.userName, u.active !== false]),
			),
		groups: () => {
			const { users, groups } = provider.storedDirectory();
			const name = (id: string) =>
				(users.find((u: any) => u.id === id) as any)?.userName ?? `?${id}`;
			return Object.fromEntries(
				groups.map((g: any) => [
					g.displayName,
					(g.members ?? []).map((m: any) => name(m.value)).sort(),
				]),
			);
		},
	};
});
afterAll(async () => {
	await emu?.close();
	await provider?.close();
});

const COMBINATIONS = combinations();

test('the switches give 244 distinct clients, each auth mode and content type in half of them', () => {
	// 2^9 raw combinations; those that differ only in a switch no request uses are the same client.
	expect(COMBINATIONS).toHaveLength(244);
	expect(COMBINATIONS.filter((c) => c.mode === 'bearer')).toHaveLength(122);
	expect(COMBINATIONS.filter((c) => c.switches.contentType === 'application/json')).toHaveLength(
		122,
	);
});

async function run(switches: Switches, mode: Mode) {
	await pushScenario(emu, adapter, switches, mode);
	// What the switches promise about the requests themselves (the client's own log).
	const requests = emu.scim.log.requests;
	const methods = new Set(
		requests.map((r) => `${r.method} ${r.path.split('/')[1]?.split('?')[0]}`),
	);
	expect(methods.has('DELETE Users')).toBe(switches.delete === 'delete');
	expect(methods.has('PUT Users')).toBe(switches.update === 'put');
	expect(requests.some((r) => r.method === 'GET' && r.path.startsWith('/Users?filter='))).toBe(
		switches.lookup,
	);
	const ops = requests
		.filter((r) => r.method === 'PATCH')
		.flatMap((r) => (r.body as { Operations: Array<{ op: string }> }).Operations.map((o) => o.op));
	expect(
		ops.every((op) => (switches.patchOps === 'capitalised' ? /^[A-Z]/ : /^[a-z]/).test(op)),
	).toBe(true);
	expect(requests.filter((r) => r.path === '(token endpoint)')).toHaveLength(
		mode === 'client_credentials' ? 1 : 0,
	);
	expect(requests.filter((r) => r.status !== 200 && r.status !== 201 && r.status !== 204)).toEqual(
		[],
	);
}

test.each(COMBINATIONS.map((c) => [c.name, c] as const))(
	'%s',
	async (_name, { switches, mode }) => {
		await run(switches, mode);
	},
);
