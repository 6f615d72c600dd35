import type { Emulator } from '../../emulator/server';
import { seedFromEnv } from '../support/random';
import { startTriggerEmulator } from './emulated';
import { describeFamilies, runRandomizedFamilies } from './randomizedFamilies';

/**
 * Seeded rounds of random group, membership and OU changes and polls (TRIGGER_SEED replays,
 * TRIGGER_FAMILY_ROUNDS changes the rounds; `npx tsx scripts/trigger-soak.ts` runs 10,000).
 */
const seed = (seedFromEnv('TRIGGER_SEED') ^ 0x27d4eb2f) >>> 0;
const rounds = Number(process.env.TRIGGER_FAMILY_ROUNDS) || 300;

describe(`trigger randomized, group memberships and OUs (seed ${seed})`, () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startTriggerEmulator();
	});
	afterAll(async () => {
		await emulator.close();
	});

	it(`${rounds} rounds: never loses, repeats or invents a membership or OU event`, async () => {
		const result = await runRandomizedFamilies({ seed, rounds, emulator });
		console.log(describeFamilies(result));
		expect(result.rounds).toBe(rounds);
		expect(result.polls + result.failedPolls).toBe(rounds);
		for (const event of [
			'memberAdded',
			'memberRemoved',
			'ouCreated',
			'ouRenamed',
			'ouMoved',
			'ouDeleted',
		]) {
			expect(result.events[event]).toBeGreaterThan(0);
		}
	});
});
