import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { PATH_SEPARATOR, catalogOp } from '../catalog';
import type { IdaasClient } from './client';

/**
 * Organizational units and groups named the way an HR sheet names them ("Sales",
 * "Acme / Sales / EMEA", "Sales Team"), turned into IDs, and IDs turned back into names for
 * outputs. One instance per client, so per execution (`directoryNames(client)`): every distinct
 * value is resolved once, however many items carry it, and the unit tree and the group list are
 * each read at most once.
 *
 * Units: the API has no look-up by name, so the tree the application may see (its provisioning
 * scope, https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-getapplicationprovisioningscope)
 * is read once, and a value matches a unit whose name is exactly the value (case-sensitive), or,
 * when no name matches, whose path is: the names from the scope's unit down, joined by " / ", as
 * the From List picker shows them (listSearch/getOrganizationalUnits.ts).
 * Groups: ListGroups' `groupNameStartWith` filter, then the exact name.
 *
 * No match, or several, is a NodeOperationError for that item naming the field and the value:
 * with the nearest names that exist, or with every candidate's path and ID. Never a silent pick.
 */

export interface NamedUnit {
	id: string;
	name: string;
	/** The names from the provisioning scope's unit down to this one, joined by PATH_SEPARATOR. */
	path: string;
}

export interface NamedGroup {
	id: string;
	name: string;
	externalId?: string;
}

/** What outputs say about a user beside its ID, as far as known. */
export interface NamedUser {
	id: string;
	username?: string;
	displayName?: string;
	email?: string;
}

/** How many close names a "no match" error offers. */
const NEAREST = 5;

/** Whitespace around the separators does not matter when comparing paths ("Acme/Sales" is "Acme / Sales"). */
const loosePath = (path: string) => path.replace(/\s*\/\s*/g, '/');

/** Edit distance, for "did you mean" suggestions only. */
function distance(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const row = [i];
		for (let j = 1; j <= b.length; j++) {
			row[j] = Math.min(
				previous[j] + 1,
				row[j - 1] + 1,
				previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
			);
		}
		previous = row;
	}
	return previous[b.length];
}

/** The known names closest to `value`: same letters ignoring case first, then containing it, then by edit distance. */
export function nearestNames(value: string, names: Iterable<string>, count = NEAREST): string[] {
	const needle = value.toLowerCase();
	const score = (name: string) => {
		const lower = name.toLowerCase();
		if (lower === needle) return -2;
		if (lower.includes(needle) || needle.includes(lower)) return -1;
		return distance(needle, lower);
	};
	return [...new Set(names)]
		.map((name) => ({ name, score: score(name) }))
		.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
		.slice(0, count)
		.map(({ name }) => name);
}

const quoted = (names: readonly string[]) => names.map((name) => `"${name}"`).join(', ');

export class DirectoryNames {
	private tree?: Promise<Map<string, NamedUnit>>;
	private allGroups?: Promise<Map<string, NamedGroup>>;
	private readonly unitMatches = new Map<string, Promise<NamedUnit[]>>();
	private readonly groupMatches = new Map<string, Promise<NamedGroup[]>>();
	/** Groups met so far (resolved by name, or listed), by ID. */
	private readonly knownGroups = new Map<string, NamedGroup>();
	private readonly users = new Map<string, NamedUser>();
	private readonly userReads = new Map<string, Promise<NamedUser>>();
	private readonly unitReads = new Map<string, Promise<NamedUnit | undefined>>();
	private readonly groupReads = new Map<string, Promise<NamedGroup | undefined>>();

	constructor(private readonly client: IdaasClient) {}

	/**
	 * The unit named `value`, or whose path is `value`. `field` is the field's label, for the
	 * error. Throws a NodeOperationError (for `itemIndex`) when none or several match.
	 */
	async unitByNameOrPath(field: string, value: unknown, itemIndex?: number): Promise<NamedUnit> {
		const text = this.text(field, 'By Name or Path', value, itemIndex);
		let pending = this.unitMatches.get(text);
		if (!pending) {
			pending = this.units().then((units) => {
				const all = [...units.values()];
				const byName = all.filter((unit) => unit.name === text);
				if (byName.length > 0) return byName;
				const byPath = all.filter((unit) => unit.path === text);
				return byPath.length > 0
					? byPath
					: all.filter((unit) => loosePath(unit.path) === loosePath(text));
			});
			this.remember(this.unitMatches, text, pending);
		}
		const matches = await pending;
		if (matches.length === 1) return matches[0];
		if (matches.length === 0) {
			const units = [...(await this.units()).values()];
			const near = nearestNames(text, [
				...units.map((unit) => unit.name),
				...units.map((unit) => unit.path),
			]);
			throw new NodeOperationError(
				this.client.node,
				`${field}: no organizational unit is named "${text}" or has that path`,
				{
					itemIndex,
					description: near.length
						? `Check the "${field}" field. Units with close names: ${quoted(near)}. Names are matched exactly, capitals included; a path is the names from the top joined by "${PATH_SEPARATOR}", as the list shows them.`
						: `Check the "${field}" field: the application sees no organizational unit at all (its provisioning scope is empty).`,
				},
			);
		}
		throw new NodeOperationError(
			this.client.node,
			`${field}: ${matches.length} organizational units are named "${text}"`,
			{
				itemIndex,
				description: `Give the full path of the one you mean instead of its name: ${matches.map((unit) => `"${unit.path}" (${unit.id})`).join(', ')}.`,
			},
		);
	}

	/** The group named exactly `value`. Throws a NodeOperationError (for `itemIndex`) when none or several match. */
	async groupByName(field: string, value: unknown, itemIndex?: number): Promise<NamedGroup> {
		const text = this.text(field, 'By Name', value, itemIndex);
		let pending = this.groupMatches.get(text);
		if (!pending) {
			pending = this.client
				.list(
					this.client.prepare(catalogOp('ListGroups'), { groupNameStartWith: text }, itemIndex),
					{ itemIndex },
				)
				.then((records) =>
					records.map((record) => this.groupOf(record)).filter((group) => group.name === text),
				);
			this.remember(this.groupMatches, text, pending);
		}
		const matches = await pending;
		if (matches.length === 1) return matches[0];
		if (matches.length === 0) {
			const near = nearestNames(
				text,
				[...(await this.groups()).values()].map((group) => group.name),
			);
			throw new NodeOperationError(this.client.node, `${field}: no group is named "${text}"`, {
				itemIndex,
				description: near.length
					? `Check the "${field}" field. Groups with close names: ${quoted(near)}. Names are matched exactly, capitals included.`
					: `Check the "${field}" field: the application sees no group at all.`,
			});
		}
		throw new NodeOperationError(
			this.client.node,
			`${field}: ${matches.length} groups are named "${text}"`,
			{
				itemIndex,
				description: `Choose the one you mean by ID: ${matches.map((group) => `${group.id}${group.externalId ? ` (external ID ${group.externalId})` : ''}`).join(', ')}.`,
			},
		);
	}

	/** A unit's name and path by ID, from the tree (read at most once); undefined when the application cannot see it. */
	async unit(id: string): Promise<NamedUnit | undefined> {
		return (await this.units()).get(id);
	}

	/** A group's name by ID: from a group already met, else from ListGroups (read at most once); undefined when not found. */
	async group(id: string): Promise<NamedGroup | undefined> {
		return this.knownGroups.get(id) ?? (await this.groups()).get(id);
	}

	/** A group already met this execution, without any request. */
	knownGroup(id: string): NamedGroup | undefined {
		return this.knownGroups.get(id);
	}

	/**
	 * A unit's name by ID for an output: from the tree when it is read or being read, else from
	 * GetOrganizationalUnit, once per ID per execution (naming two units must not read a large tree).
	 * Its `path` is the name alone then. Undefined when the unit cannot be read.
	 */
	async unitName(id: string): Promise<NamedUnit | undefined> {
		if (this.tree) return await this.unit(id);
		return await this.readOnce(this.unitReads, id, async () => {
			const record = await this.client.call(catalogOp('GetOrganizationalUnit'), {
				organizationalUnitId: id,
			});
			const name = String(record.organizationalUnitName ?? id);
			return { id, name, path: name };
		});
	}

	/** A group's name by ID for an output: one met already, the group list when read, else GetGroup once per ID per execution. */
	async groupName(id: string): Promise<NamedGroup | undefined> {
		const known = this.knownGroups.get(id);
		if (known) return known;
		if (this.allGroups) return await this.group(id);
		return await this.readOnce(this.groupReads, id, async () =>
			this.groupOf(await this.client.call(catalogOp('GetGroup'), { groupId: id })),
		);
	}

	/** Adds what is known about a user (from a look-up by username or email, a read, or the input item). */
	rememberUser(user: NamedUser): void {
		const known = this.users.get(user.id) ?? { id: user.id };
		for (const key of ['username', 'displayName', 'email'] as const) {
			const value = user[key];
			if (typeof value === 'string' && value !== '' && known[key] === undefined) known[key] = value;
		}
		this.users.set(user.id, known);
	}

	/** What this execution knows about a user so far, without any request. */
	knownUser(id: string): NamedUser | undefined {
		return this.users.get(id);
	}

	/** A user's username, display name and email: GetUser once per ID per execution. */
	async user(id: string): Promise<NamedUser> {
		const read = await this.readOnce(this.userReads, id, async () => {
			const record = await this.client.call(catalogOp('GetUser'), { userId: id });
			const user: NamedUser = { id };
			for (const key of ['username', 'displayName', 'email'] as const)
				if (typeof record[key] === 'string') user[key] = record[key] as string;
			return user;
		});
		this.rememberUser(read);
		return this.users.get(id) as NamedUser;
	}

	private async readOnce<T>(
		cache: Map<string, Promise<T>>,
		id: string,
		read: () => Promise<T>,
	): Promise<T> {
		let pending = cache.get(id);
		if (!pending) {
			pending = read();
			this.remember(cache, id, pending);
		}
		return await pending;
	}

	private text(field: string, mode: string, value: unknown, itemIndex?: number): string {
		if (typeof value !== 'string' && typeof value !== 'number') {
			throw new NodeOperationError(this.client.node, `${field} (${mode}) must be text`, {
				itemIndex,
				description: `Check the "${field}" field: the expression gave ${Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`}.`,
			});
		}
		const text = String(value).trim();
		if (text === '') {
			throw new NodeOperationError(this.client.node, `${field} (${mode}) is empty`, {
				itemIndex,
				description: `Check the "${field}" field.`,
			});
		}
		return text;
	}

	/** Keeps a pending read; a failed one is forgotten, so the next item asks again. */
	private remember<T>(cache: Map<string, Promise<T>>, key: string, pending: Promise<T>): void {
		cache.set(key, pending);
		pending.catch(() => cache.delete(key));
	}

	private groupOf(record: IDataObject): NamedGroup {
		const group: NamedGroup = { id: String(record.groupId), name: String(record.groupName ?? '') };
		if (typeof record.groupExternalId === 'string' && record.groupExternalId !== '')
			group.externalId = record.groupExternalId;
		this.knownGroups.set(group.id, group);
		return group;
	}

	private groups(): Promise<Map<string, NamedGroup>> {
		if (!this.allGroups) {
			const pending = this.client
				.list(this.client.prepare(catalogOp('ListGroups'), {}))
				.then(
					(records) =>
						new Map(
							records.map((record) => this.groupOf(record)).map((group) => [group.id, group]),
						),
				);
			this.allGroups = pending;
			pending.catch(() => (this.allGroups = undefined));
		}
		return this.allGroups;
	}

	private units(): Promise<Map<string, NamedUnit>> {
		if (!this.tree) {
			const pending = this.readTree();
			this.tree = pending;
			pending.catch(() => (this.tree = undefined));
		}
		return this.tree;
	}

	/**
	 * The units of the provisioning scope, level by level (the children of a level are asked for
	 * at once; the client's limiter bounds the requests). A scope unit that is also inside another
	 * scope unit keeps its path from the top of the scope, its own name.
	 */
	private async readTree(): Promise<Map<string, NamedUnit>> {
		const { client } = this;
		const scope = await client.call(catalogOp('GetApplicationProvisioningScope'), {});
		const rootIds = (
			Array.isArray(scope.organizationalUnitIds) ? scope.organizationalUnitIds : []
		).filter((id): id is string => typeof id === 'string' && id !== '');
		const units = new Map<string, NamedUnit>();
		const roots = await Promise.all(
			[...new Set(rootIds)].map(async (id) => {
				const record = await client.call(catalogOp('GetOrganizationalUnit'), {
					organizationalUnitId: id,
				});
				const name = String(record.organizationalUnitName ?? id);
				return { id, name, path: name };
			}),
		);
		let level = roots;
		for (const unit of roots) units.set(unit.id, unit);
		while (level.length > 0) {
			const children = await Promise.all(
				level.map(async (parent) => {
					const records = await client.list(
						client.prepare(catalogOp('ListOrganizationalUnits'), { parentId: parent.id }),
					);
					return records.map((record): NamedUnit => {
						const name = String(record.organizationalUnitName ?? record.organizationalUnitId);
						return {
							id: String(record.organizationalUnitId),
							name,
							path: `${parent.path}${PATH_SEPARATOR}${name}`,
						};
					});
				}),
			);
			level = [];
			for (const unit of children.flat()) {
				if (units.has(unit.id)) continue;
				units.set(unit.id, unit);
				level.push(unit);
			}
		}
		return units;
	}
}

const perClient = new WeakMap<IdaasClient, DirectoryNames>();

/** The names of this client's directory: one instance per client, so per execution. */
export function directoryNames(client: IdaasClient): DirectoryNames {
	let names = perClient.get(client);
	if (!names) {
		names = new DirectoryNames(client);
		perClient.set(client, names);
	}
	return names;
}
