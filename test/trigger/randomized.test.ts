import { seedFromEnv } from '../support/random';
import { describeResult, runRandomized } from './randomized';

/** 1,000 seeded rounds of random changes and polls (TRIGGER_SEED replays a run). */
const seed = seedFromEnv('TRIGGER_SEED');
const rounds = Number(process.env.TRIGGER_ROUNDS) || 1000;

describe(`trigger randomized (seed ${seed}, TRIGGER_SEED to replay)`, () => {
	it(`${rounds} rounds: never loses, repeats or invents an event`, async () => {
		const result = await runRandomized({ seed, rounds });
		// eslint-disable-next-line no-console
		console.log(describeResult(result));
		expect(result.rounds).toBe(rounds);
		expect(result.polls + result.failedPolls).toBe(rounds);
	}, 120_000);
});
