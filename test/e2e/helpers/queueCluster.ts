/**
 * n8n in queue mode for the end-to-end test: PostgreSQL and Redis (services.ts), one main instance (editor,
 * webhooks, triggers) and N `n8n worker` processes, each an N8nSandbox with its own user folder and its own copy
 * of this package, all with one encryption key, database and queue. Each process has E2E_WORKER set to its name
 * (queueWorkflows.ts records it in every execution). Executions are read from the shared database.
 */
import { writeFileSync } from 'fs';
import { join } from 'path';

import { ensureQueueServices, Postgres, Redis, startPostgres, startRedis } from './services';
import { killGroup, N8nPaths, N8nSandbox, requireFromN8n, waitFor } from './n8n';
import { WORKER_KEY } from './queueWorkflows';

export interface ExecutionRecord {
	id: string;
	status: string;
	mode: string;
	retryOf: string;
	/** The process that ran it, from the execution's custom data ('' when none was saved). */
	worker: string;
}

export class QueueCluster {
	readonly workers: N8nSandbox[] = [];
	/** `n8n webhook` processes: production webhooks only, their executions queued for the workers. */
	readonly webhookProcessors: N8nSandbox[] = [];
	main!: N8nSandbox;

	private constructor(
		readonly paths: N8nPaths,
		readonly pg: Postgres,
		readonly redis: Redis,
	) {}

	/**
	 * Starts the services, lets `prepare` import and publish on the main instance's CLI (the database is shared, so
	 * this is what every process sees), then starts main and the workers.
	 */
	static async start(
		paths: N8nPaths,
		{
			workers = 2,
			concurrency = 3,
			webhookProcessors = 0,
			prepare = async () => {},
		}: {
			workers?: number;
			concurrency?: number;
			webhookProcessors?: number;
			prepare?: (main: N8nSandbox) => Promise<void>;
		} = {},
	): Promise<QueueCluster> {
		const bin = ensureQueueServices();
		const cluster = new QueueCluster(paths, await startPostgres(bin), await startRedis(bin));
		try {
			cluster.main = await cluster.sandbox('main');
			await prepare(cluster.main);
			await cluster.main.startServer();
			for (let i = 1; i <= workers; i++) cluster.workers.push(await cluster.sandbox(`worker-${i}`));
			await Promise.all(cluster.workers.map((w) => cluster.startWorker(w, concurrency)));
			for (let i = 1; i <= webhookProcessors; i++)
				cluster.webhookProcessors.push(await cluster.sandbox(`webhook-${i}`));
			await Promise.all(
				cluster.webhookProcessors.map((w) => w.startServer({ command: 'webhook' })),
			);
		} catch (error) {
			await cluster.stop();
			throw error;
		}
		return cluster;
	}

	private concurrency = new Map<N8nSandbox, number>();

	/** The environment every process of the cluster shares, plus its own name. */
	private env(name: string): NodeJS.ProcessEnv {
		return {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: this.redis.host,
			QUEUE_BULL_REDIS_PORT: String(this.redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: this.pg.host,
			DB_POSTGRESDB_PORT: String(this.pg.port),
			DB_POSTGRESDB_DATABASE: this.pg.database,
			DB_POSTGRESDB_USER: this.pg.user,
			DB_POSTGRESDB_PASSWORD: '',
			// A killed worker's jobs are found stalled within seconds instead of n8n's 30 s lock.
			QUEUE_WORKER_LOCK_DURATION: '10000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '2500',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
			// Only for the Execution Data node's {{ $env.E2E_WORKER }}.
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
			E2E_WORKER: name,
		};
	}

	private async sandbox(name: string): Promise<N8nSandbox> {
		const sb = await N8nSandbox.create(this.paths, `queue-${name}`);
		sb.extraEnv = this.env(name);
		return sb;
	}

	async startWorker(
		worker: N8nSandbox,
		concurrency = this.concurrency.get(worker) ?? 3,
	): Promise<void> {
		this.concurrency.set(worker, concurrency);
		await worker.startServer({ command: 'worker', args: [`--concurrency=${concurrency}`] });
	}

	/** SIGKILL, as a machine or container dies: no graceful shutdown, jobs left active in Redis. */
	async killWorker(worker: N8nSandbox): Promise<void> {
		const p = worker.server;
		if (!p || p.exitCode !== null || p.signalCode !== null) return;
		const exited = new Promise((res) => p.once('exit', res));
		killGroup(p.pid, 'SIGKILL');
		await exited;
		worker.server = undefined;
	}

	/** Execution IDs a worker's log says it started ("Worker started execution 12 (job 9)"). */
	startedBy(worker: N8nSandbox): string[] {
		return [...worker.serverLog.matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]);
	}

	/** Execution IDs a worker started and has not finished. */
	runningOn(worker: N8nSandbox): string[] {
		const finished = new Set(
			[...worker.serverLog.matchAll(/Worker finished execution (\d+)/g)].map((m) => m[1]),
		);
		return this.startedBy(worker).filter((id) => !finished.has(id));
	}

	executions(workflowId: string): ExecutionRecord[] {
		const rows = this.pg.query(
			`SELECT e.id, e.status, e.mode, coalesce(e."retryOf", ''), coalesce(m.value, '')
			 FROM execution_entity e LEFT JOIN execution_metadata m ON m."executionId" = e.id AND m.key = '${WORKER_KEY}'
			 WHERE e."workflowId" = '${workflowId}' ORDER BY e.id`,
		);
		return rows.map(([id, status, mode, retryOf, worker]) => ({
			id,
			status,
			mode,
			retryOf,
			worker,
		}));
	}

	/** Waits until the workflow has `count` executions (created after `afterId`) and none of them is still going. */
	async settled(
		workflowId: string,
		count: number,
		{ afterId = 0, timeoutMs = 10 * 60_000 } = {},
	): Promise<ExecutionRecord[]> {
		return await waitFor(
			() => {
				const list = this.executions(workflowId).filter((e) => Number(e.id) > afterId);
				// A worker saves the execution's custom data just after its status: wait for both.
				const done = (e: ExecutionRecord) =>
					!['new', 'running', 'waiting'].includes(e.status) &&
					(e.status !== 'success' || e.worker !== '');
				return list.length >= count && list.every(done) ? list : undefined;
			},
			{ timeoutMs, intervalMs: 1000, what: `${count} finished executions of ${workflowId}` },
		);
	}

	/** IDs of the executions whose stored data contains `marker` (the request body a webhook execution started with). */
	executionsContaining(marker: string): string[] {
		return this.pg
			.query(
				`SELECT "executionId" FROM execution_data WHERE data LIKE '%${marker.replace(/'/g, "''")}%'`,
			)
			.map(([id]) => id);
	}

	/** The stored run data of an execution (n8n keeps it flatted). */
	runData(executionId: string): any {
		const [[data]] = this.pg.query(
			`SELECT data FROM execution_data WHERE "executionId" = ${Number(executionId)}`,
		);
		const { parse } = requireFromN8n(this.paths, 'flatted');
		return parse(data);
	}

	/** A node's output items in a stored execution (first run, output 0). */
	nodeOutput(executionId: string, nodeName: string): any[] {
		const runs = this.runData(executionId).resultData.runData[nodeName];
		return (runs?.[0]?.data?.main?.[0] ?? []).map((i: any) => i.json);
	}

	/** Each process's log, for a failed run: test/e2e/.artifacts/queue-<name>.log. */
	saveLogs(dir: string): void {
		for (const sb of [this.main, ...this.workers, ...this.webhookProcessors])
			if (sb) writeFileSync(join(dir, `${sb.label}.log`), sb.serverLog);
	}

	async stop(): Promise<void> {
		for (const w of this.webhookProcessors) await w.dispose();
		for (const w of this.workers) await w.dispose();
		await this.main?.dispose();
		await this.redis.stop();
		await this.pg.stop();
	}
}
