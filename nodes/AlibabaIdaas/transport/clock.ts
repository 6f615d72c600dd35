import { sleep } from 'n8n-workflow';

/**
 * The clock of waits that last seconds (Fetch OAuth Token's Wait for Authorization). One object, so that
 * tests replace it with a fake clock and count the polls instead of waiting.
 */
export const clock = {
	now: (): number => Date.now(),
	wait: async (ms: number): Promise<void> => await sleep(ms),
};
