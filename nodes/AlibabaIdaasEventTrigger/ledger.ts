import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/**
 * Which event IDs this trigger has already started the workflow for, so that IDaaS's retries
 * and a re-push from the sync log (both documented to repeat events) start nothing twice.
 *
 * Two layers:
 * - in memory, per workflow and node, for the life of the n8n process: requests run
 *   concurrently, and each reads the workflow's static data as it was when the request came, so
 *   only a process-wide record sees a duplicate that arrives while the first copy is in flight;
 * - in the workflow's static data, which n8n saves after each webhook call, so that a restarted
 *   n8n still knows what it emitted. Every save writes the whole in-memory record (a union), so
 *   concurrent requests do not erase each other's IDs.
 *
 * Bounded: the newest `limit` IDs are kept, each as a 12-character hash (72 bits), oldest
 * forgotten first. Across several webhook processes (queue mode with webhook processors) each
 * keeps its own memory and static data cannot decide between them: the Claim URL option has one
 * instance keep the ledger for all of them (claim.ts).
 */

export const DEFAULT_LIMIT = 10_000;
const STATE_KEY = 'seenEventIds';

function digest(eventId: string): string {
	return createHash('sha256').update(eventId).digest('base64url').slice(0, 12);
}

class Ledger {
	/** Insertion-ordered: the first entries are the oldest. */
	readonly seen = new Set<string>();

	absorb(ids: readonly string[]): void {
		for (const id of ids) this.seen.add(id);
	}

	trim(limit: number): void {
		for (const id of this.seen) {
			if (this.seen.size <= limit) break;
			this.seen.delete(id);
		}
	}
}

const ledgers = new Map<string, Ledger>();
const MAX_LEDGERS = 200;

function stored(staticData: IDataObject): string[] {
	const value = staticData[STATE_KEY];
	return typeof value === 'string' && value ? value.split(',') : [];
}

/**
 * Claims the event IDs not seen before, in one synchronous step (no request can interleave),
 * records them in memory and in `staticData`, and returns those that are new.
 */
export function claimNew(
	scope: string,
	staticData: IDataObject,
	eventIds: readonly string[],
	limit = DEFAULT_LIMIT,
): Set<string> {
	let ledger = ledgers.get(scope);
	if (!ledger) {
		ledger = new Ledger();
		ledgers.set(scope, ledger);
		if (ledgers.size > MAX_LEDGERS) ledgers.delete(ledgers.keys().next().value as string);
	}
	ledger.absorb(stored(staticData));
	const fresh = new Set<string>();
	for (const eventId of eventIds) {
		const key = digest(eventId);
		if (ledger.seen.has(key)) continue;
		ledger.seen.add(key);
		fresh.add(eventId);
	}
	ledger.trim(Math.max(1, limit));
	if (fresh.size > 0) staticData[STATE_KEY] = [...ledger.seen].join(',');
	return fresh;
}

/** Tests: forget every in-memory ledger (as a restarted n8n would). */
export function clearLedgers(): void {
	ledgers.clear();
}
