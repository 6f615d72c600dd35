/**
 * Which tests judge which code, for `npm run mutation` (StrykerJS, https://stryker-mutator.io/docs/stryker-js/).
 * One group per mutated file, named after it: Stryker runs only the group's test files against each mutant (the
 * fast tests that decide about that code; never test/e2e, and not the emulator-driven suites, whose single run
 * takes longer than a whole group's mutants). Each group keeps its own incremental file, so a re-run only tests the
 * mutants whose code or covering tests changed.
 */
const TRIGGER = 'nodes/AlibabaIdaasTrigger';
const EVENTS = 'nodes/AlibabaIdaasEventTrigger';
const NODE = 'nodes/AlibabaIdaas';

export const GROUPS = [
	{ name: 'retry', mutate: [`${NODE}/transport/retry.ts`], tests: ['test/transport/retry.test.ts'] },
	{ name: 'tokenRenewal', mutate: [`${NODE}/transport/tokenRenewal.ts`], tests: ['test/transport/tokenRenewal.test.ts'] },
	{ name: 'codec', mutate: [`${TRIGGER}/codec.ts`], tests: ['test/trigger/userState.test.ts', 'test/trigger/codec.test.ts'] },
	{ name: 'state', mutate: [`${TRIGGER}/state.ts`], tests: ['test/trigger/userState.test.ts', 'test/trigger/stateFormat.test.ts'] },
	{ name: 'userState', mutate: [`${TRIGGER}/users/state.ts`], tests: ['test/trigger/userState.test.ts'] },
	{ name: 'userDiff', mutate: [`${TRIGGER}/users/diff.ts`], tests: ['test/trigger/userState.test.ts'] },
	{ name: 'jose', mutate: [`${EVENTS}/jose.ts`], tests: ['test/events/jose.test.ts', 'test/events/joseRefusals.test.ts'] },
	{ name: 'receive', mutate: [`${EVENTS}/receive.ts`], tests: ['test/events/jose.test.ts', 'test/events/receive.test.ts'] },
	{ name: 'ledger', mutate: [`${EVENTS}/ledger.ts`], tests: ['test/events/ledger.test.ts'] },
	{ name: 'build', mutate: [`${NODE}/request/build.ts`], tests: ['test/request/build.test.ts', 'test/request/placement.test.ts', 'test/fuzz/request.fuzz.test.ts'] },
	{ name: 'validation', mutate: [`${NODE}/request/validation.ts`], tests: ['test/request/build.test.ts', 'test/fuzz/request.fuzz.test.ts'] },
	{ name: 'simplify', mutate: [`${NODE}/output/simplify.ts`], tests: ['test/output/simplify.test.ts'] },
	{ name: 'items', mutate: [`${NODE}/output/items.ts`], tests: ['test/output/items.test.ts'] },
	{ name: 'reconcilePlan', mutate: [`${NODE}/composed/reconcilePlan.ts`], tests: ['test/reconcile/reconcile.test.ts'] },
];
