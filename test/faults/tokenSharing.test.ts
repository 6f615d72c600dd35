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
	// Execution B's request is answered (refused) a second after it was sent; by then A has renewed.
	env.emu.faults.latency(1000, { action: 'GetGroup' });
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
