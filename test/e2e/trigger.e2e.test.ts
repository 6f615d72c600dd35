/**
 * End to end, the trigger in a running n8n against the IDaaS emulator, in both of n8n's poll engines:
 *
 *  - n8n 2.8.4's default engine, with an interval (2 s) shorter than a poll (every emulator request answers
 *    after 1 s): n8n starts a poll on every tick while the previous one still runs. The trigger skips the
 *    overlapping polls, and a new user, a new membership and a new OU are each reported exactly once.
 *  - n8n 2.41.1's durable scheduler (N8N_SCHEDULER_ENABLED, N8N_SCHEDULER_POLL_TRIGGERS_ENABLED and
 *    N8N_POLLER_DURABLE_CURSORS_ENABLED, with the workflow publication service they need): polls run as leased
 *    tasks and the trigger's state is the fenced cursor stored with the execution. Two changes, one after the
 *    other, each reach exactly one execution: the state survived the cursor's round trip through the database
 *    as exactly what the trigger wrote (else it would have logged a fresh baseline and reported nothing).
 *
 * E2E_SKIP_LATEST=1 skips the 2.41.1 part (it installs 2.41.1 on first use).
 */
import type { Emulator } from '../../emulator/server';
import { startEmulator } from '../../emulator/server';
import { emulatorCredential } from '../harness/credential';
import { recordOutput, recordSecret } from '../setup/leakGuard';
import {
	describeE2E,
	ensureBuilt,
	ensureN8n,
	loadExample,
	N8nPaths,
	N8nSandbox,
	requireFromN8n,
	TRIGGER_TYPE,
	waitFor,
} from './helpers/n8n';
import { credentialRefs } from './helpers/workflows';

jest.setTimeout(240_000);

const EVERY_2_S = `${Array.from({ length: 30 }, (_, i) => i * 2).join(',')} * * * * *`;
/** 2.41.1 refuses poll intervals under a minute (isSubMinuteCron), in both engines. */
const EVERY_MINUTE = '30 * * * * *';
const DURABLE_FLAGS = {
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
	...(process.env.E2E_TRIGGER_DEBUG === '1' ? { N8N_LOG_LEVEL: 'debug' } : {}),
};
const [credential] = credentialRefs(loadExample('welcome'));
const TRIGGER_NAME = 'IDaaS changes';

/** IDaaS Trigger (users, memberships, OUs) → NoOp, polling on `cron`. */
function triggerWorkflow(id: string, cron: string): any {
	return {
		id,
		name: `e2e: IDaaS trigger ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: { [TRIGGER_NAME]: { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
		nodes: [
			{
				id: `${id}-trigger`,
				name: TRIGGER_NAME,
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					pollTimes: { item: [{ mode: 'custom', cronExpression: cron }] },
					events: ['created', 'memberAdded', 'ouCreated'],
					scope: 'all',
					simplify: true,
				},
				credentials: { alibabaIdaasApi: { id: credential.id, name: credential.name } },
			},
			{
				id: `${id}-noop`,
				name: 'Received',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [240, 0],
				parameters: {},
			},
		],
	};
}

/** A sandbox whose every n8n process (CLI and server) gets `extra` in its environment. */
async function sandbox(
	paths: N8nPaths,
	label: string,
	extra: NodeJS.ProcessEnv = {},
): Promise<N8nSandbox> {
	const n8n = await N8nSandbox.create(paths, label);
	const base = n8n.env.bind(n8n);
	n8n.env = (more = {}) => base({ ...extra, ...more });
	return n8n;
}

/** The demo emulator in this process (its store is the truth), and its credential for n8n. */
async function demoEmulator(): Promise<{ emu: Emulator; data: Record<string, string> }> {
	const emu = await startEmulator({ port: 0, host: '127.0.0.1', seed: 'demo' });
	const data = emulatorCredential({
		url: emu.url,
		instanceId: emu.instanceId,
		application: emu.application,
	});
	recordSecret(data.clientSecret);
	return { emu, data };
}

/** A new user, a new member of the first group, a new OU: what the trigger must report once each. */
function makeChanges(emu: Emulator, n: number): string[] {
	const { store } = emu;
	const user = store.createUser({
		username: `e2e.trigger${n}`,
		displayName: `E2E ${n}`,
		primaryOrganizationalUnitId: store.rootOrganizationalUnitId,
	});
	const group = [...store.groups.keys()][0];
	store.addUsersToGroup(group, [user.userId]);
	const ou = store.createOu({
		organizationalUnitName: `E2E unit ${n}`,
		parentId: store.rootOrganizationalUnitId,
	});
	return [
		`created:${user.userId}`,
		`memberAdded:${user.userId}@${group}`,
		`ouCreated:${ou.organizationalUnitId}`,
	].sort();
}

const recordTokens = (emu: Emulator | undefined) => {
	for (const token of emu?.store.tokens.keys() ?? []) recordSecret(token);
};

/** The trigger's items of every finished execution of the workflow, oldest first. */
async function triggerItems(
	n8n: N8nSandbox,
	paths: N8nPaths,
	workflowId: string,
): Promise<any[][]> {
	const list = await n8n.rest(
		`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`,
	);
	const executions = (list.data?.results ?? list.data ?? []) as any[];
	const { parse } = requireFromN8n(paths, 'flatted');
	const result: any[][] = [];
	for (const summary of [...executions].sort((a, b) => Number(a.id) - Number(b.id))) {
		const full = (await n8n.rest(`/rest/executions/${summary.id}`)).data;
		if (full.status !== 'success') continue;
		const runData = parse(full.data).resultData.runData;
		recordOutput('e2e trigger execution', runData);
		result.push(runData[TRIGGER_NAME][0].data.main[0].map((item: any) => item.json));
	}
	return result;
}

/**
 * For one describe block: the emulator, and a running n8n `version` (its processes get `env`) with
 * the credential and `workflow` imported and published; both stopped after the block.
 */
function runningTrigger(
	version: string,
	label: string,
	workflow: any,
	env: NodeJS.ProcessEnv = {},
) {
	const running = {} as { paths: N8nPaths; emu: Emulator; n8n: N8nSandbox };
	beforeAll(async () => {
		ensureBuilt();
		running.paths = ensureN8n(version);
		const started = await demoEmulator();
		running.emu = started.emu;
		running.n8n = await sandbox(running.paths, label, env);
		await running.n8n.importCredentials([
			{ id: credential.id, name: credential.name, type: 'alibabaIdaasApi', data: started.data },
		]);
		await running.n8n.importWorkflows([workflow]);
		await running.n8n.publish(workflow.id);
		await running.n8n.startServer();
		await running.n8n.setupOwner();
	}, 20 * 60_000);
	afterAll(async () => {
		recordTokens(running.emu);
		await running.n8n?.dispose();
		await running.emu?.close();
	});
	return running;
}

const keyOf = (item: any) =>
	`${item.event}:${item.userId ?? item.organizationalUnitId}${item.groupId ? `@${item.groupId}` : ''}`;

describeE2E('the trigger in n8n 2.8.4, polls overlapping (interval 2 s, a poll about 8 s)', () => {
	const workflow = triggerWorkflow('idaasE2eOverlap01', EVERY_2_S);
	const running = runningTrigger('2.8.4', 'trigger-overlap', workflow);

	test('each change is reported exactly once; the overlapping polls are skipped', async () => {
		const { paths, emu, n8n } = running;
		await waitFor(() => /Activated workflow/.test(n8n.serverLog), {
			timeoutMs: 60_000,
			what: 'the trigger to be activated',
		});
		// Let a tick take the baseline, then make every request take 1 s: a poll outlasts the 2 s interval.
		await waitFor(() => emu.stats.byAction.ListGroups !== undefined, {
			timeoutMs: 60_000,
			what: 'a first poll',
		});
		emu.faults.latency(1000);
		const skippedBefore = (n8n.serverLog.match(/this poll is skipped/g) ?? []).length;
		const expected = makeChanges(emu, 1);

		// A poll already walking when the changes land may report some of them, the next poll the rest.
		await waitFor(
			async () => (await triggerItems(n8n, paths, workflow.id)).flat().length >= expected.length,
			{
				timeoutMs: 120_000,
				intervalMs: 2000,
				what: 'executions with every change',
			},
		);
		// Several more ticks, each overlapping a running poll, and at least two more polls after the last that reported.
		await waitFor(
			() => (n8n.serverLog.match(/this poll is skipped/g) ?? []).length >= skippedBefore + 6,
			{ timeoutMs: 120_000, intervalMs: 1000, what: 'overlapping ticks' },
		);
		const executions = await triggerItems(n8n, paths, workflow.id);
		recordTokens(emu);
		expect(executions.flat().map(keyOf).sort()).toEqual(expected);
		expect(n8n.serverLog).not.toMatch(/stored state is not one this version wrote/);
	});
});

const maybe = process.env.E2E_SKIP_LATEST === '1' ? describe.skip : describeE2E;

maybe("the trigger in n8n 2.41.1's durable scheduler with durable cursors", () => {
	const workflow = triggerWorkflow('idaasE2eDurable01', EVERY_MINUTE);
	const running = runningTrigger('2.41.1', 'trigger-durable', workflow, DURABLE_FLAGS);

	test(
		'two rounds of changes each reach exactly one execution; the state is read back from the cursor',
		async () => {
			const { paths, emu, n8n } = running;
			// Activation runs the poll once to check it; its state is not kept (there is no cursor yet). The first
			// scheduled poll takes the baseline; each later one (one a minute) runs from the cursor the previous committed.
			const polls = () =>
				Object.values(emu.stats.byAction.ListGroups ?? {}).reduce((sum, n) => sum + n, 0);
			const wait = async (what: string, until: () => boolean | Promise<boolean>) =>
				await waitFor(until, { timeoutMs: 150_000, intervalMs: 2000, what }).catch(
					(error: Error) => {
						const relevant = n8n.serverLog
							.split('\n')
							.filter((line) => /poll|Poll|cursor|IDaaS|scheduler|Scheduler|rror/.test(line));
						throw new Error(
							`${error.message} (${polls()} polls walked the groups; user folder ${n8n.userFolder})\n--- n8n log ---\n${relevant.slice(-80).join('\n')}`,
						);
					},
				);
			await wait('the activation poll and a first scheduled poll', () => polls() >= 2);
			// Changes made while that poll still walks would be part of its baseline: wait until it is done.
			let lastRequest = Date.now();
			emu.faults.onRequest(() => {
				lastRequest = Date.now();
			});
			await wait('the baseline poll to end', () => Date.now() - lastRequest > 3000);
			const first = makeChanges(emu, 1);
			await wait(
				'a first execution',
				async () => (await triggerItems(n8n, paths, workflow.id)).length >= 1,
			);
			const second = makeChanges(emu, 2);
			await wait(
				'a second execution',
				async () => (await triggerItems(n8n, paths, workflow.id)).length >= 2,
			);
			const afterSecond = polls();
			await wait('one more poll', () => polls() > afterSecond);
			const executions = await triggerItems(n8n, paths, workflow.id);
			recordTokens(emu);
			expect(executions.map((items) => items.map(keyOf).sort())).toEqual([first, second]);
			expect(n8n.serverLog).not.toMatch(/stored state is not one this version wrote/);
			// The durable scheduler ran, with durable cursors (n8n warns when their prerequisites are missing).
			expect(n8n.serverLog).toMatch(/Scheduler started/);
			expect(n8n.serverLog).not.toMatch(/durable poll cursors stay disabled/);
		},
		10 * 60_000,
	);
});
