import { CATALOG } from '../../nodes/AlibabaIdaas/catalog';
import { groupCases, organizationalUnitCases, otherCases } from './cases/others';
import { pamCases } from './cases/pam';
import type { OperationCase } from './cases/types';
import { userCases } from './cases/user';
import type { Env } from './support';
import { json, startEnv } from './support';

/**
 * Every catalog operation through n8n's WorkflowExecute against the emulator, checked on the
 * emulator's state afterwards. An operation added to the catalog without a case here fails.
 */

const CASES: Record<string, OperationCase> = {
	...userCases,
	...organizationalUnitCases,
	...groupCases,
	...otherCases,
	...pamCases,
};

let env: Env;
beforeAll(async () => (env = await startEnv()));
afterAll(async () => await env.close());
beforeEach(() => env.emu.reset());

test('every case names a catalog operation', () => {
	const actions = new Set(CATALOG.map((op) => op.apiName));
	expect(Object.keys(CASES).filter((action) => !actions.has(action))).toEqual([]);
});

describe.each(CATALOG.map((op) => [op.apiName, op] as const))('%s', (action, op) => {
	test(`${op.resource}.${op.operation} runs and changes the emulator as the API would`, async () => {
		const testCase = CASES[action];
		expect(testCase).toBeDefined();
		testCase.setup?.(env.emu);
		const result = await env.run(testCase.params(env.emu));
		expect(result.error).toBeUndefined();
		expect(result.items.length).toBeGreaterThan(0);
		for (const item of result.items) expect(item.pairedItem).toEqual({ item: 0 });
		expect(env.requests(action)).toBeGreaterThan(0);
		testCase.check(env.emu, json(result));
	});
});
