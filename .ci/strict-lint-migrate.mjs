#!/usr/bin/env node
/**
 * ONE-SHOT MIGRATION (delete this file in the commit that applies it).
 *
 * `n8n-node lint` in strict mode runs `eslint .` at the package root with @n8n/node-cli's default
 * config, unmodified. That config applies n8n's community-node rules to every `.ts` file and ignores
 * only `dist`: no folder is out of its reach (ESLint 9 reads one config, from the root), so the
 * development code (test/, emulator/, bench/, scripts/*.ts) must pass it where it stands.
 *
 * Most of what it reports there is n8n Cloud's runtime sandbox (no Node built-ins, no process,
 * timers, __dirname, child processes), which development code cannot and need not follow: it runs
 * in plain Node and never ships (package.json `files` lists dist/nodes and dist/credentials only).
 * This script states that once per file, with the reason, as an ESLint directive:
 *   - sandbox rules → one file-level `eslint-disable` header naming exactly the rules the file breaks;
 *   - no-console → the same header (the emulator is a development server that logs to its console);
 *   - no-explicit-any in test/ → the same header, with its own reason (tests read n8n's and the
 *     emulator's JSON untyped); replacing those by types is follow-up work, file by file;
 *   - no-hardcoded-secrets, require-node-api-error → a directive on the reported line only (made-up
 *     fixture secrets; test code is not node code).
 * Everything else (unused variables, require(), prefer-const, ex-assign, any outside test/) is real
 * code to fix by hand; the script lists it and exits 1 until none is left. So does anything in nodes/ or
 * credentials/: the shipped code gets no directive (n8n's scanner ignores directives anyway:
 * allowInlineConfig: false).
 *
 *   node .ci/strict-lint-migrate.mjs           report only
 *   node .ci/strict-lint-migrate.mjs --write   add the directives, then report what is left
 * Re-runnable: a file's header from an earlier run is merged with the rules it needs now.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = new URL('..', import.meta.url).pathname;
const WRITE = process.argv.includes('--write');

const DEV_CODE = 'development code: runs in plain Node, not inside n8n, and is not in the package';
const FILE_RULES = new Map([
	['@n8n/community-nodes/no-restricted-globals', DEV_CODE],
	['@n8n/community-nodes/no-restricted-imports', DEV_CODE],
	['@n8n/community-nodes/no-dangerous-functions', DEV_CODE],
	['no-console', DEV_CODE],
]);
const LINE_RULES = new Map([
	['@n8n/community-nodes/no-hardcoded-secrets', 'a made-up value for tests and the emulator, not a real secret'],
	['@n8n/community-nodes/require-node-api-error', 'test code, not node code: NodeApiError and NodeOperationError are for what a node throws'],
]);
const TEST_ANY = ['@typescript-eslint/no-explicit-any', 'test code: reads the JSON of n8n and the emulator untyped'];
const SHIPPED = /^(nodes|credentials)\//;
const HEADER = /^\/\* eslint-disable ([^*]+?) -- (development code|test code)[^*]*\*\/\n/;

async function lint() {
	const eslint = new ESLint({ cwd: ROOT });
	return eslint.lintFiles(['.']);
}

function plan(results) {
	const files = new Map();
	const byHand = [];
	for (const result of results) {
		const file = relative(ROOT, result.filePath);
		for (const m of result.messages) {
			const rule = m.ruleId ?? '(parse error)';
			const where = `${file}:${m.line}:${m.column}  ${rule}  ${m.message}`;
			const headerRule = FILE_RULES.has(rule) || (rule === TEST_ANY[0] && file.startsWith('test/'));
			if (SHIPPED.test(file) || !(headerRule || LINE_RULES.has(rule))) {
				byHand.push(where);
				continue;
			}
			const entry = files.get(file) ?? { header: new Set(), lines: new Map() };
			if (headerRule) entry.header.add(rule);
			else entry.lines.set(m.line, new Set([...(entry.lines.get(m.line) ?? []), rule]));
			files.set(file, entry);
		}
	}
	return { files, byHand };
}

function apply(file, { header, lines }) {
	const path = `${ROOT}/${file}`;
	let text = readFileSync(path, 'utf8');
	const rows = text.split('\n');
	for (const line of [...lines.keys()].sort((a, b) => b - a)) {
		const rules = [...lines.get(line)].sort();
		const indent = rows[line - 1].match(/^\s*/)[0];
		const reasons = [...new Set(rules.map((r) => LINE_RULES.get(r)))].join('; ');
		rows.splice(line - 1, 0, `${indent}// eslint-disable-next-line ${rules.join(', ')} -- ${reasons}`);
	}
	text = rows.join('\n');
	if (header.size > 0) {
		const shebang = text.startsWith('#!') ? text.slice(0, text.indexOf('\n') + 1) : '';
		let body = text.slice(shebang.length);
		const previous = body.match(HEADER);
		if (previous) {
			for (const rule of previous[1].split(',')) header.add(rule.trim());
			body = body.slice(previous[0].length);
		}
		const reasons = [...header].some((r) => r !== TEST_ANY[0]) ? [DEV_CODE] : [];
		if (header.has(TEST_ANY[0])) reasons.push(TEST_ANY[1]);
		text = `${shebang}/* eslint-disable ${[...header].sort().join(', ')} -- ${reasons.join('; ')} */\n${body}`;
	}
	writeFileSync(path, text);
}

const first = plan(await lint());
if (WRITE) {
	for (const [file, entry] of first.files) apply(file, entry);
	console.log(`directives written in ${first.files.size} files`);
} else {
	for (const [file, entry] of first.files) {
		console.log(`${file}: header [${[...entry.header].join(', ')}], lines [${[...entry.lines.keys()].join(', ')}]`);
	}
}
const left = WRITE ? plan(await lint()) : first;
if (WRITE && left.files.size > 0) {
	console.log(`\ndirectives that did not take (place them by hand): ${[...left.files.keys()].join(', ')}`);
}
if (left.byHand.length > 0) {
	console.log(`\nto fix by hand (${left.byHand.length}):\n${left.byHand.join('\n')}`);
	process.exit(1);
}
console.log(WRITE ? '\nnothing left: run `npm run lint`' : '\nnothing to fix by hand');
