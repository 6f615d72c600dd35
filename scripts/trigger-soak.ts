/**
 * Soak run of the trigger's randomized test against the shared emulator (one started on
 * 127.0.0.1, any free port, and closed at the end): 10,000 rounds by default.
 *   npx tsx scripts/trigger-soak.ts [rounds]     (TRIGGER_SEED=<n> replays a run)
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

if (!process.env.N8N_USER_FOLDER) process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'idaas-soak-'));

async function main(): Promise<void> {
	const { seedFromEnv } = require('../test/support/random') as typeof import('../test/support/random');
	const { describeResult, runRandomized } = require('../test/trigger/randomized') as typeof import('../test/trigger/randomized');
	const seed = seedFromEnv('TRIGGER_SEED');
	const rounds = Number(process.argv[2]) || 10_000;
	process.stdout.write(`trigger soak: seed ${seed}, ${rounds} rounds\n`);
	const started = Date.now();
	// The explicit .ts: under tsx, `AlibabaIdaasTrigger.node` would resolve to the codex .node.json.
	const { AlibabaIdaasTrigger } = require('../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node.ts') as typeof import('../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node');
	const result = await runRandomized({ seed, rounds, trigger: new AlibabaIdaasTrigger() });
	process.stdout.write(`${describeResult(result)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

main().catch((error: Error) => {
	process.stderr.write(`${error.stack ?? error.message}\n`);
	process.exit(1);
});
