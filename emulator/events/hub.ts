import { randomBytes } from 'crypto';

import { EVENT_PREFIX } from '../../nodes/AlibabaIdaasEventTrigger/eventTypes';
import { ApiError } from '../errors';
import { PushGate } from '../pushGate';
import { newId } from '../ids';
import type { Store } from '../store';
import { deliver, post, tokenFor, type Batch, type PushConfig, type WireEvent } from './delivery';
import { forge, KeyRing, type Forgery } from './keys';
import { EventLog } from './log';
import { observeStore, type Change } from './observe';
import { ouBizData, userBizData } from './records';

/**
 * The emulator's event-callback sender ("synchronize to application", shortcut mode): per
 * application a key ring (served as its JWKS), a push configuration, and a queue that turns
 * every store change in the application's scope into the documented event and delivers it.
 */

export type PushInput = Partial<PushConfig> & { applicationId?: string; url: string };

const DEFAULTS: Omit<PushConfig, 'applicationId' | 'url' | 'encryptionKey'> = {
	events: [],
	encrypt: true,
	passwordSync: false,
	fieldNames: 'v1.1',
	batchSize: 50,
	timeoutMs: 10_000,
	maxRetries: 5,
	retryDelayMs: 1000,
	concurrency: 1,
};

interface Queue {
	pending: Batch[];
	inFlight: number;
	/** Fault: the next `reorder` events are held, then sent newest first. */
	reorder: number;
	held: WireEvent[];
	duplicate: number;
}

export class EventHub {
	readonly log = new EventLog();
	private readonly configs = new Map<string, PushConfig>();
	private readonly rings = new Map<string, KeyRing>();
	private readonly queues = new Map<string, Queue>();
	/** JWKS documents served (receivers' key fetches). */
	jwksServed = 0;
	private readonly gate = new PushGate();
	private lastTime = 0;
	private closed = false;

	constructor(private readonly store: Store) {
		observeStore(
			store,
			(change) => this.onChange(change),
			() => !this.gate.isQuiet && this.configs.size > 0,
		);
	}

	/** Runs `fn` (seed loading) without sending events. */
	quiet<T>(fn: () => T): T {
		return this.gate.quietly(fn);
	}

	ring(applicationId: string): KeyRing {
		let ring = this.rings.get(applicationId);
		if (!ring) this.rings.set(applicationId, (ring = new KeyRing()));
		return ring;
	}

	/** GET /v2/{instanceId}/{applicationId}/provisioning/jwks, for known applications of this instance. */
	jwks(pathname: string): unknown | undefined {
		const m = /^\/v2\/([^/]+)\/([^/]+)\/provisioning\/jwks\/?$/.exec(pathname);
		if (!m || m[1] !== this.store.instanceId || !this.store.applications.has(m[2]))
			return undefined;
		this.jwksServed++;
		return this.ring(m[2]).jwks();
	}

	jwksUrl(baseUrl: string, applicationId: string): string {
		return `${baseUrl}/v2/${this.store.instanceId}/${applicationId}/provisioning/jwks`;
	}

	configure(input: PushInput): PushConfig {
		const applicationId = input.applicationId ?? this.store.application.applicationId;
		if (!this.store.applications.has(applicationId))
			throw new ApiError(
				404,
				'application_not_found',
				`Application id not found: ${applicationId}`,
			);
		if (typeof input.url !== 'string' || !URL.canParse(input.url))
			throw new ApiError(
				400,
				'InvalidParameter.CallbackUrl',
				'The push configuration needs a valid url.',
			);
		const previous = this.configs.get(applicationId);
		const config: PushConfig = {
			...DEFAULTS,
			...previous,
			...input,
			applicationId,
			encryptionKey:
				input.encryptionKey ?? previous?.encryptionKey ?? randomBytes(32).toString('hex'),
		};
		if (!/^[0-9a-fA-F]{64}$/.test(config.encryptionKey))
			throw new ApiError(
				400,
				'InvalidParameter.EncryptKey',
				'The encryption key must be 64 hexadecimal characters.',
			);
		this.configs.set(applicationId, config);
		this.ring(applicationId);
		return config;
	}

	remove(applicationId: string): void {
		this.configs.delete(applicationId);
	}

	config(applicationId: string): PushConfig {
		const config = this.configs.get(applicationId);
		if (!config)
			throw new ApiError(
				404,
				'PushNotConfigured',
				`Application ${applicationId} has no push configuration.`,
			);
		return config;
	}

	/** Forgets configurations, queues and the log (emulator reset); key rings stay, as the receiver's cache would. */
	reset(pushes: PushInput[] = []): void {
		this.configs.clear();
		for (const queue of this.queues.values()) queue.pending = [];
		this.log.reset();
		for (const push of pushes) this.configure(push);
	}

	faults(
		applicationId: string,
		input: { duplicate?: number; reorder?: number },
	): { duplicate: number; reorder: number } {
		const queue = this.queue(applicationId);
		if (input.duplicate !== undefined) queue.duplicate = Math.max(0, Number(input.duplicate));
		if (input.reorder !== undefined) queue.reorder = Math.max(0, Number(input.reorder));
		return { duplicate: queue.duplicate, reorder: queue.reorder };
	}

	/** The console's "test connection": one common:test event; resolves with its outcome. */
	async sendTest(applicationId: string): Promise<string> {
		const event = this.wire(`${EVENT_PREFIX}common:test`, '', {});
		this.log.queued({
			eventId: event.eventId,
			applicationId,
			eventType: event.eventType,
			bizId: '',
			wire: event,
		});
		this.enqueue(applicationId, [event]);
		await this.settled();
		return (
			(this.log.toJSON().recentEvents.find((e) => e.eventId === event.eventId)
				?.outcome as string) ?? 'pending'
		);
	}

	/** The console's "one-click push": every OU (parents first) and user in scope, in batches. */
	fullPush(applicationId: string): {
		organizationalUnits: number;
		users: number;
		requests: number;
	} {
		const config = this.config(applicationId);
		const roots = new Set(
			this.store.applications.get(applicationId)!.provisioningScope.organizationalUnitIds,
		);
		const events: WireEvent[] = [];
		const queue = [...roots];
		let ous = 0;
		while (queue.length) {
			const ouId = queue.shift()!;
			const ou = this.store.ous.get(ouId);
			if (!ou) continue;
			ous++;
			events.push(
				this.wire(
					`${EVENT_PREFIX}ud:organizational_unit:push`,
					ouId,
					ouBizData(ou, config.fieldNames),
				),
			);
			queue.push(
				...this.store
					.childPage(ouId, 0, Number.MAX_SAFE_INTEGER)
					.map((c) => c.organizationalUnitId),
			);
		}
		let users = 0;
		for (const user of this.store.users.values()) {
			if (!this.store.isWithin(user.primaryOrganizationalUnitId, roots)) continue;
			users++;
			const password = config.passwordSync ? user.password : undefined;
			events.push(
				this.wire(
					`${EVENT_PREFIX}ud:user:push`,
					user.userId,
					userBizData(this.store, user, config.fieldNames, password),
				),
			);
		}
		for (const e of events)
			this.log.queued({
				eventId: e.eventId,
				applicationId,
				eventType: e.eventType,
				bizId: e.bizId,
				wire: e,
			});
		let requests = 0;
		for (let i = 0; i < events.length; i += config.batchSize) {
			this.enqueue(applicationId, events.slice(i, i + config.batchSize));
			requests++;
		}
		return { organizationalUnits: ous, users, requests };
	}

	/** The sync log's manual re-push: the last `count` events again, same IDs, one request each. */
	replay(applicationId: string, count: number): number {
		this.config(applicationId);
		const events = this.log.lastSent(applicationId, count);
		for (const event of events) this.enqueue(applicationId, [event]);
		return events.length;
	}

	/** Sends one forged request (see keys.ts) and returns the receiver's answer. */
	async forge(
		applicationId: string,
		kind: Forgery,
	): Promise<{ status: number | 'error'; body?: unknown }> {
		const config = this.config(applicationId);
		const event = this.wire(`${EVENT_PREFIX}ud:user:update_info`, 'user_forged', {
			userId: 'user_forged',
		});
		const { claims } = tokenFor(config, this.ring(applicationId), this.store.instanceId, [event]);
		const result = await post(
			config.url,
			forge(this.ring(applicationId), claims, kind),
			config.timeoutMs,
		).catch(() => ({ status: 'error' as const, body: undefined }));
		this.log.forged.push({ kind, status: result.status });
		return result;
	}

	/** Resolves when nothing is queued or in flight (false after `timeoutMs`). */
	settled(timeoutMs = 120_000): Promise<boolean> {
		return this.gate.settled(this.isIdle(), timeoutMs);
	}

	close(): void {
		this.closed = true;
		for (const queue of this.queues.values()) queue.pending = [];
	}

	private onChange(change: Change): void {
		for (const config of this.configs.values()) {
			if (config.events.length > 0 && !config.events.includes(change.code)) continue;
			if (change.ouIds && !this.inScope(config.applicationId, change.ouIds)) continue;
			const data = { ...change.bizData[config.fieldNames] };
			if (config.passwordSync && change.password !== undefined) data.password = change.password;
			const event = this.wire(change.code, change.bizId, data);
			this.log.queued({
				eventId: event.eventId,
				applicationId: config.applicationId,
				eventType: event.eventType,
				bizId: event.bizId,
				wire: event,
			});
			const queue = this.queue(config.applicationId);
			if (queue.reorder > 0) {
				queue.held.push(event);
				if (queue.held.length < queue.reorder) continue;
				queue.reorder = 0;
				for (const held of queue.held.splice(0).reverse())
					this.enqueue(config.applicationId, [held]);
				continue;
			}
			this.enqueue(config.applicationId, [event]);
		}
	}

	private inScope(applicationId: string, ouIds: string[]): boolean {
		const roots = new Set(
			this.store.applications.get(applicationId)?.provisioningScope.organizationalUnitIds ?? [],
		);
		return ouIds.some(
			(id) => id && (roots.has(id) || (this.store.ous.has(id) && this.store.isWithin(id, roots))),
		);
	}

	/** eventTime strictly increases, so sorting by it gives the order of the changes. */
	private wire(eventType: string, bizId: string, bizData: Record<string, unknown>): WireEvent {
		this.lastTime = Math.max(Date.now(), this.lastTime + 1);
		return {
			eventId: newId('evnt_', 37),
			eventType,
			eventTime: String(this.lastTime),
			bizId,
			bizData: JSON.stringify(bizData),
		};
	}

	private queue(applicationId: string): Queue {
		let queue = this.queues.get(applicationId);
		if (!queue)
			this.queues.set(
				applicationId,
				(queue = { pending: [], inFlight: 0, reorder: 0, held: [], duplicate: 0 }),
			);
		return queue;
	}

	private enqueue(applicationId: string, events: WireEvent[], attempts = 0): void {
		const queue = this.queue(applicationId);
		const duplicate = queue.duplicate > 0;
		if (duplicate) queue.duplicate--;
		queue.pending.push({ events, attempts, duplicate });
		this.pump(applicationId);
	}

	private pump(applicationId: string): void {
		const queue = this.queue(applicationId);
		const config = this.configs.get(applicationId);
		while (
			config &&
			!this.closed &&
			queue.inFlight < config.concurrency &&
			queue.pending.length > 0
		) {
			const batch = queue.pending.shift()!;
			queue.inFlight++;
			void deliver(
				config,
				this.ring(applicationId),
				this.store.instanceId,
				batch,
				this.log,
				() => this.closed,
			)
				.then(({ again, attempts }) => {
					if (again.length > 0) queue.pending.push({ events: again, attempts });
				})
				.finally(() => {
					queue.inFlight--;
					this.pump(applicationId);
					if (this.isIdle()) this.gate.drained();
				});
		}
		if (!config) queue.pending = [];
	}

	private isIdle(): boolean {
		for (const queue of this.queues.values())
			if (queue.inFlight > 0 || queue.pending.length > 0) return false;
		return true;
	}
}
