import type { IncomingMessage, ServerResponse } from 'http';

import { dispatch } from '../controlDispatch';
import { ApiError } from '../errors';
import type { PushConfig } from './delivery';
import type { EventHub, PushInput } from './hub';
import { FORGERIES, type Forgery } from './keys';

/**
 * `/__emulator/events/...`: the push configuration and the console's buttons, for tests that
 * run the receiver (n8n) in another process.
 *
 *   PUT    apps/{appId}           push configuration (url, events, encrypt, encryptionKey, passwordSync, ...)
 *   DELETE apps/{appId}           push off
 *   POST   apps/{appId}/test      test connection (answers with the event's outcome)
 *   POST   apps/{appId}/push      one-click full push
 *   POST   apps/{appId}/forge     {kind}: one forged request, answers with the receiver's answer
 *   POST   apps/{appId}/replay    {last}: the last N events again (the sync log's re-push; same event IDs)
 *   POST   apps/{appId}/faults    {duplicate, reorder}: the next N deliveries twice / N events reversed
 *   POST   apps/{appId}/rotate    {dropOld}: a new signing key
 *   GET    log                    what was sent and how it was answered (DELETE: forget it)
 *   POST   settle                 {timeoutMs}: waits until nothing is queued or in flight
 */

type Body = Record<string, unknown>;
interface Ctx {
	hub: EventHub;
	baseUrl: string;
}
type Handler = (ctx: Ctx, body: Body, appId: string) => unknown;

const ROUTES: Array<[string, RegExp, Handler]> = [
	[
		'PUT',
		/^apps\/([^/]+)$/,
		({ hub, baseUrl }, body, id) =>
			view(hub, hub.configure({ ...(body as PushInput), applicationId: id }), baseUrl),
	],
	['DELETE', /^apps\/([^/]+)$/, ({ hub }, _b, id) => (hub.remove(id), {})],
	[
		'POST',
		/^apps\/([^/]+)\/test$/,
		async ({ hub }, _b, id) => ({ outcome: await hub.sendTest(id) }),
	],
	['POST', /^apps\/([^/]+)\/push$/, ({ hub }, _b, id) => hub.fullPush(id)],
	['POST', /^apps\/([^/]+)\/forge$/, ({ hub }, body, id) => hub.forge(id, forgery(body.kind))],
	[
		'POST',
		/^apps\/([^/]+)\/replay$/,
		({ hub }, body, id) => ({ replayed: hub.replay(id, Number(body.last ?? 1)) }),
	],
	[
		'POST',
		/^apps\/([^/]+)\/faults$/,
		({ hub }, body, id) => hub.faults(id, body as { duplicate?: number; reorder?: number }),
	],
	[
		'POST',
		/^apps\/([^/]+)\/rotate$/,
		({ hub }, body, id) => ({ kid: hub.ring(id).rotate(body.dropOld === true) }),
	],
	['GET', /^log$/, ({ hub }) => hub.log.toJSON()],
	['DELETE', /^log$/, ({ hub }) => (hub.log.reset(), {})],
	[
		'POST',
		/^settle$/,
		async ({ hub }, body) => ({
			settled: await hub.settled(Number(body.timeoutMs ?? 120_000)),
			...hub.log.toJSON(),
		}),
	],
];

function forgery(kind: unknown): Forgery {
	if (!FORGERIES.includes(kind as Forgery))
		throw new ApiError(400, 'InvalidParameter.Kind', `kind must be one of ${FORGERIES.join(', ')}`);
	return kind as Forgery;
}

/** The configuration with where to fetch its keys; the key is returned too (this is a test API). */
function view(hub: EventHub, config: PushConfig, baseUrl: string) {
	return { ...config, jwksUrl: hub.jwksUrl(baseUrl, config.applicationId) };
}

export async function handleEventsControl(
	hub: EventHub,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	baseUrl: string,
	requestId: string,
): Promise<void> {
	await dispatch(ROUTES, { hub, baseUrl }, req, res, url, '/__emulator/events/', requestId);
}
