import { spawn, type ChildProcess } from 'child_process';
import { join } from 'path';

import { GENERATED } from '../emulator/generate';
import type { Target } from './undiciRunner';

/**
 * The emulator in its own process, so the benchmark's memory figures are the client's alone and
 * the emulator's work does not share the client's event loop.
 */
export interface EmulatorProcess {
	target: Target;
	rootOu: string;
	stats(): Promise<{
		total: number;
		generateTokenCalls: number;
		throttled: number;
		requests: Record<string, number>;
	}>;
	/** Sets the gateway-style rate limit (emulator/throttle.ts), requests per second. */
	rateLimit(perSecond: number): Promise<void>;
	resetStats(): Promise<void>;
	stop(): Promise<void>;
}

const ROOT = join(__dirname, '..');
/**
 * @param latencyMs added to every API request, to stand for the network between n8n and a real
 * tenant (loopback has none, which hides what concurrency buys).
 */
export async function startEmulatorProcess(users: number, latencyMs = 0): Promise<EmulatorProcess> {
	const child: ChildProcess = spawn(
		process.execPath,
		[
			join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
			join(ROOT, 'emulator/cli.ts'),
			'--port',
			'0',
			'--users',
			String(users),
		],
		{
			stdio: ['ignore', 'pipe', 'inherit'],
			env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=4096' },
		},
	);
	const url = await new Promise<string>((resolve, reject) => {
		let out = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(out);
			if (match) resolve(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
	});
	const control = async (path: string, method = 'GET') => {
		const response = await fetch(`${url}/__emulator/${path}`, { method });
		return (await response.json()) as never;
	};
	if (latencyMs > 0) {
		await fetch(`${url}/__emulator/faults`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ kind: 'latency', ms: latencyMs }),
		});
	}
	return {
		target: {
			baseUrl: url,
			instanceId: GENERATED.instanceId,
			applicationId: GENERATED.applicationId,
			clientId: GENERATED.applicationId,
			clientSecret: GENERATED.clientSecret,
		},
		rootOu: GENERATED.rootOrganizationalUnitId,
		stats: async () => await control('stats'),
		rateLimit: async (perSecond) => {
			await fetch(`${url}/__emulator/rateLimit`, {
				method: 'PUT',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ perSecond }),
			});
		},
		resetStats: async () => {
			await control('stats/reset', 'POST');
		},
		stop: async () => {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		},
	};
}
