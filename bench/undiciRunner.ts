import { Pool } from 'undici';

/**
 * The floor: the same jobs as raw HTTP with undici at the same concurrency, nothing but the
 * requests themselves (one GenerateToken, then one request per item).
 */

export interface Target {
	baseUrl: string;
	instanceId: string;
	applicationId: string;
	clientId: string;
	clientSecret: string;
}

export class RawClient {
	private readonly pool: Pool;

	private token = '';

	constructor(
		private readonly target: Target,
		connections: number,
	) {
		this.pool = new Pool(target.baseUrl, { connections, pipelining: 1 });
	}

	private get prefix(): string {
		return `/v2/${this.target.instanceId}/${this.target.applicationId}`;
	}

	async authenticate(): Promise<void> {
		const body = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: this.target.clientId,
			client_secret: this.target.clientSecret,
		}).toString();
		const response = await this.pool.request({
			method: 'POST',
			path: `${this.prefix}/oauth2/token`,
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body,
		});
		const json = (await response.body.json()) as { access_token: string };
		this.token = json.access_token;
	}

	/** One request; a 429 is sent again after the x-acs-retry-after it gives (ms), as Alibaba's SDK runtime does. */
	async json(
		method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
		path: string,
		body?: unknown,
	): Promise<unknown> {
		for (;;) {
			const answer = await this.once(method, path, body);
			if (answer.status !== 429) return answer.json;
			await new Promise((resolve) => setTimeout(resolve, Number(answer.retryAfterMs) || 100));
		}
	}

	private async once(
		method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
		path: string,
		body?: unknown,
	): Promise<{ status: number; json?: unknown; retryAfterMs?: unknown }> {
		const response = await this.pool.request({
			method,
			path: `${this.prefix}${path}`,
			headers: {
				authorization: `Bearer ${this.token}`,
				accept: 'application/json',
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.body.text();
		if (response.statusCode === 429)
			return { status: 429, retryAfterMs: response.headers['x-acs-retry-after'] };
		if (response.statusCode >= 300)
			throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
		return { status: response.statusCode, json: text ? JSON.parse(text) : {} };
	}

	/** Every page of one pageNumber listing at the largest page size (100), one after the other. */
	async eachPage<T>(path: string, onPage: (data: T[]) => void): Promise<void> {
		const separator = path.includes('?') ? '&' : '?';
		for (let pageNumber = 1; ; pageNumber++) {
			const body = (await this.json(
				'GET',
				`${path}${separator}pageNumber=${pageNumber}&pageSize=100`,
			)) as { data?: T[]; totalCount?: number };
			const data = body.data ?? [];
			onPage(data);
			if (data.length < 100 || pageNumber * 100 >= Number(body.totalCount)) return;
		}
	}

	async close(): Promise<void> {
		await this.pool.close();
	}
}

/** Runs `work` over the items with at most `concurrency` in flight; results in input order. */
export async function mapConcurrent<T, R>(
	items: T[],
	concurrency: number,
	work: (item: T) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index]);
		}
	});
	await Promise.all(workers);
	return results;
}
