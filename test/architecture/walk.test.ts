import { readdirSync, statSync } from 'fs';
import { join, relative } from 'path';

import { byId, startEnv, type Env } from '../harness/emulatorEnv';

/**
 * The path one User → Create takes through the package, from the node's execute() to n8n's HTTP
 * helper and back. Every function a package file exports (and every method of an exported class
 * or object) is wrapped before the run; each call takes a stack trace, whose package frames give
 * the chain of files the call came down (closures a file hands out show up there too). A hop is
 * one file calling into another (counted once however often it calls); calls inside a file are not
 * counted. A reader following one request should meet few files, each entered from one place,
 * going one way: down from the node to the transport.
 */

const ROOT = join(__dirname, '..', '..');
const PACKAGE = ['nodes/AlibabaIdaas', 'credentials'];
/**
 * The most files one User → Create may enter: the node, the dispatch, the execution, the item
 * pool, reading and building the request, the transport's client, session and pacing, and the
 * output (before the registry and the layering it entered 22, from 40 calls between files).
 */
const MAX_FILES = 10;

/**
 * The layers, top first: a call may go down, or stay in its layer, never up (the transport calling
 * back into the request layer, say). n8n's calls into the node and the credential come from outside.
 */
const LAYERS = [
	['nodes/AlibabaIdaas/AlibabaIdaas.node.ts'],
	['nodes/AlibabaIdaas/operations/'],
	['nodes/AlibabaIdaas/description/', 'nodes/AlibabaIdaas/request/'],
	['nodes/AlibabaIdaas/output/'],
	['nodes/AlibabaIdaas/transport/', 'credentials/'],
	['nodes/AlibabaIdaas/catalog/'],
];
const layerOf = (file: string) =>
	LAYERS.findIndex((prefixes) => prefixes.some((prefix) => file.startsWith(prefix)));

/** Every call from one package file into another, in order: the file it came from, the one it entered, what it called. */
const calls: Array<{ from: string; to: string; name: string }> = [];
/** Every package file seen running: called, or on the stack of a call (closures a file hands out run there). */
const seen = new Set<string>();
let recording = false;

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

const files = PACKAGE.flatMap((dir) => sourceFiles(join(ROOT, dir)))
	// Index files re-export what deeper files define: the deeper file is where a call enters.
	.sort(
		(a, b) => Number(a.endsWith('index.ts')) - Number(b.endsWith('index.ts')) || a.localeCompare(b),
	);
const packageFile = (path: string) => files.find((file) => path === file);

/** The package files a stack passes through, innermost first, each run of frames in one file counted once; 'outside' for n8n and the harness. */
function stackFiles(stack: string): string[] {
	const chain: string[] = [];
	for (const line of stack.split('\n').slice(1)) {
		const match = /\(?([^\s()]+\.ts):\d+:\d+\)?$/.exec(line.trim());
		if (!match || match[1] === __filename) continue;
		// The emulator and the test harness run in this process and read the catalog too: their calls are not the node's walk.
		if (match[1].startsWith(join(ROOT, 'emulator')) || match[1].startsWith(join(ROOT, 'test')))
			return ['emulator'];
		const file = packageFile(match[1]);
		const name = file ? relative(ROOT, file) : 'outside';
		if (chain[chain.length - 1] !== name) chain.push(name);
	}
	return chain.length > 0 ? chain : ['outside'];
}

const wrapped = new WeakSet<object>();

function tracer(file: string, name: string, fn: (...args: unknown[]) => unknown) {
	const traced = function (this: unknown, ...args: unknown[]) {
		if (recording) {
			const chain = [file, ...stackFiles(new Error().stack ?? '')];
			if (chain.includes('emulator')) return fn.apply(this, args);
			if (chain[1] !== file) calls.push({ from: chain[1], to: file, name });
			for (const entered of chain) if (entered !== 'outside') seen.add(entered);
		}
		return fn.apply(this, args);
	};
	wrapped.add(traced);
	return traced;
}

/** Wraps an object's function properties (and those of the objects and arrays it holds, a few levels down). */
function wrapObject(
	file: string,
	owner: string,
	target: Record<string, unknown>,
	depth: number,
): void {
	if (wrapped.has(target) || depth > 3) return;
	wrapped.add(target);
	for (const key of Object.getOwnPropertyNames(target)) {
		const descriptor = Object.getOwnPropertyDescriptor(target, key);
		if (!descriptor || !('value' in descriptor) || !descriptor.writable) continue;
		const value = descriptor.value as unknown;
		if (typeof value === 'function' && !wrapped.has(value) && key !== 'constructor') {
			if (/^[A-Z]/.test(key) && value.prototype) wrapClass(file, value as new () => unknown);
			else target[key] = tracer(file, `${owner}${key}`, value as (...args: unknown[]) => unknown);
		} else if (value && typeof value === 'object' && !Object.isFrozen(value)) {
			wrapObject(file, `${owner}${key}.`, value as Record<string, unknown>, depth + 1);
		}
	}
}

function wrapClass(file: string, cls: new () => unknown): void {
	if (wrapped.has(cls)) return;
	wrapped.add(cls);
	for (const target of [
		cls.prototype as Record<string, unknown>,
		cls as unknown as Record<string, unknown>,
	]) {
		for (const key of Object.getOwnPropertyNames(target)) {
			const descriptor = Object.getOwnPropertyDescriptor(target, key);
			if (
				key === 'constructor' ||
				key === 'prototype' ||
				!descriptor ||
				!('value' in descriptor) ||
				typeof descriptor.value !== 'function'
			)
				continue;
			Object.defineProperty(target, key, {
				...descriptor,
				value: tracer(
					file,
					`${cls.name}.${key}`,
					descriptor.value as (...args: unknown[]) => unknown,
				),
			});
		}
	}
}

for (const file of files) {
	const exports = require(file) as Record<string, unknown>;
	wrapObject(relative(ROOT, file), '', exports, 0);
}

let env: Env;

beforeAll(async () => {
	env = await startEnv();
});

afterAll(async () => {
	await env.close();
});

const create = (username: string) => ({
	resource: 'user',
	operation: 'create',
	username,
	primaryOrganizationalUnitId: byId('ou_demosales01'),
});

/** Each file called from another, with the files it is called from. */
function callers(): Map<string, string[]> {
	const from = new Map<string, string[]>();
	for (const { from: caller, to } of calls)
		if (!from.get(to)?.includes(caller)) from.set(to, [...(from.get(to) ?? []), caller]);
	return from;
}

test('a User → Create goes down the layers, through at most 10 files, each entered from one', async () => {
	// The first run fetches the application's token; the walk measured is the one every later item takes.
	expect((await env.run(create('walk.first'))).error).toBeUndefined();
	recording = true;
	const result = await env.run(create('walk.second'));
	recording = false;
	expect(result.error).toBeUndefined();
	expect(result.items[0].json.userId).toMatch(/^user_/);

	const walk = callers();
	const report = [
		`files entered: ${seen.size}, hops (calls from one file into another): ${calls.length}`,
		...[...seen].map((file) => `  ${file} <- ${(walk.get(file) ?? []).join(', ')}`),
		'calls in order:',
		...calls.map((call) => `  ${call.from} -> ${call.to} (${call.name})`),
	].join('\n');
	if (process.env.WALK_REPORT) process.stdout.write(`${report}\n`);
	const upward = calls
		.filter(({ from, to }) => from !== 'outside' && layerOf(to) < layerOf(from))
		.map(({ from, to, name }) => `${from} -> ${to} (${name})`);
	expect(upward).toEqual([]);
	expect(seen.size).toBeLessThanOrEqual(MAX_FILES);
	// A file entered from two places is one a reader meets twice, from two directions.
	const enteredTwice = [...walk]
		.filter(([, from]) => from.length > 1)
		.map(([file, from]) => `${file} <- ${from.join(', ')}`);
	expect(enteredTwice).toEqual([]);
});
