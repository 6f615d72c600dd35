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

const STATE_KEY = 'scimDirectory';

export class Directory {
	readonly users = new Map<string, IDataObject>();
	readonly groups = new Map<string, IDataObject>();
	/** Counts changes; the stored copy with the higher revision is the newer one. */
	revision = 0;

	of(kind: Kind): Map<string, IDataObject> {
		return kind === 'User' ? this.users : this.groups;
	}

	toJSON(): IDataObject {
		return { revision: this.revision, users: [...this.users.values()], groups: [...this.groups.values()] };
	}

	static fromJSON(value: unknown): Directory {
		const directory = new Directory();
		if (value === null || typeof value !== 'object') return directory;
		const stored = value as IDataObject;
		directory.revision = typeof stored.revision === 'number' ? stored.revision : 0;
		for (const [list, map] of [[stored.users, directory.users], [stored.groups, directory.groups]] as const) {
			if (!Array.isArray(list)) continue;
			for (const resource of list as IDataObject[]) if (typeof resource?.id === 'string') map.set(resource.id, resource);
		}
		return directory;
	}
}

const directories = new Map<string, Directory>();
const MAX_DIRECTORIES = 200;

function storedRevision(value: unknown): number {
	if (value instanceof Holder) return value.directory.revision;
	const revision = (value as IDataObject | undefined)?.revision;
	return typeof revision === 'number' ? revision : -1;
}

/** What sits in static data: serializes the live directory whenever n8n writes it. */
class Holder {
	constructor(readonly directory: Directory) {}

	toJSON(): IDataObject {
		return this.directory.toJSON();
	}
}

/**
 * The directory for `scope` (workflow, node, mode): the one in memory, or the stored one when
 * this process has none or the stored one is newer (another process changed it).
 */
export function directoryFor(scope: string, staticData: IDataObject): Directory {
	const stored = staticData[STATE_KEY];
	let directory = directories.get(scope);
	if (!directory || storedRevision(stored) > directory.revision) {
		directory = stored instanceof Holder ? stored.directory : Directory.fromJSON(stored);
		directories.set(scope, directory);
		if (directories.size > MAX_DIRECTORIES) directories.delete(directories.keys().next().value as string);
	}
	return directory;
}

/** After a change: static data holds the live directory, and n8n sees it as changed and saves it. */
export function persist(staticData: IDataObject, directory: Directory): void {
	directory.revision++;
	staticData[STATE_KEY] = new Holder(directory) as unknown as IDataObject;
}

/** Tests: forget every directory in memory (as a restarted n8n would). */
export function clearDirectories(): void {
	directories.clear();
}
