import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { catalogOp } from '../catalog';
import { IdaasClient } from '../request/client';

/**
 * Organizational units for the From List picker, labelled with their path ("Acme / Sales / EMEA")
 * because sibling units in different branches often share a name. There is no "list all units"
 * call: the tree is walked depth-first from the application's provisioning scope (the only units
 * it may see); each unit is listed once, under the first path the walk reaches it by.
 *
 * The walk is kept for the picker's session: opening the picker (no filter, no page token) starts
 * a walk; typing a filter and scrolling reuse it and filter locally, walking further only when
 * the units walked so far do not fill a page. Each call sends at most REQUESTS_PER_CALL requests,
 * the scope's own look-ups included; the page token is how far into the walk the page ended.
 */

type Unit = [id: string, label: string];

const RESULTS_PER_CALL = 100;
const REQUESTS_PER_CALL = 40;
/** How long a picker session's walk is reused, and how many sessions are kept. */
const SESSION_TTL_MS = 120_000;
const MAX_SESSIONS = 20;

interface Walk {
	/** Units in tree order, as far as walked. */
	units: Unit[];
	/** Units whose children are not listed yet, next first. */
	stack: Unit[];
	/** Whether the first unit of `stack` is in `units` already. */
	topListed: boolean;
	/** Scope units not named yet (one inside another may be reached through it first). */
	roots: string[];
	seen: Set<string>;
	expiresAt: number;
	/** Steps of the walk run one at a time, whichever picker call asks. */
	queue: Promise<unknown>;
}

const sessions = new Map<string, Walk>();

async function startWalk(client: IdaasClient): Promise<Walk> {
	const scope = await client.call(catalogOp('GetApplicationProvisioningScope'), {});
	const roots = (
		Array.isArray(scope.organizationalUnitIds) ? scope.organizationalUnitIds : []
	).filter((id): id is string => typeof id === 'string');
	return {
		units: [],
		stack: [],
		topListed: false,
		roots,
		seen: new Set(),
		expiresAt: Date.now() + SESSION_TTL_MS,
		queue: Promise.resolve(),
	};
}

/** The walk of this picker session, or a new one when the picker was just opened. */
async function walkFor(
	client: IdaasClient,
	fresh: boolean,
): Promise<{ walk: Walk; requests: number }> {
	const { baseUrl, instanceId, applicationId } = client.connection;
	const key = `${baseUrl}|${instanceId}|${applicationId}`;
	const kept = sessions.get(key);
	if (kept && !fresh && kept.expiresAt > Date.now()) return { walk: kept, requests: 0 };
	const walk = await startWalk(client);
	sessions.delete(key);
	sessions.set(key, walk);
	// The oldest sessions go first (a Map keeps insertion order).
	for (const old of sessions.keys()) if (sessions.size > MAX_SESSIONS) sessions.delete(old);
	return { walk, requests: 1 };
}

/**
 * One step of the walk: list the children of the next unit (they come next, depth-first), or
 * name the next scope root. State changes only after the requests succeed. Returns the requests sent.
 */
async function step(client: IdaasClient, walk: Walk): Promise<number> {
	const next = walk.stack[0];
	if (next) {
		const [id, label] = next;
		const children: IDataObject[] = [];
		// One request per page; a unit without children still costs the one that says so.
		let requests = 0;
		for await (const page of client.pages(
			client.prepare(catalogOp('ListOrganizationalUnits'), { parentId: id }),
		)) {
			requests++;
			children.push(...page);
		}
		requests = Math.max(requests, 1);
		children.sort((a, b) =>
			String(a.organizationalUnitName).localeCompare(String(b.organizationalUnitName)),
		);
		const fresh = children.map(
			(child): Unit => [
				String(child.organizationalUnitId),
				`${label} / ${String(child.organizationalUnitName ?? child.organizationalUnitId)}`,
			],
		);
		walk.stack.shift();
		walk.stack.unshift(...fresh.filter(([childId]) => !walk.seen.has(childId)));
		walk.topListed = false;
		for (const [childId] of fresh) walk.seen.add(childId);
		return requests;
	}
	const root = walk.roots[0];
	if (walk.seen.has(root)) {
		walk.roots.shift();
		return 0;
	}
	const ou = await client.call(catalogOp('GetOrganizationalUnit'), { organizationalUnitId: root });
	walk.roots.shift();
	walk.seen.add(root);
	walk.stack.unshift([root, String(ou.organizationalUnitName ?? root)]);
	walk.topListed = false;
	return 1;
}

/** Takes the next unit of the walk into `units` (walking as needed); false when the walk is done or the budget spent. */
async function advance(
	client: IdaasClient,
	walk: Walk,
	budget: { left: number },
): Promise<boolean> {
	while (walk.stack.length > 0 || walk.roots.length > 0) {
		// A unit goes into the list when taken, before its children are listed: the list reads like the tree.
		if (walk.stack.length > 0 && !walk.topListed) {
			walk.units.push(walk.stack[0]);
			walk.topListed = true;
			return true;
		}
		if (budget.left <= 0) return false;
		budget.left -= await step(client, walk);
	}
	return false;
}

export async function getOrganizationalUnits(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await IdaasClient.connect(this);
	const needle = (filter ?? '').trim().toLowerCase();
	const matches = ([id, label]: Unit) =>
		!needle || label.toLowerCase().includes(needle) || id.toLowerCase() === needle;
	const offset = Math.max(0, Number(paginationToken) || 0);
	const { walk, requests } = await walkFor(client, !needle && !paginationToken);
	const budget = { left: REQUESTS_PER_CALL - requests };
	const run = walk.queue.then(async () => {
		const results: INodeListSearchResult['results'] = [];
		let index = offset;
		while (results.length < RESULTS_PER_CALL) {
			if (index >= walk.units.length && !(await advance(client, walk, budget))) break;
			const unit = walk.units[index++];
			if (matches(unit)) results.push({ name: unit[1], value: unit[0] });
		}
		const more = index < walk.units.length || walk.stack.length > 0 || walk.roots.length > 0;
		return { results, paginationToken: more ? String(index) : undefined };
	});
	walk.queue = run.catch(() => undefined);
	return await run;
}
