import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * Guards the promise that no client secret or token ever reaches an output item, an error or a
 * log line, across the whole test suite: tests record every secret they hand out or see issued,
 * and everything the nodes produced (items, errors with description and context, log lines);
 * global teardown fails the run if any secret appears in any output.
 *
 * Jest runs test files in separate workers and module registries, so both lists go through
 * files in one folder shared by the run.
 */

const ENV = 'IDAAS_LEAK_GUARD_DIR';

/** Marks an output whose token values the user explicitly asked for; the only one allowed to hold a token. */
export const TOKEN_OPT_IN = '[token values requested]';

function dir(): string | undefined {
	return process.env[ENV];
}

/** A value no output may contain. Short values are ignored: they would match by chance. */
export function recordSecret(secret: unknown): void {
	const folder = dir();
	if (!folder || typeof secret !== 'string' || secret.length < 8) return;
	appendFileSync(join(folder, `secrets-${process.pid}.txt`), `${secret}\n`);
}

function serializeError(error: unknown): unknown {
	if (!(error instanceof Error)) return error;
	const e = error as Error & Record<string, unknown>;
	return {
		name: e.name,
		message: e.message,
		description: e.description,
		context: e.context,
		cause: e.cause instanceof Error ? serializeError(e.cause) : e.cause,
		stack: e.stack,
	};
}

/** Something a node produced that a user or an operator could see. */
export function recordOutput(label: string, value: unknown): void {
	const folder = dir();
	if (!folder) return;
	let text: string;
	try {
		text = JSON.stringify(value, (_key, v: unknown) =>
			v instanceof Error ? serializeError(v) : v,
		);
	} catch {
		text = String(value);
	}
	appendFileSync(
		join(folder, `outputs-${process.pid}.jsonl`),
		`${JSON.stringify({ label, text })}\n`,
	);
}

export function globalSetup(): void {
	process.env[ENV] = mkdtempSync(join(tmpdir(), 'idaas-leak-guard-'));
}

export function findLeaks(folder: string): string[] {
	const files = readdirSync(folder);
	const secrets = new Set<string>();
	for (const file of files.filter((f) => f.startsWith('secrets-'))) {
		for (const line of readFileSync(join(folder, file), 'utf8').split('\n'))
			if (line) secrets.add(line);
	}
	const leaks: string[] = [];
	for (const file of files.filter((f) => f.startsWith('outputs-'))) {
		for (const line of readFileSync(join(folder, file), 'utf8').split('\n')) {
			if (!line) continue;
			const { label, text } = JSON.parse(line) as { label: string; text: string };
			if (label.endsWith(TOKEN_OPT_IN)) continue;
			for (const secret of secrets) {
				if (text.includes(secret))
					leaks.push(`${label}: contains a secret starting ${secret.slice(0, 4)}…`);
			}
		}
	}
	return leaks;
}

export function globalTeardown(): void {
	const folder = dir();
	if (!folder) return;
	const files = readdirSync(folder);
	const leaks = findLeaks(folder);
	const outputs = files.filter((f) => f.startsWith('outputs-')).length;
	rmSync(folder, { recursive: true, force: true });
	if (leaks.length > 0) {
		throw new Error(`Secrets leaked into outputs:\n${[...new Set(leaks)].join('\n')}`);
	}
	// One line for the CI log, so the check is visibly there.
	process.stdout.write(
		`\nleak guard: no secret found in the recorded outputs (${outputs} output files)\n`,
	);
}
