/**
 * The shipped examples as the queue-mode test runs them. Two test-only changes, nothing else:
 * - each workflow records which process ran it: an Execution Data node right after the trigger saves the
 *   process's E2E_WORKER variable as the execution's custom data `worker` (stored in PostgreSQL's
 *   execution_metadata), so the executions' own records say which worker ran them;
 * - the HR sync starts from a webhook carrying its rows (the example's manual trigger and fixed rows cannot start
 *   several production executions at once), and the HR export node takes those rows.
 */
import { withLocalNotifications, withPollTimes } from './workflows';

export const WORKER_KEY = 'worker';
const RECORD_WORKER = 'Record worker';

/** Inserts the Execution Data node between `after` and what `after` fed. */
export function withWorkerRecord(workflow: any, after: string): any {
	const copy = JSON.parse(JSON.stringify(workflow));
	const from = copy.nodes.find((n: any) => n.name === after);
	copy.nodes.push({
		id: 'a1b2c3d4-0000-4000-8000-00000000e2e5',
		name: RECORD_WORKER,
		type: 'n8n-nodes-base.executionData',
		typeVersion: 1,
		position: [from.position[0] + 110, from.position[1] + 120],
		parameters: { dataToSave: { values: [{ key: WORKER_KEY, value: '={{ $env.E2E_WORKER }}' }] } },
	});
	copy.connections[RECORD_WORKER] = copy.connections[after];
	copy.connections[after] = { main: [[{ node: RECORD_WORKER, type: 'main', index: 0 }]] };
	return copy;
}

export const HR_WEBHOOK_PATH = 'hr-sync-queue';

/** examples/hr-sync.json started by POST /webhook/hr-sync-queue with `{ batch, rows }`. */
export function hrSyncByWebhook(hrSync: any): any {
	const copy = JSON.parse(JSON.stringify(hrSync));
	const manual = copy.nodes.find((n: any) => n.type === 'n8n-nodes-base.manualTrigger');
	const webhookName = 'HR rows received';
	const manualName = manual.name;
	Object.assign(manual, {
		name: webhookName,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: '6f1c2d3e-0000-4000-8000-00000000e2e5',
		// Answers at once: the executions run on the workers, the test follows them in the database.
		parameters: {
			httpMethod: 'POST',
			path: HR_WEBHOOK_PATH,
			responseMode: 'onReceived',
			options: {},
		},
	});
	copy.connections[webhookName] = copy.connections[manualName];
	delete copy.connections[manualName];
	const hr = copy.nodes.find((n: any) => n.name === 'HR export');
	hr.parameters.jsonOutput = '={{ JSON.stringify({ rows: $json.body.rows }) }}';
	copy.id = 'idaasQueueHrSync1';
	copy.name = `${hrSync.name} (queue mode, webhook)`;
	return withWorkerRecord(copy, webhookName);
}

/** examples/welcome.json polling every 5 s, watching one OU (the bulk rows go elsewhere), with its own credential. */
export function welcomeWatching(
	welcome: any,
	organizationalUnitId: string,
	credential: { id: string; name: string },
): any {
	const copy = withPollTimes(withLocalNotifications(welcome), {
		mode: 'custom',
		cronExpression: '0,5,10,15,20,25,30,35,40,45,50,55 * * * * *',
	});
	const trigger = copy.nodes.find((n: any) => n.parameters?.pollTimes);
	Object.assign(trigger.parameters, {
		scope: 'organizationalUnit',
		organizationalUnit: { __rl: true, mode: 'id', value: organizationalUnitId },
		includeSubUnits: false,
	});
	trigger.credentials = { alibabaIdaasApi: credential };
	copy.id = 'idaasQueueWelcome1';
	return withWorkerRecord(copy, trigger.name);
}
