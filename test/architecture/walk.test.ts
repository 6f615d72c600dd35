import { readdirSync, statSync } from 'fs';
import { join, relative } from 'path';

import { byId, startEnv, type Env } from '../harness/emulatorEnv';

/**
 * The path one User → Create takes through the package, from the node's execute() to n8n's HTTP
 * helper and back. Every function a package file exports (and every method of an exported class
 * or object) is wrapped before the run; each call records the file it enters and, from a stack
 * trace, the file it came from. A hop is a call from one file into another; calls inside a file
 * are not counted. A reader following one request should meet a few files, each once, going one
 * way: down from the node to the transport.
 */

const ROOT = join(__dirname, '..', '..');
const PACKAGE = ['nodes/AlibabaIdaas', 'credentials'];

interface Hop {
	from: string;
	to: string;
	name: string;
}

const hops: Hop[] = [];
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
	.sort((a, b) => Number(a.endsWith('index.ts')) - Number(b.endsWith('index.ts')) || a.localeCompare(b));
const packageFile = (path: string) => files.find((file) => path === file);

/** The package file of the first stack frame outside this test, or 'outside' (n8n, the harness). */
function callerFile(stack: string): string {
	for (const line of stack.split('\n').slice(1)) {
		const match = /\(?([^\s()]+\.ts):\d+:\d+\)?$/.exec(line.trim());
		if (!match || match[1] === __filename) continue;
		const file = packageFile(match[1]);
		return file ? relative(ROOT, file) : 'outside';
	}
	return 'outside';
}

const wrapped = new WeakSet<object>();

function tracer(file: string, name: string, fn: (...args: unknown[]) => unknown) {
	const traced = function (this: unknown, ...args: unknown[]) {
		if (recording) {
			const from = callerFile(new Error().stack ?? '');
			if (from !== file) hops.push({ from, to: file, name });
		}
		return fn.apply(this, args);
	};
	wrapped.add(traced);
	return traced;
}

/** Wraps an object's function properties (and those of the objects and arrays it holds, a few levels down). */
function wrapObject(file: string, owner: string, target: Record<string, unknown>, depth: number): void {
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
	for (const target of [cls.prototype as Record<string, unknown>, cls as unknown as Record<string, unknown>]) {
		for (const key of Object.getOwnPropertyNames(target)) {
			const descriptor = Object.getOwnPropertyDescriptor(target, key);
			if (key === 'constructor' || key === 'prototype' || !descriptor || !('value' in descriptor) || typeof descriptor.value !== 'function') continue;
			Object.defineProperty(target, key, { ...descriptor, value: tracer(file, `${cls.name}.${key}`, descriptor.value as (...args: unknown[]) => unknown) });
		}
	}
}

for (const file of files) {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
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

const create = (username: string) => ({ resource: 'user', operation: 'create', username, primaryOrganizationalUnitId: byId('ou_demosales01') });

/** Files in the order the walk first enters them, with how often each is entered. */
function summary(walk: Hop[]): Array<{ file: string; entered: number }> {
	const entered = new Map<string, number>();
	for (const hop of walk) entered.set(hop.to, (entered.get(hop.to) ?? 0) + 1);
	return [...entered].map(([file, count]) => ({ file, entered: count }));
}

test('a User → Create enters at most 10 package files, each once', async () => {
	// The first run fetches the application's token; the walk measured is the one every later item takes.
	expect((await env.run(create('walk.first'))).error).toBeUndefined();
	recording = true;
	const result = await env.run(create('walk.second'));
	recording = false;
	expect(result.error).toBeUndefined();
	expect(result.items[0].json.userId).toMatch(/^user_/);

	const walk = summary(hops);
	const report = [
		`files entered: ${walk.length}, hops: ${hops.length}`,
		...walk.map(({ file, entered }) => `  ${entered}x ${file}`),
		'hops in order:',
		...hops.map((hop) => `  ${hop.from} -> ${hop.to} (${hop.name})`),
	].join('\n');
	if (process.env.WALK_REPORT) process.stdout.write(`${report}\n`);
	expect({ files: walk.length, enteredTwice: walk.filter(({ entered }) => entered > 1).map(({ file }) => file) }).toEqual({
		files: expect.any(Number) as number,
		enteredTwice: [],
	});
	expect(walk.length).toBeLessThanOrEqual(10);
});
