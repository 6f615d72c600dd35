/**
 * Soak run of the trigger's randomized tests against the shared emulator (one started on
 * 127.0.0.1, any free port, and closed at the end): 10,000 rounds of each by default, the user
 * family (randomized.ts) and the membership and OU families with every event picked
 * (randomizedFamilies.ts), each checked against the emulator's store.
 *   npx tsx scripts/trigger-soak.ts [rounds] [users|families]     (TRIGGER_SEED=<n> replays a run)
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

if (!process.env.N8N_USER_FOLDER)
	process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'idaas-soak-'));

async function main(): Promise<void> {
	// Required here, not imported: n8n-core reads N8N_USER_FOLDER when it loads (set above).
	const { seedFromEnv } =
		require('../test/support/random') as typeof import('../test/support/random');
	const { describeResult, runRandomized } =
		require('../test/trigger/randomized') as typeof import('../test/trigger/randomized');
	const { describeFamilies, runRandomizedFamilies } =
		require('../test/trigger/randomizedFamilies') as typeof import('../test/trigger/randomizedFamilies');
	const seed = seedFromEnv('TRIGGER_SEED');
	const rounds = Number(process.argv[2]) || 10_000;
	const only = process.argv[3];
	process.stdout.write(
		`trigger soak: seed ${seed}, ${rounds} rounds${only ? ` (${only} only)` : ''}\n`,
	);
	// The explicit .ts: under tsx, `AlibabaIdaasTrigger.node` would resolve to the codex .node.json.
	const { AlibabaIdaasTrigger } =
		require('../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node.ts') as typeof import('../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node');
	if (only !== 'families') {
		const started = Date.now();
		const result = await runRandomized({ seed, rounds, trigger: new AlibabaIdaasTrigger() });
		process.stdout.write(
			`${describeResult(result)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
		);
	}
	if (only !== 'users') {
		const started = Date.now();
		const result = await runRandomizedFamilies({
			seed: (seed ^ 0x27d4eb2f) >>> 0,
			rounds,
			trigger: new AlibabaIdaasTrigger(),
		});
		process.stdout.write(
			`${describeFamilies(result)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
		);
	}
}

main().catch((error: Error) => {
	process.stderr.write(`${error.stack ?? error.message}\n`);
	process.exit(1);
});
