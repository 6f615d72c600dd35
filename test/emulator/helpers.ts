import { findOperation, isPamOperation } from '../../nodes/AlibabaIdaas/catalog';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/server';

export interface Reply {
	status: number;
	body: any;
	headers: Headers;
}

export interface CallOptions {
	/** Path parameters besides instanceId/applicationId. */
	path?: Record<string, string>;
	query?: Record<string, string | number>;
	body?: unknown;
	/**
	 * Bearer token; defaults to the harness's app token, and for PAM operations to its authorization-server
	 * token (the documented path). `null` sends no Authorization header.
	 */
	token?: string | null;
	instanceId?: string;
	applicationId?: string;
	headers?: Record<string, string>;
}

/** A running emulator plus a client that builds requests from the catalog, as the node does. */
export class Harness {
	token = '';
	/** A token of the authorization server with every PAM scope, as Alibaba's PAM client gets one. */
	pamToken = '';
	emu!: Emulator;

	static async start(options: EmulatorOptions = {}): Promise<Harness> {
		const harness = new Harness();
		harness.emu = await startEmulator({ host: '127.0.0.1', port: 0, ...options });
		harness.token = harness.emu.issueAppToken();
		harness.pamToken = harness.emu.issuePamToken();
		return harness;
	}

	get app() {
		return this.emu.application;
	}

	url(action: string, options: CallOptions = {}): string {
		const op = findOperation(action);
		if (!op) throw new Error(`no ${action} in the catalog`);
		const values: Record<string, string> = {
			instanceId: options.instanceId ?? this.emu.instanceId,
			applicationId: options.applicationId ?? this.app.applicationId,
			...options.path,
		};
		const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
			encodeURIComponent(values[name] ?? `{${name}}`),
		);
		const query = new URLSearchParams(
			Object.entries(options.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
		);
		return `${this.emu.url}${path}${query.size ? `?${query}` : ''}`;
	}

	async call(action: string, options: CallOptions = {}): Promise<Reply> {
		const op = findOperation(action)!;
		const headers: Record<string, string> = { ...options.headers };
		const token =
			options.token === undefined
				? isPamOperation(op)
					? this.pamToken
					: this.token
				: options.token;
		if (token) headers.authorization = `Bearer ${token}`;
		let body: string | undefined;
		if (options.body !== undefined) {
			body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
			headers['content-type'] ??= 'application/json; charset=utf-8';
		}
		return send(this.url(action, options), { method: op.method, headers, body });
	}

	/** POST/GET to a control endpoint under /__emulator/. */
	control(method: string, path: string, body?: unknown): Promise<Reply> {
		return send(`${this.emu.url}/__emulator/${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	}

	close(): Promise<void> {
		return this.emu.close();
	}
}

export async function send(url: string, init: RequestInit): Promise<Reply> {
	const res = await fetch(url, init);
	const text = await res.text();
	let body: any = text;
	try {
		body = text ? JSON.parse(text) : undefined;
	} catch {
		// not JSON; keep the text
	}
	return { status: res.status, body, headers: res.headers };
}

/**
 * One emulator for the test file (started in beforeAll on 127.0.0.1:0, closed in afterAll); with
 * `resetEach`, the demo data, faults and stats are restored and a fresh token issued before each test.
 */
export function useHarness(resetEach = true, options: EmulatorOptions = {}): Harness {
	const h = new Harness();
	beforeAll(async () => {
		const started = await Harness.start(options);
		h.emu = started.emu;
		h.token = started.token;
		h.pamToken = started.pamToken;
	});
	afterAll(() => h.close());
	if (resetEach) {
		beforeEach(() => {
			h.emu.reset();
			h.token = h.emu.issueAppToken();
			h.pamToken = h.emu.issuePamToken();
		});
	}
	return h;
}

/** The demo seed's fixed IDs (emulator/seeds/demo.json). */
export const DEMO = {
	root: 'ou_demoroot01',
	engineering: 'ou_demoengineering01',
	platform: 'ou_demoplatform01',
	sales: 'ou_demosales01',
	hr: 'ou_demohr01',
	alice: 'user_demoalicechen01',
	bob: 'user_demobobsmith01',
	daniel: 'user_demodanielkim01',
	jack: 'user_demojacktaylor01',
	allStaff: 'group_demoallstaff01',
	engineers: 'group_demoengineers01',
	salesTeam: 'group_demosales01',
};
