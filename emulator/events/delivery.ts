import { randomBytes } from 'crypto';

import { ISSUER } from '../../nodes/AlibabaIdaasEventTrigger/jose';
import { encrypt, type KeyRing } from './keys';

/**
 * Delivers events to one application's push URL the way the docs describe IDaaS doing it
 * (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/overview-2): POST
 * `{"event": <JWT>}`, an answer expected within 10 s, up to five retries without an HTTP 200;
 * events the answer lists in retriedEvents are sent again within the same cap. Retry spacing
 * is not documented (configurable here). Every attempt is signed afresh (new jti, iat).
 */

export interface PushConfig {
	applicationId: string;
	url: string;
	/** Subscribed type codes; all when empty. */
	events: string[];
	encrypt: boolean;
	/** 64 hex characters (generated when not given). */
	encryptionKey: string;
	passwordSync: boolean;
	fieldNames: 'v1.1' | 'v1.0';
	/** Events per request in a full push (undocumented; 50 here). */
	batchSize: number;
	timeoutMs: number;
	maxRetries: number;
	retryDelayMs: number;
	/** Requests in flight at once (1 keeps incremental events in order). */
	concurrency: number;
}

export interface WireEvent {
	eventId: string;
	eventType: string;
	eventTime: string;
	bizId: string;
	bizData: string;
}

export type Outcome = 'success' | 'skipped' | 'failed' | 'retried' | 'undelivered';

export interface Attempt {
	jti: string;
	eventIds: string[];
	status: number | 'timeout' | 'error';
	ms: number;
	/** The receiver's body, for a 200. */
	answer?: unknown;
}

export interface Batch {
	events: WireEvent[];
	/** Attempts made so far for these events (a retriedEvents resend continues the count). */
	attempts: number;
	/** Fault: send this batch twice. */
	duplicate?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface DeliveryLog {
	attempt(entry: Attempt): void;
	outcome(eventId: string, outcome: Outcome): void;
}

/** The business data and claims of one request, signed: what IDaaS POSTs. */
export function tokenFor(
	config: PushConfig,
	ring: KeyRing,
	instanceId: string,
	events: WireEvent[],
): { token: string; jti: string; claims: Record<string, unknown> } {
	const data = JSON.stringify({
		instanceId,
		aliUid: '1021806970344813',
		eventVersion: 'V1.0',
		eventData: JSON.stringify(events),
	});
	const now = Math.floor(Date.now() / 1000);
	const jti = randomBytes(16).toString('base64url');
	const claims = {
		iss: ISSUER,
		sub: instanceId,
		aud: config.applicationId,
		exp: now + 1800,
		iat: now,
		jti,
		dataEncrypted: config.encrypt,
		cipherData: config.encrypt ? encrypt(data, config.encryptionKey) : '',
		plainData: config.encrypt ? '' : JSON.parse(data),
	};
	return { token: ring.sign(claims), jti, claims };
}

export async function post(
	url: string,
	token: string,
	timeoutMs: number,
): Promise<{ status: number; body: unknown }> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json;charset=utf-8' },
		body: JSON.stringify({ event: token }),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		/* not JSON: kept as text */
	}
	return { status: response.status, body };
}

const LISTS: Array<[string, Outcome]> = [
	['successEvents', 'success'],
	['skippedEvents', 'skipped'],
	['failedEvents', 'failed'],
	['retriedEvents', 'retried'],
];

/** Sends one batch until an HTTP 200 or the retry cap; returns the events the receiver asked to get again, and the attempts used. */
export async function deliver(
	config: PushConfig,
	ring: KeyRing,
	instanceId: string,
	batch: Batch,
	log: DeliveryLog,
	closed: () => boolean,
): Promise<{ again: WireEvent[]; attempts: number }> {
	let attempts = batch.attempts;
	while (attempts <= config.maxRetries && !closed()) {
		const { token, jti } = tokenFor(config, ring, instanceId, batch.events);
		const started = Date.now();
		let status: Attempt['status'];
		let body: unknown;
		try {
			({ status, body } = await post(config.url, token, config.timeoutMs));
		} catch (error) {
			status = (error as Error).name === 'TimeoutError' ? 'timeout' : 'error';
		}
		attempts++;
		log.attempt({
			jti,
			eventIds: batch.events.map((e) => e.eventId),
			status,
			ms: Date.now() - started,
			...(status === 200 ? { answer: body } : {}),
		});
		if (status === 200) {
			if (batch.duplicate) {
				batch.duplicate = false;
				const again = tokenFor(config, ring, instanceId, batch.events);
				const copy = await post(config.url, again.token, config.timeoutMs).catch(() => ({
					status: 'error' as const,
				}));
				log.attempt({
					jti: again.jti,
					eventIds: batch.events.map((e) => e.eventId),
					status: copy.status,
					ms: 0,
					answer: 'body' in copy ? copy.body : undefined,
				});
			}
			return { again: outcomes(batch, body, log, attempts > config.maxRetries), attempts };
		}
		if (attempts <= config.maxRetries) await sleep(config.retryDelayMs);
	}
	for (const event of batch.events) log.outcome(event.eventId, 'undelivered');
	return { again: [], attempts };
}

/** Records each event's list; an event the body does not list counts as success (any 200 is accepted). */
function outcomes(batch: Batch, body: unknown, log: DeliveryLog, capReached: boolean): WireEvent[] {
	const listed = new Map<string, Outcome>();
	for (const [list, outcome] of LISTS) {
		const entries = (body as Record<string, unknown> | null)?.[list];
		if (Array.isArray(entries))
			for (const e of entries) listed.set(String((e as { eventId?: unknown })?.eventId), outcome);
	}
	const again: WireEvent[] = [];
	for (const event of batch.events) {
		const outcome = listed.get(event.eventId) ?? 'success';
		if (outcome === 'retried' && !capReached) again.push(event);
		else log.outcome(event.eventId, outcome === 'retried' ? 'undelivered' : outcome);
	}
	return again;
}
