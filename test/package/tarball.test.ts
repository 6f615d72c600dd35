/**
 * The package as npm ships it. Packs it the way `npm publish` does and checks what n8n's
 * verification checks before anyone looks at the code: the scanner's rules on the source and on
 * the tarball (scan.mjs), nothing in the tarball but what n8n loads, an install into an empty
 * `~/.n8n/nodes` that adds nothing but the package, and every file of the `n8n` block loading with
 * only n8n-workflow beside it (load.cjs).
 */
import { execFileSync } from 'child_process';
import {
	cpSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { ensureBuilt, ROOT } from '../e2e/helpers/n8n';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

interface ScanResult {
	passed: boolean;
	message?: string;
	details?: string;
}

/** What may ship: the built nodes and credentials with their codex and icons, and npm's own files. */
const SHIPPED = [
	/^package\.json$/,
	/^(README|LICENSE|CHANGELOG)\.md$/,
	/^dist\/(nodes|credentials)\/.+\.(js|node\.json|svg|png)$/,
];

let work: string;
let tarball: string;
let unpacked: string;
let packed: string[];

/**
 * Runs a tool outside jest's settings: NODE_ENV=test (set by jest) makes eslint-plugin-n8n-nodes-base
 * take every file for `Test.node.ts`, and NODE_PATH could resolve modules an n8n install does not have.
 * TMPDIR: the scanner makes a temp folder when it loads; keep it inside `work`.
 */
function run(file: string, args: string[], cwd: string): string {
	const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: work };
	delete env.NODE_ENV;
	delete env.NODE_PATH;
	return execFileSync(file, args, { cwd, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
}

function scan(sourceDir: string, tarballDir: string): { source: ScanResult; tarball: ScanResult } {
	return JSON.parse(
		run(process.execPath, [join(__dirname, 'scan.mjs'), sourceDir, tarballDir], ROOT),
	);
}

beforeAll(() => {
	ensureBuilt();
	work = mkdtempSync(join(tmpdir(), 'idaas-package-'));
	const [info] = JSON.parse(
		run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT),
	);
	tarball = join(work, info.filename);
	packed = info.files.map((f: { path: string }) => f.path).sort();
	unpacked = join(work, 'unpacked');
	mkdirSync(unpacked);
	run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'], work);
});

afterAll(() => {
	if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball holds only what n8n loads: built nodes and credentials, codex, icons, README, LICENSE', () => {
	expect(packed.filter((path) => !SHIPPED.some((re) => re.test(path)))).toEqual([]);
	for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(packed).toContain(file);
	// No source maps or declarations (they would point at .ts files the tarball does not have).
	expect(packed.filter((path) => /\.(map|ts)$/.test(path))).toEqual([]);
	expect(pkg.main).toBeUndefined();
});

test("n8n's scanner passes the source and the tarball", () => {
	const result = scan(ROOT, unpacked);
	expect({ source: result.source.details ?? '', tarball: result.tarball.details ?? '' }).toEqual({
		source: '',
		tarball: '',
	});
	expect(result.source.passed).toBe(true);
	expect(result.tarball.passed).toBe(true);
});

test("n8n's scanner fails a tarball that breaks its rules (the check is live)", () => {
	const broken = join(work, 'broken');
	cpSync(unpacked, broken, { recursive: true });
	const nodeFile = join(broken, pkg.n8n.nodes[0]);
	writeFileSync(
		nodeFile,
		`${readFileSync(nodeFile, 'utf8')}\nrequire('child_process').execSync('id');\n`,
	);
	const manifest = JSON.parse(readFileSync(join(broken, 'package.json'), 'utf8'));
	writeFileSync(
		join(broken, 'package.json'),
		JSON.stringify({ ...manifest, dependencies: { axios: '1.0.0' } }, null, 2),
	);

	const { tarball: result } = scan(ROOT, broken);

	expect(result.passed).toBe(false);
	expect(result.details).toContain('@n8n/community-nodes/no-restricted-imports');
	expect(result.details).toContain('@n8n/community-nodes/no-runtime-dependencies');
});

describe('installed into an empty ~/.n8n/nodes', () => {
	let nodesDir: string;
	let installedDir: string;

	beforeAll(() => {
		// What n8n creates before installing a community package: a private package.json.
		nodesDir = join(work, '.n8n', 'nodes');
		mkdirSync(nodesDir, { recursive: true });
		writeFileSync(
			join(nodesDir, 'package.json'),
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }),
		);
		run('npm', ['install', '--omit=peer', '--no-audit', '--no-fund', tarball], nodesDir);
		installedDir = join(nodesDir, 'node_modules', pkg.name);
	});

	test('npm install --omit=peer adds the package and nothing else', () => {
		expect(
			readdirSync(join(nodesDir, 'node_modules')).filter((name) => name !== '.package-lock.json'),
		).toEqual([pkg.name]);
		// npm still resolves the peer (n8n-workflow and its tree) into the lockfile, marked peer, not on disk.
		const lock: { packages: Record<string, { peer?: boolean }> } = JSON.parse(
			readFileSync(join(nodesDir, 'package-lock.json'), 'utf8'),
		);
		const installed = Object.entries(lock.packages).filter(
			([path, entry]) => path !== '' && !entry.peer,
		);
		expect(installed.map(([path]) => path)).toEqual([`node_modules/${pkg.name}`]);
	});

	test('every file of the n8n block loads with only n8n-workflow beside it, codex from package.json', () => {
		// n8n provides n8n-workflow to the packages it loads; nothing else is there to resolve.
		symlinkSync(
			join(ROOT, 'node_modules', 'n8n-workflow'),
			join(nodesDir, 'node_modules', 'n8n-workflow'),
			'dir',
		);
		const loaded = JSON.parse(
			run(process.execPath, [join(__dirname, 'load.cjs'), installedDir], nodesDir),
		);

		expect(loaded.map((l: { file: string }) => l.file)).toEqual([
			...pkg.n8n.nodes,
			...pkg.n8n.credentials,
		]);
		for (const node of loaded.filter((l: { kind: string }) => l.kind === 'nodes')) {
			expect(node.codex.node).toBe(`${pkg.name}.${node.name}`);
			expect(node.codex.resources.primaryDocumentation).toEqual([{ url: pkg.homepage }]);
			// n8n 2.8.4 shows a search result's description only with a "Core Nodes" subcategory (gulpfile.js);
			// without "Core Nodes" among the categories, the node is not listed with n8n's core nodes.
			expect(node.codex.subcategories).toEqual({
				'Core Nodes': [node.name.endsWith('Trigger') ? 'Other Trigger Nodes' : 'Helpers'],
			});
			expect(node.codex.categories).not.toContain('Core Nodes');
		}
	});
});
