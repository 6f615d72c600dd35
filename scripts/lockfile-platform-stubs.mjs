#!/usr/bin/env node
/**
 * Adds package-lock entries for unrs-resolver's native bindings of other platforms.
 *
 * Why: the npm registry this project is built from serves only the linux-x64 bindings of
 * `unrs-resolver` (a dependency of the lint toolchain), so `npm install` cannot write lock
 * entries for the others, and `npm ci` then refuses the lockfile as out of sync. An entry with
 * `optional`, `os`, `cpu` (and `libc`) is enough for `npm ci`: it skips packages for another
 * platform without fetching them. Run after any `npm install` that rewrites the lockfile:
 *   node scripts/lockfile-platform-stubs.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
const resolver = packages['node_modules/unrs-resolver'];
if (!resolver) {
	console.log('no unrs-resolver in the lockfile; nothing to do');
	process.exit(0);
}

// binding name suffix → platform fields, as the binding packages declare them.
const PLATFORM = {
	'android-arm-eabi': { os: ['android'], cpu: ['arm'] },
	'android-arm64': { os: ['android'], cpu: ['arm64'] },
	'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
	'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
	'freebsd-x64': { os: ['freebsd'], cpu: ['x64'] },
	'linux-arm-gnueabihf': { os: ['linux'], cpu: ['arm'], libc: ['glibc'] },
	'linux-arm-musleabihf': { os: ['linux'], cpu: ['arm'], libc: ['musl'] },
	'linux-loong64-gnu': { os: ['linux'], cpu: ['loong64'], libc: ['glibc'] },
	'linux-loong64-musl': { os: ['linux'], cpu: ['loong64'], libc: ['musl'] },
	'linux-ppc64-gnu': { os: ['linux'], cpu: ['ppc64'], libc: ['glibc'] },
	'linux-riscv64-gnu': { os: ['linux'], cpu: ['riscv64'], libc: ['glibc'] },
	'linux-riscv64-musl': { os: ['linux'], cpu: ['riscv64'], libc: ['musl'] },
	'linux-s390x-gnu': { os: ['linux'], cpu: ['s390x'], libc: ['glibc'] },
	'openharmony-arm64': { os: ['openharmony'], cpu: ['arm64'] },
	'wasm32-wasi': { cpu: ['wasm32'] },
	'win32-arm64-msvc': { os: ['win32'], cpu: ['arm64'] },
	'win32-ia32-msvc': { os: ['win32'], cpu: ['ia32'] },
	'win32-x64-msvc': { os: ['win32'], cpu: ['x64'] },
};

let added = 0;
for (const [name, version] of Object.entries(resolver.optionalDependencies ?? {})) {
	const key = `node_modules/${name}`;
	if (packages[key]) continue;
	const platform = PLATFORM[name.replace('@unrs/resolver-binding-', '')];
	if (!platform)
		throw new Error(
			`unknown binding ${name}: add its platform to scripts/lockfile-platform-stubs.mjs`,
		);
	packages[key] = { version, dev: true, license: 'MIT', optional: true, ...platform };
	added++;
}
const sorted = Object.fromEntries(
	Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform stub entries`);
