import type { IDataObject } from 'n8n-workflow';

import type { OutputNames } from '../catalog';
import type { DirectoryNames, NamedUser } from '../request/directoryNames';

/**
 * Names beside the IDs an output echoes (the catalog entry's `hooks.names`), so a Slack or e-mail
 * step after the node can say "Jane Doe (jane.doe) joined Sales Team" without another node.
 *
 * A user's names come from what the node already knows: a look-up by username or email, a read
 * made this execution, or the input item when it carries that user (the output of Create, of
 * Get, of a trigger). Only operations that add or remove memberships read a user they know
 * nothing of (GetUser, once per user per execution). Groups and units are named from the reads
 * directoryNames makes once per execution. A name that cannot be read is left out: the write
 * has happened, and its item must not turn into an error.
 */

export interface NamingContext {
	names: DirectoryNames;
	/** The input item's JSON, which may carry the user the item acts on. */
	input: IDataObject;
	/** The node version splits list operations into one item per user (`itemPerUser`). */
	itemPerUser: boolean;
}

const USER_FIELDS = ['username', 'displayName', 'email'] as const;

/** Undefined instead of an error: names are extras, never a reason to fail an item. */
async function quietly<T>(read: () => Promise<T>): Promise<T | undefined> {
	try {
		return await read();
	} catch {
		return undefined;
	}
}

/** Takes what the input item says about the user it carries (its `userId`). */
function learnFromInput(names: DirectoryNames, input: IDataObject): void {
	if (typeof input.userId !== 'string' || input.userId === '') return;
	const user: NamedUser = { id: input.userId };
	for (const key of USER_FIELDS)
		if (typeof input[key] === 'string') user[key] = input[key] as string;
	names.rememberUser(user);
}

async function userFields(names: DirectoryNames, id: string, read: boolean): Promise<IDataObject> {
	let user = names.knownUser(id);
	if (read && USER_FIELDS.some((key) => user?.[key] === undefined))
		user = (await quietly(async () => await names.user(id))) ?? user;
	const out: IDataObject = {};
	for (const key of USER_FIELDS) if (user?.[key] !== undefined) out[key] = user[key];
	return out;
}

async function unitNames(names: DirectoryNames, ids: unknown): Promise<IDataObject> {
	if (typeof ids === 'string')
		return {
			organizationalUnitName: (await quietly(async () => await names.unitName(ids)))?.name ?? null,
		};
	if (!Array.isArray(ids)) return {};
	const units = await Promise.all(
		ids.map(async (id) => await quietly(async () => await names.unitName(String(id)))),
	);
	return { organizationalUnitNames: units.map((unit) => unit?.name ?? null) };
}

/** The output items of a write whose entry lists `spec`, from the one item `responseItem` made. */
export async function namedWriteItems(
	spec: OutputNames,
	item: IDataObject,
	context: NamingContext,
): Promise<IDataObject[]> {
	const { names, input } = context;
	learnFromInput(names, input);
	const extra: IDataObject = {};
	if (spec.group && typeof item[spec.group] === 'string') {
		extra.groupName =
			(await quietly(async () => await names.groupName(item[spec.group as string] as string)))
				?.name ?? null;
	}
	if (spec.units) Object.assign(extra, await unitNames(names, item[spec.units]));
	const users = spec.user ? item[spec.user] : undefined;
	if (typeof users === 'string')
		return [{ ...item, ...(await userFields(names, users, spec.readUser === true)), ...extra }];
	if (!Array.isArray(users) || !spec.itemPerUser || !context.itemPerUser)
		return [{ ...item, ...extra }];
	// One item per user: the list is replaced by the one user the item is about.
	const rest = { ...item };
	delete rest[spec.user as string];
	return await Promise.all(
		users.map(async (id) => ({
			...rest,
			...extra,
			userId: String(id),
			...(await userFields(names, String(id), spec.readUser === true)),
		})),
	);
}

/** List records (a user's groups) with the group's name beside its ID, from one ListGroups read per execution. */
export async function namedRecords(
	spec: OutputNames,
	records: IDataObject[],
	names: DirectoryNames,
): Promise<IDataObject[]> {
	const key = spec.group;
	if (!key) return records;
	return await Promise.all(
		records.map(async (record) => {
			if (typeof record[key] !== 'string' || record.groupName !== undefined) return record;
			const group = await quietly(async () => await names.group(record[key] as string));
			return group ? { ...record, groupName: group.name } : record;
		}),
	);
}
