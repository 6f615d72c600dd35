import { CREDENTIAL_ID } from '../harness/n8n';
import { byId, outputs, useFaultEnv } from './support';

/**
 * Two executions that share one credentials store (as n8n queue-mode workers share the database)
 * meet the same expired token: the first renews it, the second reads the stored credential again
 * before renewing and takes the first one's token. One GenerateToken, not one per execution.
 */

const env = useFaultEnv('faults/tokenSharing');

test('an execution refused after another renewed adopts the stored token instead of renewing again', async () => {
	const stored = env.harness.storedCredential.accessToken;
	env.emu.faults.expireTokens();
	// Execution B's request (GetGroup, the old token) is held until A's (GetUser) was refused, renewed and answered;
	// A's first request waits until B's has arrived, so both were sent with the old token. Ordered by events: a
	// second's latency on B's request once meant to be long enough for A's renewal, and on a loaded machine it was not.
	const arrived = signal();
	const renewed = signal();
	let holdGroup = true;
	let holdUser = true;
	env.emu.faults.onRequest(async ({ action }) => {
		if (action === 'GetGroup' && holdGroup) {
			holdGroup = false;
			arrived.fire();
			await renewed.fired;
		} else if (action === 'GetUser' && holdUser) {
			holdUser = false;
			await arrived.fired;
		}
	});
	env.emu.faults.onResponse(({ action, status }) => {
		if (action === 'GetUser' && status === 200) renewed.fire();
	});
	const slow = env.run({
		resource: 'group',
		operation: 'get',
		groupId: byId('group_demoengineers01'),
	});
	const fast = env.run({
		resource: 'user',
		operation: 'get',
		userId: byId('user_demoalicechen01'),
	});
	const [b, a] = await Promise.all([slow, fast]);
	expect(a.error).toBeUndefined();
	expect(b.error).toBeUndefined();
	expect(outputs(a)[0].userId).toBe('user_demoalicechen01');
	expect(outputs(b)[0].groupId).toBe('group_demoengineers01');
	expect(env.emu.stats.generateTokenCalls).toBe(1);
	// B was refused once with the old token, then answered with A's.
	expect(env.emu.stats.byAction.GetGroup).toEqual({ 200: 1, 400: 1 });
	expect(env.harness.storedCredential.accessToken).not.toBe(stored);
});

function signal(): { fire: () => void; fired: Promise<void> } {
	let fire!: () => void;
	const fired = new Promise<void>((resolve) => (fire = resolve));
	return { fire, fired };
}

test('a stored token near its expiry is not adopted: the execution renews', async () => {
	env.emu.faults.expireTokens();
	// Another execution "stored" a different token, but one about to expire.
	const row = env.harness.credentials.rows.get(CREDENTIAL_ID)!;
	const nearlyExpired = {
		accessToken: 'other-token-nearly-expired',
		expiresAt: String(Math.floor(Date.now() / 1000) + 10),
	};
	env.emu.faults.onRequest((event) => {
		if (event.action === 'GetUser' && row.data.accessToken !== nearlyExpired.accessToken)
			row.data = { ...row.data, ...nearlyExpired };
	});
	const result = await env.run({
		resource: 'user',
		operation: 'get',
		userId: byId('user_demoalicechen01'),
	});
	expect(result.error).toBeUndefined();
	expect(env.emu.stats.generateTokenCalls).toBe(1);
	expect(env.emu.stats.byAction.GetUser).toEqual({ 200: 1, 400: 1 });
});
