import { EventRejected, parseJson } from './jose';

/**
 * The business data of a verified token (the `plainData` claim, or the decrypted `cipherData`):
 * `{instanceId, aliUid, eventVersion, eventData}` where eventData is a JSON string of an array
 * and each element's bizData is a JSON string of the record (Alibaba's receiver SDK,
 * https://github.com/aliyunidaas/java-push-sdk, SyncEvent/EventData). Both levels are also
 * accepted already parsed, and numbers as numbers or strings.
 */

export interface RawEvent {
	eventId: string;
	eventType: string;
	/** Epoch ms. */
	eventTime: number;
	bizId: string;
	bizData: Record<string, unknown>;
	/** Why the record could not be read; the event is answered failed, the others go ahead. */
	problem?: string;
}

export interface BusinessData {
	instanceId: string;
	aliUid: string;
	eventVersion: string;
	events: RawEvent[];
}

function parsed(value: unknown, what: string): unknown {
	if (typeof value !== 'string') return value;
	if (value === '') return undefined;
	const result = parseJson(value);
	if (!result) throw new EventRejected(`The ${what} is not JSON`, 400);
	return result.value;
}

function text(value: unknown): string {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

export function businessData(raw: unknown): BusinessData {
	const data = parsed(raw, 'event data');
	if (!data || typeof data !== 'object' || Array.isArray(data))
		throw new EventRejected('The token carries no event data', 400);
	const body = data as Record<string, unknown>;
	const list = parsed(body.eventData, 'eventData list') ?? [];
	if (!Array.isArray(list)) throw new EventRejected('eventData is not a list', 400);
	const events = list.map((entry: unknown, index): RawEvent => {
		const e = (entry ?? {}) as Record<string, unknown>;
		const eventId = text(e.eventId);
		const eventType = text(e.eventType);
		if (!eventId || !eventType)
			throw new EventRejected(`Event ${index + 1} has no eventId or eventType`, 400);
		const event = { eventId, eventType, eventTime: Number(e.eventTime) || 0, bizId: text(e.bizId) };
		let biz: unknown;
		try {
			biz = parsed(e.bizData, 'bizData') ?? {};
		} catch (error) {
			return { ...event, bizData: {}, problem: (error as Error).message };
		}
		return {
			...event,
			bizData:
				biz && typeof biz === 'object' && !Array.isArray(biz)
					? (biz as Record<string, unknown>)
					: { value: biz },
		};
	});
	return {
		instanceId: text(body.instanceId),
		aliUid: text(body.aliUid),
		eventVersion: text(body.eventVersion),
		events,
	};
}
