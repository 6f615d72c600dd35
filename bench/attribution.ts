import type { JobContext } from './jobs';
import { assertRun, harnessFor, nodeOptions, patchUsers } from './jobs';

/**
 * Where the node's time goes on loopback, beyond raw undici: the patch job run by the node
 * four ways, each taking out one more per-item cost, so the rest is what this package adds.
 * Diagnostic only.
 *
 * - "expressions n8n evaluates": userId and displayName are computed expressions
 *   (`{{ String($json.…) }}`), which n8n's expression engine evaluates for each item.
 * - "as a workflow runs it": the fields mapped from the item (`{{ $json.… }}`), as in the main
 *   table and as dragging a field onto the node writes them; the node reads those from the item
 *   (request/mappedField.ts).
 * - "fixed parameters": the same requests with literal parameters, so no expression at all
 *   (every item patches the same user).
 * - "fixed, shared keep-alive agent": n8n-core's request helper builds a new http.Agent for
 *   every request (so every request opens a new connection, and over https would do a new TLS
 *   handshake); here the benchmark swaps n8n-core's agent factory for one keep-alive agent
 *   while the job runs, and puts it back after. The package never does this.
 */

export type AttributionVariant = 'evaluated' | 'workflow' | 'fixed' | 'fixedKeepAlive';

export const ATTRIBUTION_LABELS: Record<AttributionVariant, string> = {
	evaluated: 'this node, expressions n8n evaluates',
	workflow: 'this node, as a workflow runs it (mapped fields)',
	fixed: 'this node, fixed parameters (no expressions)',
	fixedKeepAlive: 'this node, fixed, one keep-alive agent',
};

interface HttpProxyModule {
	createHttpProxyAgent: (...args: unknown[]) => unknown;
}

async function withSharedKeepAliveAgent<T>(work: () => Promise<T>): Promise<T> {
	const http = require('http') as typeof import('http');
	const proxies = require('n8n-core/dist/http-proxy.js') as HttpProxyModule;
	const original = proxies.createHttpProxyAgent;
	const shared = new http.Agent({ keepAlive: true });
	// n8n-core reads this export at call time (`(0, http_proxy_1.createHttpProxyAgent)(…)`); the
	// emulator is plain http, so the https factory does not matter here.
	proxies.createHttpProxyAgent = () => shared;
	try {
		return await work();
	} finally {
		proxies.createHttpProxyAgent = original;
		shared.destroy();
	}
}

export async function patchVariant(
	ctx: JobContext,
	variant: AttributionVariant,
	userIds: string[],
): Promise<number> {
	if (variant === 'workflow') return await patchUsers(ctx, 'node', userIds);
	if (variant === 'evaluated') return await patchUsers(ctx, 'node', userIds, 'String');
	const run = async () => {
		const rows = userIds.map(() => ({}));
		const result = await harnessFor(ctx).execute(
			ctx.idaasNode,
			{
				resource: 'user',
				operation: 'update',
				userId: { __rl: true, mode: 'id', value: userIds[0] },
				updateFields: { displayName: 'Patched with fixed parameters' },
				options: nodeOptions(ctx),
			},
			{ items: rows },
		);
		assertRun(result, rows.length, ATTRIBUTION_LABELS[variant]);
		return rows.length;
	};
	return variant === 'fixedKeepAlive' ? await withSharedKeepAliveAgent(run) : await run();
}
