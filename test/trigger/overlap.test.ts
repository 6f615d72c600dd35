import { PollContext } from 'n8n-core';
import type { IDataObject, Workflow } from 'n8n-workflow';

import type { Emulator } from '../../emulator/server';
import { AlibabaIdaasTrigger } from '../../nodes/AlibabaIdaasTrigger/AlibabaIdaasTrigger.node';
import { STATE_KEY } from '../../nodes/AlibabaIdaasTrigger/poll';
import type { StoredState } from '../../nodes/AlibabaIdaasTrigger/state';
import type { N8nHarness } from '../harness/n8n';
import { Directory, ROOT_OU, useTriggerEmulator } from './emulated';

/**
 * Polls that overlap. n8n's default engine starts a poll on every tick even while the previous
 * poll of the same trigger runs; both then run against the same Workflow and its static data.
 * Here two polls of one workflow start together against an emulator that answers every request
 * after a delay: one reports, the other skips, and each change is reported once. And a poll
 * whose state was replaced while it ran (another process, or n8n handing over a newer state)
 * writes nothing and reports nothing.
 */

const EVENTS = ['created', 'updated', 'deleted', 'memberAdded', 'ouCreated'];
const NODE_KEY = 'node:IDaaS';

describe('overlapping polls of one trigger', () => {
	const env = useTriggerEmulator();
	let emu: Emulator;
	let harness: N8nHarness;
	const trigger = new AlibabaIdaasTrigger();

	beforeEach(() => {
		emu = env.emu;
		harness = env.harness;
	});

	/** One Workflow, as n8n keeps for an active workflow, and a poll of it. */
	function activeWorkflow(staticData: IDataObject = {}) {
		const node = harness.node('alibabaIdaasTrigger', { events: EVENTS, simplify: true });
		const workflow = harness['workflow'](trigger, node, staticData) as Workflow;
		const poll = async () => {
			const context = new PollContext(
				workflow,
				node,
				harness['additionalData'](),
				'trigger',
				'init',
			);
			const result = await trigger.poll.call(context);
			return (result?.[0] ?? []).map((item) => item.json);
		};
		const state = () =>
			(workflow.staticData[NODE_KEY] as IDataObject)[STATE_KEY] as unknown as StoredState;
		return { workflow, poll, state };
	}

	it('two polls started together: one reports each change once, the other skips', async () => {
		const dir = new Directory(emu, 3);
		for (let i = 0; i < 10; i++) dir.addUser();
		const group = dir.addGroup([...emu.store.users.keys()].slice(0, 3));
		const active = activeWorkflow();
		expect(await active.poll()).toEqual([]);
		expect(active.state().gen).toBe(1);

		const created = dir.addUser().userId;
		emu.store.addUsersToGroup(group, [created]);
		const ou = dir.addOu(ROOT_OU);
		emu.faults.latency(30);
		const listed = () =>
			Object.values(emu.stats.byAction.ListUsers ?? {}).reduce((sum, n) => sum + n, 0);
		const before = listed();
		const [a, b] = await Promise.all([active.poll(), active.poll()]);
		const pairListed = listed() - before;
		const reported = [...a, ...b]
			.map((item) => `${item.event}:${item.userId ?? item.organizationalUnitId}`)
			.sort();
		expect(reported).toEqual(
			[`created:${created}`, `memberAdded:${created}`, `ouCreated:${ou}`].sort(),
		);
		expect([a.length, b.length].sort()).toEqual([0, 3]);
		expect(active.state().gen).toBe(2);

		// Nothing is left over for the next poll, and nothing is reported again.
		emu.faults.clear();
		const single = listed();
		expect(await active.poll()).toEqual([]);
		expect(active.state().gen).toBe(2);
		// The skipped poll sent no request: the pair listed users as often as one poll does.
		expect(pairListed).toBe(listed() - single);
	});

	it('a poll whose state was replaced while it ran writes nothing and reports nothing', async () => {
		const dir = new Directory(emu, 4);
		for (let i = 0; i < 5; i++) dir.addUser();
		const active = activeWorkflow();
		await active.poll();
		const baseline = JSON.parse(JSON.stringify(active.state())) as StoredState;

		// Another process polls the same trigger, reports the new user and stores its state.
		const created = dir.addUser().userId;
		const elsewhere = activeWorkflow({
			[NODE_KEY]: { [STATE_KEY]: JSON.parse(JSON.stringify(baseline)) },
		});
		expect((await elsewhere.poll()).map((item) => item.userId)).toEqual([created]);
		const newer = JSON.parse(JSON.stringify(elsewhere.state())) as StoredState;
		expect(newer.gen).toBe(2);

		// This process's poll read the baseline; the newer state lands while it walks.
		let replaced = false;
		emu.faults.onRequest((request) => {
			if (!replaced && request.action === 'ListUsers') {
				replaced = true;
				(active.workflow.staticData[NODE_KEY] as IDataObject)[STATE_KEY] =
					newer as unknown as IDataObject;
			}
		});
		expect(await active.poll()).toEqual([]);
		expect(replaced).toBe(true);
		expect(active.state()).toEqual(newer);
		expect(await active.poll()).toEqual([]);
	});
});
