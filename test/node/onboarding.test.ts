import type { Env } from './support';
import { byId, json, startEnv } from './support';

/**
 * What an onboarding or offboarding workflow reads from the node: errors that say what to do
 * instead, and outputs that carry names for the next Slack or e-mail step.
 */

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

describe("Create's duplicate username or email", () => {
	const create = (username: string) =>
		env.run({
			resource: 'user',
			operation: 'create',
			username,
			displayName: 'Someone New',
			primaryOrganizationalUnitId: byId('ou_demosales01'),
		});

	test('names the account that has the username, and how to update it instead', async () => {
		const { error } = await create('alice.chen');
		expect(error?.message).toContain('[ResourceDuplicated.Username]');
		expect(error?.message).toContain('the username "alice.chen" belongs to user_demoalicechen01 ("Alice Chen", external ID E1001)');
		expect(error?.description).toContain('use User → Create or Update with Match On: Username (or External ID, E1001)');
	});

	test('the same for an email, and Continue On Fail carries it in the error item', async () => {
		const result = await env.run(
			{ resource: 'user', operation: 'create', username: 'someone.new', displayName: 'Someone New', primaryOrganizationalUnitId: byId('ou_demosales01'), additionalFields: { email: 'bob.smith@acme.example' } },
			{ continueOnFail: true },
		);
		const [out] = json(result);
		expect(out.code).toBe('ResourceDuplicated.Email');
		expect(out.error).toContain('the email "bob.smith@acme.example" belongs to user_demobobsmith01 ("Bob Smith"');
	});
});
