/**
 * Which tests judge which code, for `npm run mutation` (StrykerJS, https://stryker-mutator.io/docs/stryker-js/).
 * One group per mutated file, named after it: Stryker runs only the group's test files against each mutant (the
 * fast tests that decide about that code; never test/e2e, and not the emulator-driven suites, whose single run
 * takes longer than a whole group's mutants). Each group keeps its own incremental file, so a re-run only tests the
 * mutants whose code or covering tests changed. A group with `onlyWhenNamed` runs only when named on the command line.
 */
import { readFileSync } from 'node:fs';

const TRIGGER = 'nodes/AlibabaIdaasTrigger';
const EVENTS = 'nodes/AlibabaIdaasEventTrigger';
const NODE = 'nodes/AlibabaIdaas';

/**
 * Stryker's `file:start-end` range (https://stryker-mutator.io/docs/stryker-js/configuration/#mutate-string)
 * from the first line containing `from` to the next line (from there) containing `to`, or `endOffset` lines from it,
 * found in the file as it is now: written as numbers, a range silently moved off its code whenever lines were added
 * above it.
 */
function linesOf(file, from, to, endOffset = 0) {
	const lines = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8').split('\n');
	const start = lines.findIndex((line) => line.includes(from));
	const end = lines.findIndex((line, i) => i >= start && line.includes(to));
	if (start === -1 || end === -1) throw new Error(`${file}: no lines from "${from}" to "${to}"`);
	return `${file}:${start + 1}-${end + 1 + endOffset}`;
}

export const GROUPS = [
	{
		name: 'retry',
		// The retry loop is the last section of client.ts (Stryker's `file:lines` range).
		mutate: [
			linesOf(
				`${NODE}/transport/client.ts`,
				'Sending one request until it has an answer worth returning',
				'return delay;',
				1,
			),
			`${NODE}/transport/retryPolicy.ts`,
		],
		tests: ['test/transport/retry.test.ts', 'test/transport/retryPolicy.test.ts'],
	},
	{
		name: 'tokenRenewal',
		// The token session is the second section of session.ts.
		mutate: [
			linesOf(
				`${NODE}/transport/session.ts`,
				'The token session: requests with the application',
				'return await this.exchanges.authenticated(request, this.credential, renewing);',
				2,
			),
		],
		tests: ['test/transport/tokenRenewal.test.ts'],
	},
	{
		name: 'codec',
		mutate: [`${TRIGGER}/shared/codec.ts`],
		tests: ['test/trigger/userState.test.ts', 'test/trigger/codec.test.ts'],
	},
	{
		name: 'state',
		mutate: [`${TRIGGER}/state.ts`],
		tests: ['test/trigger/userState.test.ts', 'test/trigger/stateFormat.test.ts'],
	},
	{
		name: 'userState',
		mutate: [
			`${TRIGGER}/users/state.ts`,
			`${TRIGGER}/users/stored.ts`,
			`${TRIGGER}/users/table.ts`,
		],
		tests: ['test/trigger/userState.test.ts'],
	},
	{
		name: 'userScan',
		mutate: [`${TRIGGER}/users/scan.ts`],
		tests: ['test/trigger/scan.test.ts'],
	},
	{
		name: 'userDiff',
		mutate: [`${TRIGGER}/users/diff.ts`],
		tests: ['test/trigger/userState.test.ts'],
	},
	{
		name: 'jose',
		mutate: [`${EVENTS}/jose.ts`],
		tests: ['test/events/jose.test.ts', 'test/events/joseRefusals.test.ts'],
	},
	{
		name: 'receive',
		mutate: [`${EVENTS}/receive.ts`],
		tests: ['test/events/jose.test.ts', 'test/events/receive.test.ts'],
	},
	{ name: 'ledger', mutate: [`${EVENTS}/ledger.ts`], tests: ['test/events/ledger.test.ts'] },
	{
		name: 'build',
		// The request itself, the first section of build.ts (the checks below are the validation group's).
		mutate: [`${NODE}/request/build.ts:1-90`],
		tests: [
			'test/request/build.test.ts',
			'test/request/placement.test.ts',
			'test/fuzz/request.fuzz.test.ts',
		],
	},
	// The request fuzz reaches every check of build.ts from every operation, and one run of it takes seconds:
	// with it in the group a run took over 90 minutes on the shared machine. The group's score is the unit tests';
	// validationFuzz below shows the fuzz killing the checks it is there for.
	{
		name: 'validation',
		mutate: [`${NODE}/request/build.ts:91-449`],
		tests: ['test/request/build.test.ts', 'test/request/validation.test.ts'],
	},
	// Evidence, not a score: the format and range checks of build.ts (the formats, the format test, whole
	// numbers and their range; Stryker's `file:lines` ranges) against the request fuzz alone, which must kill them
	// without the unit tests' help. Run only when named: `npm run mutation -- validationFuzz`.
	{
		name: 'validationFuzz',
		onlyWhenNamed: true,
		mutate: [
			linesOf(`${NODE}/request/build.ts`, 'const FORMATS', '};'),
			linesOf(`${NODE}/request/build.ts`, 'if (param.format &&', 'if (param.enum &&', -1),
			linesOf(`${NODE}/request/build.ts`, 'const INTEGER_TEXT', 'return number;', 1),
		],
		tests: ['test/fuzz/request.fuzz.test.ts'],
	},
	{
		name: 'simplify',
		mutate: [`${NODE}/output/simplify.ts`, `${NODE}/output/shapes.ts`, `${NODE}/output/time.ts`],
		tests: [
			'test/output/simplify.test.ts',
			'test/output/shapes.test.ts',
			'test/output/time.test.ts',
		],
	},
	{ name: 'items', mutate: [`${NODE}/output/items.ts`], tests: ['test/output/items.test.ts'] },
	{
		name: 'reconcilePlan',
		mutate: [`${NODE}/operations/reconcilePlan.ts`],
		tests: ['test/reconcile/plan.test.ts'],
	},
];
