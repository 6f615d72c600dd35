import { execFileSync } from 'child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { join, relative, resolve } from 'path';

/**
 * The tiers (jest.config.js projects) hold every test file exactly once, and a new test file in a
 * new folder lands in integration: nothing is left out of `npm test` because nobody listed it.
 * Jest itself is asked (--listTests), so this checks the configuration jest really reads.
 */

const ROOT = resolve(__dirname, '..', '..');

function listed(project: string): string[] {
	const out = execFileSync(
		process.execPath,
		[require.resolve('jest/bin/jest'), '--listTests', '--json', '--selectProjects', project],
		{ cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
	);
	return (JSON.parse(out) as string[]).map((file) => relative(ROOT, file)).sort();
}

function testFiles(dir: string): string[] {
	return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory())
			return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : testFiles(path);
		return entry.name.endsWith('.test.ts') ? [path] : [];
	});
}

test('every test file is in exactly one tier; a new file in a new folder runs in integration', () => {
	const probeDir = join(ROOT, 'test', `tiers-probe-${process.pid}`);
	mkdirSync(probeDir, { recursive: true });
	writeFileSync(join(probeDir, 'new.test.ts'), "test('probe', () => {});\n");
	try {
		const tiers = Object.fromEntries(
			['unit', 'integration', 'e2e'].map((project) => [project, listed(project)]),
		);
		const all = Object.values(tiers).flat();
		expect(all.slice().sort()).toEqual(testFiles('test').sort());
		expect(new Set(all).size).toBe(all.length);
		expect(tiers.integration).toContain(relative(ROOT, join(probeDir, 'new.test.ts')));
		expect(tiers.e2e.every((file) => file.startsWith('test/e2e/'))).toBe(true);
		expect(tiers.unit.length).toBeGreaterThan(5);
	} finally {
		rmSync(probeDir, { recursive: true, force: true });
	}
});
