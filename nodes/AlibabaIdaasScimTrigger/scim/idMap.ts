import type { IDataObject } from 'n8n-workflow';

/**
 * The trigger's directory: every user and group a SCIM client created here, by the ID this
 * trigger gave it, so that look-ups, GET by id, uniqueness and "what changed" can be answered
 * without calling anything. It lives in the workflow's static data, which n8n keeps in its
 * database with the workflow.
 *
 * Why it also lives in memory. n8n loads the workflow's static data from the database when a
 * webhook request comes, hands that copy to the node, and saves the whole copy back after the
 * node answered (packages/cli/src/webhooks/live-webhooks.ts, executeWebhook: `new Workflow({
 * staticData: workflowData.staticData })` ... `workflowStaticDataService.saveStaticData(workflow)`;
 * packages/cli/src/workflows/workflow-static-data.service.ts writes the column whole). Two pushes
 * at once both read the same old copy, and the later save erases the earlier one's user. n8n
 * itself serializes nothing here. So, within one n8n process:
 * - the directory of each workflow, node and mode is held in memory, and every request reads and
 *   changes that one object in a single synchronous step (JavaScript runs it to the end before any
 *   other request's code), so no change is lost in memory;
 * - what the node puts into static data is not a copy but a holder whose `toJSON` writes the
 *   memory as it is when n8n serializes it, so whichever save lands last, and the save n8n makes
 *   after the execution (execution-lifecycle-hooks.ts, `saveStaticDataById`), writes every change
 *   made before it. A restarted n8n reads the directory back from the database.
 * Several webhook processes (queue mode with webhook workers) each hold their own memory: route a
 * SCIM client to one process. The revision counter lets a process adopt a newer directory another
 * process saved, but two processes changing it at the same moment can still lose one change.
 */

export type Kind = 'User' | 'Group';

export class Directory {
	readonly users = new Map<string, IDataObject>();
	readonly groups = new Map<string, IDataObject>();
	/** Counts changes; the stored copy with the higher revision is the newer one. */
	revision = 0;

	of(kind: Kind): Map<string, IDataObject> {
		return kind === 'User' ? this.users : this.groups;
	}

	toJSON(): IDataObject {
		return {
			revision: this.revision,
			users: [...this.users.values()],
			groups: [...this.groups.values()],
		};
	}

	static fromJSON(value: unknown): Directory {
		const directory = new Directory();
		if (value === null || typeof value !== 'object') return directory;
		const stored = value as IDataObject;
		directory.revision = typeof stored.revision === 'number' ? stored.revision : 0;
		for (const [list, map] of [
			[stored.users, directory.users],
			[stored.groups, directory.groups],
		] as const) {
			if (!Array.isArray(list)) continue;
			for (const resource of list as IDataObject[])
				if (typeof resource?.id === 'string') map.set(resource.id, resource);
		}
		return directory;
	}
}

const directories = new Map<string, Directory>();
const MAX_DIRECTORIES = 200;

/** Where a holder keeps its directory: a symbol, so that nothing iterating static data sees it. */
const LIVE = Symbol('scimDirectory');

/**
 * What sits in static data: an object whose only members are non-enumerable, a `toJSON` that
 * serializes the live directory whenever n8n writes static data (JSON.stringify, and n8n-workflow's
 * deepCopy, which calls toJSON), and the directory under a symbol. Non-enumerable because n8n wraps
 * static data in ObservableObject proxies in place, recursing into every enumerable object
 * (packages/workflow/src/observable-object.ts); it must never reach the directory's Maps.
 */
function holder(directory: Directory): IDataObject {
	const value = {};
	Object.defineProperty(value, 'toJSON', { value: () => directory.toJSON(), enumerable: false });
	Object.defineProperty(value, LIVE, { value: directory, enumerable: false });
	return value as IDataObject;
}

function liveDirectory(value: unknown): Directory | undefined {
	const live =
		value !== null && typeof value === 'object'
			? (value as Record<symbol, unknown>)[LIVE]
			: undefined;
	return live instanceof Directory ? live : undefined;
}

function storedRevision(value: unknown): number {
	const live = liveDirectory(value);
	if (live) return live.revision;
	const revision = (value as IDataObject | undefined)?.revision;
	return typeof revision === 'number' ? revision : -1;
}

/** The static data key of one node's directory: by node ID, so that renaming the node keeps it. */
export function stateKey(nodeId: string): string {
	return `scimDirectory:${nodeId}`;
}

/**
 * The directory for `scope` (workflow, node, mode): the one in memory, or the stored one when
 * this process has none or the stored one is newer (another process changed it). `staticData` is
 * the workflow's global static data: reading it creates nothing, so a request that changes nothing
 * leaves it unchanged, and n8n writes nothing.
 */
export function directoryFor(scope: string, staticData: IDataObject, key: string): Directory {
	const stored = staticData[key];
	let directory = directories.get(scope);
	if (!directory || storedRevision(stored) > directory.revision) {
		directory = liveDirectory(stored) ?? Directory.fromJSON(stored);
		directories.set(scope, directory);
		if (directories.size > MAX_DIRECTORIES)
			directories.delete(directories.keys().next().value as string);
	}
	return directory;
}

/** After a change: the directory is newer than any stored copy. */
export function changed(directory: Directory): void {
	directory.revision++;
}

/**
 * Puts the live directory into static data when what n8n loaded is older than it; n8n then sees
 * static data as changed and saves it after the node answered. Called for every request the
 * trigger answers itself, and not for changes the workflow answers ("When Last Node Finishes",
 * Respond to Webhook): n8n saves their static data only after the workflow, which loses it on n8n
 * 2.41 (run → establishContextForPersistence wraps the same static data in a new Workflow first,
 * clearing its changed flag: packages/cli/src/workflow-runner.ts), and on 2.8 the slow save makes
 * n8n end the response before the Respond to Webhook node's answer is written
 * (packages/cli/src/webhooks/webhook-helpers.ts, setupResponseNodePromise). Those changes are
 * saved with the next request the trigger answers itself, such as the look-up a SCIM client sends
 * before its next create.
 */
export function save(staticData: IDataObject, key: string, directory: Directory): void {
	if (storedRevision(staticData[key]) < directory.revision) staticData[key] = holder(directory);
}

/** Tests: forget every directory in memory (as a restarted n8n would). */
export function clearDirectories(): void {
	directories.clear();
}
