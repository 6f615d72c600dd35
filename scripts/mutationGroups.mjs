/**
 * Which tests judge which code, for `npm run mutation` (StrykerJS, https://stryker-mutator.io/docs/stryker-js/).
 * Each group mutates its files and runs only the listed test files against each mutant: the fast tests that
 * decide about that code, never test/e2e. A group's Stryker run keeps its own incremental file, so a re-run only
 * tests mutants whose code or covering tests changed.
 */
export const GROUPS = [
	{
		name: 'retry',
		mutate: ['nodes/AlibabaIdaas/transport/retry.ts'],
		tests: ['test/transport/retry.test.ts'],
	},
	{
		name: 'tokenRenewal',
		mutate: ['nodes/AlibabaIdaas/transport/tokenRenewal.ts'],
		tests: ['test/transport/tokenRenewal.test.ts'],
	},
	{
		name: 'triggerState',
		mutate: [
			'nodes/AlibabaIdaasTrigger/codec.ts',
			'nodes/AlibabaIdaasTrigger/state.ts',
			'nodes/AlibabaIdaasTrigger/snapshot.ts',
		],
		tests: ['test/trigger/snapshot.test.ts', 'test/trigger/state.test.ts', 'test/trigger/overlap.test.ts', 'test/trigger/codec.test.ts'],
	},
	{
		name: 'eventTrigger',
		mutate: [
			'nodes/AlibabaIdaasEventTrigger/jose.ts',
			'nodes/AlibabaIdaasEventTrigger/receive.ts',
			'nodes/AlibabaIdaasEventTrigger/ledger.ts',
		],
		tests: ['test/events/jose.test.ts', 'test/events/delivery.test.ts', 'test/events/trigger.test.ts'],
	},
	{
		name: 'request',
		mutate: ['nodes/AlibabaIdaas/request/build.ts', 'nodes/AlibabaIdaas/request/validation.ts'],
		tests: ['test/request/build.test.ts', 'test/request/parameters.test.ts', 'test/fuzz/request.fuzz.test.ts'],
	},
	{
		name: 'output',
		mutate: ['nodes/AlibabaIdaas/output/simplify.ts', 'nodes/AlibabaIdaas/output/items.ts'],
		tests: ['test/output/simplify.test.ts', 'test/output/items.test.ts'],
	},
	{
		name: 'reconcilePlan',
		mutate: ['nodes/AlibabaIdaas/composed/reconcilePlan.ts'],
		tests: ['test/reconcile/reconcile.test.ts', 'test/reconcile/reconcile.random.test.ts'],
	},
];
