import type { IDataObject } from 'n8n-workflow';

import { AlibabaIdaasTrigger } from '../../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node';
import { checksum } from '../../nodes/AlibabaIdaasTrigger/shared/codec';
import { STATE_KEY } from '../../nodes/AlibabaIdaasTrigger/poll';
import type { StoredState } from '../../nodes/AlibabaIdaasTrigger/state';
import { sameContent } from '../../nodes/AlibabaIdaasTrigger/state';
import EVENTS_RAW from '../fixtures/trigger/events-format-2.json';
import EVENTS_SIMPLIFIED from '../fixtures/trigger/events-format-2-simplified.json';
import STATE from '../fixtures/trigger/state-format-2.json';
import { useTriggerEmulator } from './emulated';
import { buildFixtureDirectory, changeFixtureDirectory } from './stateFixture';

/**
 * A state an earlier version stored keeps working, and the events stay what they were:
 * test/fixtures/trigger/state-format-2.json is what the trigger at 776a9a1 (which held every
 * listed user's record while it compared) stored after two polls of buildFixtureDirectory's
 * directory with every event picked, and events-format-2*.json the items it emitted, raw and
 * simplified, after changeFixtureDirectory. Read by this version against the same directory, the
 * state reports nothing and is stored unchanged; the changes give exactly those items, in order.
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
const NODE_KEY = 'node:IDaaS';
const FIXTURE = STATE as StoredState;

function stateOf(data: IDataObject): StoredState {
	return (data[NODE_KEY] as IDataObject)[STATE_KEY] as unknown as StoredState;
}

/**
 * The fixture for this run's scope: the scope hashes the emulator's URL, whose port changes, so
 * it is replaced and the checksum over the parts (the stored format, restated) taken again.
 */
function rescoped(scope: string): StoredState {
	const state = { ...FIXTURE, scope };
	const parts = [
		String(state.v),
		state.scope,
		String(state.gen),
		`${state.users!.ous}\n${state.users!.ouWidth}\n${state.users!.records}\n${state.users!.count}`,
		`${state.groups!.members}\n${state.groups!.width}\n${state.groups!.groups}\n${state.groups!.count}`,
		JSON.stringify(state.ous),
	];
	return { ...state, check: checksum(parts) };
}

describe('a state stored by an earlier version', () => {
	const env = useTriggerEmulator();

	test('is read without a baseline or an event, and the next changes give the items that version gave', async () => {
		const ids = buildFixtureDirectory(env.emu);
		const trigger = new AlibabaIdaasTrigger();
		// This run's scope, from a state this version writes for the same node.
		const probe: IDataObject = {};
		await env.harness.poll(trigger, { events: ['created'] }, { staticData: probe });
		const stored = rescoped(stateOf(probe).scope);

		const staticData: IDataObject = { [NODE_KEY]: { [STATE_KEY]: stored } };
		const { result } = await env.harness.poll(trigger, { events: EVENTS }, { staticData });
		expect(result).toBeNull();
		// The same directory stored, in the same text: nothing was rewritten, so the generation stays.
		expect(stateOf(staticData)).toEqual(stored);
		expect(sameContent(stateOf(staticData), stored)).toBe(true);

		changeFixtureDirectory(env.emu, ids);
		for (const simplify of [false, true]) {
			const copy = JSON.parse(JSON.stringify(staticData)) as IDataObject;
			const next = await env.harness.poll(
				trigger,
				{ events: EVENTS, simplify },
				{ staticData: copy },
			);
			const items = (next.result?.[0] ?? []).map((item) => item.json);
			// Raw items are exactly that version's. Simplified ones carry every field it gave, with its
			// value; the one user / unit / group shape of output/shapes.ts only adds fields.
			if (simplify) expect(items).toMatchObject(EVENTS_SIMPLIFIED);
			else expect(items).toEqual(EVENTS_RAW);
			expect(stateOf(copy).gen).toBe(stored.gen + 1);
		}
	});
});
