import type { IDataObject } from 'n8n-workflow';

import type { FaultRule } from '../../emulator/faults';
import type { Emulator } from '../../emulator/server';
import type { Random } from '../support/random';

/**
 * The faults of one randomized poll, shared by both randomized runners: where in the poll's
 * requests (GenerateToken not counted; 0 = before it) a refusal, a transient failure, throttling,
 * token expiry and the mid-poll changes happen, and afterwards which of them the emulator
 * actually answered and whether the poll ended as they demand.
 */
export class FaultPlan {
	private readonly midPollAt: number;
	private readonly refuseAt: number;
	private readonly transientAt: number;
	private readonly throttleAt: number;
	private readonly expireAt: number;
	private refuse: FaultRule | undefined;
	private transient: FaultRule | undefined;
	private throttle: FaultRule | undefined;
	private expired = 0;
	private readonly statsBefore: string;
	private readonly droppedBefore: number;
	/** Whether the mid-poll changes changed anything. */
	changedDuringPoll = false;

	constructor(
		private readonly emu: Emulator,
		private readonly random: Random,
		/** The actions a poll sends, for faults aimed at one of them. */
		private readonly actions: readonly string[],
		/** Makes the mid-poll changes; returns whether any changed something. */
		midPoll: () => boolean,
		/** About how many requests a poll sends: the faults and changes land anywhere in it. */
		span = 12,
	) {
		this.midPollAt = random.chance(0.5) ? random.int(1, span) : -1;
		this.refuseAt = random.chance(0.12) ? random.int(0, span + 2) : -1;
		this.transientAt = random.chance(0.03) ? random.int(0, span) : -1;
		this.throttleAt = random.chance(0.1) ? random.int(0, span) : -1;
		this.expireAt = random.chance(0.08) ? random.int(1, span) : -1;
		// Whether a fault was answered is read from the emulator's counters (403, 5xx and 429 come
		// only from these rules): a rule's `times` can run out without effect when two rules
		// match one request (an error rule is used up by a request a throttle rule answers).
		this.statsBefore = JSON.stringify(emu.stats.byAction);
		this.droppedBefore = emu.stats.dropped;
		this.inject(0);
		let requestNumber = 0;
		emu.faults.onRequest((request) => {
			if (request.action === 'GenerateToken') return;
			requestNumber++;
			this.inject(requestNumber);
			if (requestNumber === this.expireAt) {
				emu.faults.expireTokens();
				this.expired++;
			}
			if (requestNumber === this.midPollAt && midPoll()) this.changedDuringPoll = true;
		});
	}

	private inject(at: number): void {
		const { faults } = this.emu;
		const random = this.random;
		// A refusal the transport does not retry: the poll must fail.
		if (at === this.refuseAt)
			this.refuse = faults.serverError({
				action: random.pick(this.actions),
				times: 1,
				status: 403,
				code: 'permission_denied',
			});
		// Retried by the transport after a backoff (reads are idempotent): the poll must succeed.
		if (at === this.transientAt) {
			this.transient = random.chance(0.5)
				? faults.serverError({
						action: random.pick(this.actions),
						times: 1,
						status: random.pick([500, 503]),
					})
				: faults.dropConnection({ action: random.pick(this.actions), times: 1 });
		}
		if (at === this.throttleAt)
			this.throttle = faults.throttle({
				action: random.pick(this.actions),
				times: random.int(1, 3),
				retryAfterSeconds: 0,
			});
	}

	private hit(rule: FaultRule | undefined): boolean {
		if (!rule) return false;
		if (rule.kind === 'drop') return this.emu.stats.dropped > this.droppedBefore;
		const counted = JSON.parse(this.statsBefore) as Record<string, Record<string, number>>;
		const status = rule.kind === 'throttle' ? 429 : (rule.status ?? 500);
		const action = rule.action ?? '';
		return (this.emu.stats.byAction[action]?.[status] ?? 0) > (counted[action]?.[status] ?? 0);
	}

	/**
	 * Runs the poll and judges how it ended: only a refusal may fail it, a refusal must fail it,
	 * and a failed poll must leave the stored state (`stateOf`, as text) byte for byte. Returns
	 * the poll's items (undefined when it failed) and how many faults hit a request.
	 */
	async run(
		poll: () => Promise<IDataObject[]>,
		stateOf: () => string,
		fail: (message: string) => never,
	): Promise<{ items: IDataObject[] | undefined; faults: number }> {
		const before = stateOf();
		let items: IDataObject[] | undefined;
		let failure: unknown;
		try {
			items = await poll();
		} catch (error) {
			failure = error;
		}
		this.emu.faults.clear();
		const refused = this.hit(this.refuse);
		if (items === undefined) {
			if (!refused) fail(`unexpected poll failure: ${(failure as Error).stack}`);
			if (stateOf() !== before) fail('a failed poll changed the stored state');
		} else if (refused) {
			fail(`a refused ${this.refuse?.action} did not fail the poll`);
		}
		return {
			items,
			faults:
				this.expired +
				Number(refused) +
				Number(this.hit(this.transient)) +
				Number(this.hit(this.throttle)),
		};
	}
}
