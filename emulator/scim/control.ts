import type { IncomingMessage, ServerResponse } from 'http';

import { dispatch } from '../controlDispatch';
import { configView, type ScimPushInput } from './config';
import type { ScimHub } from './hub';

/**
 * `/__emulator/scim/...`: the SCIM push configuration and the console's one-click push, for tests
 * that run the SCIM target (n8n) in another process.
 *
 *   PUT    apps/{appId}        {url, preset, auth, ...switches} (config.ts); answers with secrets hidden
 *   GET    apps/{appId}        the configuration, secrets hidden
 *   DELETE apps/{appId}        push off
 *   POST   apps/{appId}/push   one-click full push: {users, groups} queued
 *   GET    apps/{appId}/ids    IDaaS ID → the target's ID, users and groups
 *   GET    log                 requests sent, answers by status, failures (DELETE: forget them)
 *   POST   settle              {timeoutMs}: waits until nothing is queued or in flight, then the log
 */

type Body = Record<string, unknown>;
type Handler = (hub: ScimHub, body: Body, appId: string) => unknown;

const ROUTES: Array<[string, RegExp, Handler]> = [
	[
		'PUT',
		/^apps\/([^/]+)$/,
		(hub, body, id) => configView(hub.configure(id, body as ScimPushInput)),
	],
	['GET', /^apps\/([^/]+)$/, (hub, _b, id) => configView(hub.config(id))],
	['DELETE', /^apps\/([^/]+)$/, (hub, _b, id) => (hub.remove(id), {})],
	['POST', /^apps\/([^/]+)\/push$/, (hub, _b, id) => hub.fullPush(id)],
	['GET', /^apps\/([^/]+)\/ids$/, (hub, _b, id) => hub.ids(id)],
	['GET', /^log$/, (hub) => hub.log.toJSON()],
	['DELETE', /^log$/, (hub) => (hub.log.reset(), {})],
	[
		'POST',
		/^settle$/,
		async (hub, body) => ({
			settled: await hub.settled(Number(body.timeoutMs ?? 120_000)),
			...hub.log.toJSON(),
		}),
	],
];

export async function handleScimControl(
	hub: ScimHub,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	requestId: string,
): Promise<void> {
	await dispatch(ROUTES, hub, req, res, url, '/__emulator/scim/', requestId);
}
