import type { IDataObject } from 'n8n-workflow';

import type { Emulator } from '../../emulator/server';
import { AlibabaIdaasTrigger } from '../../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node';
import { STATE_KEY } from '../../nodes/AlibabaIdaasTrigger/poll';
import type { StoredState } from '../../nodes/AlibabaIdaasTrigger/state';
import { encodeState, readState } from '../../nodes/AlibabaIdaasTrigger/state';
import { createRandom, seedFromEnv, type Random } from '../support/random';
import { Directory, ROOT_OU, useTriggerEmulator } from './emulated';

/**
 * State it can trust: real states, taken from polls of a directory with users, groups and OUs,
 * mutated thousands of ways (flipped characters, truncations, wrong widths and counts, swapped
 * fields, keys added or dropped, sections from another state). A mutated state must never be
 * diffed against: either it is rejected, or it decodes to exactly the state it came from. Some
 * of them go through a real poll: it emits nothing, stores a fresh baseline, and the next poll
 * reports exactly what changed.
 */

const EVENTS = [
	'created',
	'updated',
	'deleted',
	'enabled',
	'disabled',
	'moved',
	'memberAdded',
	'memberRemoved',
	'ouCreated',
	'ouRenamed',
	'ouMoved',
	'ouDeleted',
];
const seed = seedFromEnv('TRIGGER_SEED');
/** Where n8n keeps a node's static data in the workflow's (the harness names the node IDaaS). */
const NODE_KEY = 'node:IDaaS';

function stateOf(data: IDataObject): StoredState {
	return (data[NODE_KEY] as IDataObject | undefined)?.[STATE_KEY] as unknown as StoredState;
}

function withState(state: unknown): IDataObject {
	return { [NODE_KEY]: { [STATE_KEY]: state } } as IDataObject;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a string, number or array inside a state. */
function leaves(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
	if (value !== null && typeof value === 'object') {
		const entries = Array.isArray(value)
			? value.map((v, i) => [i, v] as const)
			: Object.entries(value);
		return [path, ...entries.flatMap(([key, v]) => leaves(v, [...path, key]))];
	}
	return [path];
}

function getAt(root: unknown, path: Array<string | number>): unknown {
	return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
}

function setAt(root: unknown, path: Array<string | number>, value: unknown): void {
	const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
	parent[path[path.length - 1]] = value;
}

const ODD_CHARS = [' ', '"', '\\', '%', 'é', '名', '\u0000', '~', '!', '0', 'z', 'A'];

/** One random mutation of a state; `other` is a real state of another directory or workflow. */
function mutate(
	state: StoredState,
	other: StoredState,
	random: Random,
): { state: unknown; kind: string } {
	const copy = JSON.parse(JSON.stringify(state)) as Record<string, Json>;
	const paths = leaves(copy).filter((p) => p.length > 0);
	const path = random.pick(paths);
	const value = getAt(copy, path);
	const kind = random.pick([
		'flip',
		'flip',
		'flip',
		'truncate',
		'number',
		'swap',
		'drop',
		'add',
		'foreign',
		'separator',
		'type',
	]);
	if (kind === 'flip' && typeof value === 'string' && value.length > 0) {
		const at = random.int(0, value.length - 1);
		const char = random.chance(0.5)
			? random.pick(ODD_CHARS)
			: String.fromCharCode(random.int(0x21, 0x7e));
		setAt(copy, path, value.slice(0, at) + char + value.slice(at + 1));
	} else if (kind === 'truncate' && (typeof value === 'string' || Array.isArray(value))) {
		setAt(copy, path, value.slice(0, random.int(0, Math.max(0, value.length - 1))));
	} else if (kind === 'number' || typeof value === 'number') {
		const n = typeof value === 'number' ? value : 1;
		setAt(copy, path, random.pick([0, -1, n + 1, n - 1, 1.5, NaN, Infinity, String(n), null]));
	} else if (kind === 'swap') {
		const related = (a: Array<string | number>, b: Array<string | number>) =>
			a.every((key, i) => i >= b.length || b[i] === key);
		const otherPath = random.pick(paths.filter((p) => !related(p, path) && !related(path, p)));
		const otherValue = getAt(copy, otherPath);
		setAt(copy, path, otherValue);
		setAt(copy, otherPath, value);
	} else if (kind === 'drop') {
		const parent = getAt(copy, path.slice(0, -1));
		if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1);
		else delete (parent as Record<string, unknown>)[path[path.length - 1] as string];
	} else if (kind === 'add') {
		const parent = getAt(copy, path.slice(0, -1));
		if (Array.isArray(parent)) parent.push(parent[0] ?? 'x');
		else
			(parent as Record<string, unknown>)[
				random.pick(['extra', 'users', 'groups', 'ous', 'count'])
			] = random.pick([1, 'x', [], {}]);
	} else if (kind === 'foreign') {
		const section = random.pick(['users', 'groups', 'ous', 'scope', 'check', 'gen'] as const);
		(copy as Record<string, unknown>)[section] = JSON.parse(JSON.stringify(other[section] ?? null));
	} else if (kind === 'separator' && typeof value === 'string') {
		const at = random.int(0, value.length);
		setAt(
			copy,
			path,
			random.chance(0.5) ? `${value.slice(0, at)} ${value.slice(at)}` : value.replace(' ', ''),
		);
	} else {
		setAt(copy, path, random.pick([{}, [], 'text', 7, true]));
	}
	return { state: copy, kind };
}

describe('the trigger trusts only a state this version wrote', () => {
	const env = useTriggerEmulator();
	let emu: Emulator;
	const trigger = new AlibabaIdaasTrigger();

	beforeEach(() => {
		emu = env.emu;
	});

	async function poll(staticData: IDataObject) {
		const { result } = await env.harness.poll(
			trigger,
			{ events: EVENTS, simplify: true },
			{ staticData },
		);
		return (result?.[0] ?? []).map((item) => item.json);
	}

	/** A directory with users in three OUs and groups with members; returns its helper. */
	function build(seedValue: number): Directory {
		emu.reset();
		const dir = new Directory(emu, seedValue);
		const ous = [ROOT_OU, dir.addOu(), dir.addOu()];
		ous.push(dir.addOu(ous[1]));
		const users = Array.from({ length: 30 }, (_, i) => dir.addUser(ous[i % ous.length]).userId);
		dir.addGroup(users.slice(0, 12));
		dir.addGroup(users.slice(8, 20));
		dir.addGroup([]);
		dir.addGroup(users.filter((_, i) => i % 3 === 0));
		return dir;
	}

	it(`rejects thousands of random mutations of real states, and the poll after one works (seed ${seed})`, async () => {
		const random = createRandom(seed);
		// The state of another directory of the same shape, for "foreign" sections.
		build(seed ^ 0x1234);
		const otherData: IDataObject = {};
		await poll(otherData);
		const other = stateOf(otherData);

		const dir = build(seed);
		const baseData: IDataObject = {};
		expect(await poll(baseData)).toEqual([]);
		const real = stateOf(baseData);
		const original = readState(real, real.scope);
		expect(original.problem).toBeUndefined();
		expect(original.state?.users?.size).toBe(30);
		expect(original.state?.groups?.size).toBe(4);
		expect(original.state?.ous?.size).toBe(4);

		const kinds: Record<string, number> = {};
		let rejected = 0;
		const MUTATIONS = 4000;
		for (let i = 0; i < MUTATIONS; i++) {
			const { state, kind } = mutate(real, other, random);
			const read = readState(state, real.scope);
			if (read.state) {
				// Accepted only if it is the same state (a mutation that changed nothing, such as a swap of equal values).
				expect(encodeState(real.scope, read.state)).toEqual(real);
			} else {
				rejected++;
				kinds[kind] = (kinds[kind] ?? 0) + 1;
			}
		}
		console.log(
			`state mutations: ${rejected} of ${MUTATIONS} rejected, the rest changed nothing; by kind ${JSON.stringify(kinds)}`,
		);
		expect(rejected).toBeGreaterThan(MUTATIONS * 0.9);

		// Through real polls: a bad state emits only the baselineTaken item, stores a good baseline, and the next poll is exact.
		const users = [...emu.store.users.keys()];
		for (let i = 0; i < 25; i++) {
			let mutated: unknown;
			do mutated = mutate(real, other, random).state;
			while (readState(mutated, real.scope).state);
			const staticData = withState(mutated);
			expect((await poll(staticData)).map((item) => item.event)).toEqual(['baselineTaken']);
			const fresh = stateOf(staticData);
			expect(readState(fresh, real.scope).problem).toBeUndefined();

			const created = dir.addUser(ROOT_OU).userId;
			const group = random.pick([...emu.store.groups.keys()]);
			const member = random.pick(
				users.filter((id) => !emu.store.groups.get(group)!.members.has(id)),
			);
			emu.store.addUsersToGroup(group, [member]);
			const ou = dir.addOu();
			const items = await poll(staticData);
			expect(
				items
					.map(
						(item) =>
							`${item.event}:${item.userId ?? item.organizationalUnitId}${item.groupId ? `@${item.groupId}` : ''}`,
					)
					.sort(),
			).toEqual([`created:${created}`, `memberAdded:${member}@${group}`, `ouCreated:${ou}`].sort());
			emu.store.removeUsersFromGroup(group, [member]);
			emu.store.deleteUser(created);
			emu.store.deleteOu(ou);
			expect((await poll(staticData)).map((item) => item.event).sort()).toEqual([
				'deleted',
				'memberRemoved',
				'ouDeleted',
			]);
		}
	});

	it('writes the state only when it changed', async () => {
		const dir = build(seed);
		const staticData: IDataObject = {};
		await poll(staticData);
		const first = stateOf(staticData);
		expect(first.gen).toBe(1);
		emu.paging.set(7); // another walk order, the same directory
		expect(await poll(staticData)).toEqual([]);
		expect(stateOf(staticData)).toEqual(first);
		dir.touch([...emu.store.users.keys()][0]);
		expect(await poll(staticData)).toHaveLength(1);
		expect(stateOf(staticData).gen).toBe(2);
	});

	it('takes a fresh baseline for a state from an older version or another workflow, emitting only that it did', async () => {
		build(seed);
		const staticData: IDataObject = {};
		await poll(staticData);
		const state = stateOf(staticData);
		const older = { v: 1, scope: 'abc', ous: '', ouWidth: 1, users: '', count: 0 };
		const another = { ...state, scope: 'another-workflow' };
		for (const stored of [older, another, 'text', 42, null]) {
			const data = withState(stored);
			// No state at all is a first poll, not a lost one.
			expect((await poll(data)).map((item) => item.event)).toEqual(
				stored === null ? [] : ['baselineTaken'],
			);
			expect(readState(stateOf(data), state.scope).problem).toBeUndefined();
		}
	});
});
