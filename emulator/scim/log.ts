import type { ScimRequestLog } from './client';

export interface ScimFailure {
	applicationId: string;
	/** What was being done, e.g. "create user user_…". */
	what: string;
	detail: string;
}

const MAX_REQUESTS = 50_000;

/** Every SCIM request the emulator sent and how it was answered, and every change it could not push (bounded). */
export class ScimLog {
	requests: Array<ScimRequestLog & { applicationId: string }> = [];
	failures: ScimFailure[] = [];
	private count = 0;
	private byStatus: Record<string, number> = {};

	record(applicationId: string, entry: ScimRequestLog): void {
		this.count++;
		this.byStatus[entry.status] = (this.byStatus[entry.status] ?? 0) + 1;
		this.requests.push({ applicationId, ...entry });
		if (this.requests.length > MAX_REQUESTS) this.requests.shift();
	}

	failure(entry: ScimFailure): void {
		this.failures.push(entry);
	}

	reset(): void {
		this.requests = [];
		this.failures = [];
		this.count = 0;
		this.byStatus = {};
	}

	/** Counts, the failures and the last requests (without their bodies). */
	toJSON(recent = 100) {
		return {
			requests: this.count,
			byStatus: { ...this.byStatus },
			byMethod: this.requests.reduce<Record<string, number>>(
				(n, r) => ((n[r.method] = (n[r.method] ?? 0) + 1), n),
				{},
			),
			failures: this.failures,
			recentRequests: this.requests
				.slice(-recent)
				.map(({ applicationId, method, path, status, attempt }) => ({
					applicationId,
					method,
					path,
					status,
					attempt,
				})),
		};
	}
}
