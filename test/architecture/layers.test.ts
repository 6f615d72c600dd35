import { existsSync, readFileSync, readdirSync, statSync } from 'fs';
import { dirname, join, normalize, relative } from 'path';

/**
 * The package's layers only go down: the catalog, then the request layer, the transport and the
 * output, with the operations and the node on top. A folder that imports one which imports it
 * back, or files that import each other round a cycle, mean a reader can no longer follow one
 * request in one direction. Type-only imports count: they tie the files together all the same.
 */

const ROOT = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

/** Each package file's imports of other package files (relative paths from the repo root). */
function importGraph(dirs: readonly string[]): Map<string, string[]> {
	const graph = new Map<string, string[]>();
	for (const file of dirs.flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
		const source = readFileSync(file, 'utf8');
		const targets = new Set<string>();
		for (const match of source.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
			const base = normalize(join(dirname(file), match[1]));
			const target = existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts');
			targets.add(relative(ROOT, target));
		}
		graph.set(relative(ROOT, file), [...targets]);
	}
	return graph;
}

/** Pairs of folders that import each other ("a <-> b"). */
function backArrows(graph: Map<string, string[]>): string[] {
	const edges = new Set<string>();
	for (const [file, targets] of graph)
		for (const target of targets)
			if (dirname(file) !== dirname(target)) edges.add(`${dirname(file)} -> ${dirname(target)}`);
	return [...edges]
		.filter((edge) => {
			const [from, to] = edge.split(' -> ');
			return from < to && edges.has(`${to} -> ${from}`);
		})
		.map((edge) => edge.replace(' -> ', ' <-> '));
}

/** Groups of files that import each other round a cycle (Tarjan's strongly connected components). */
function fileCycles(graph: Map<string, string[]>): string[][] {
	let next = 0;
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const cycles: string[][] = [];
	const visit = (file: string) => {
		index.set(file, next);
		low.set(file, next++);
		stack.push(file);
		onStack.add(file);
		for (const target of graph.get(file) ?? []) {
			if (!graph.has(target)) continue;
			if (!index.has(target)) {
				visit(target);
				low.set(file, Math.min(low.get(file)!, low.get(target)!));
			} else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
		}
		if (low.get(file) === index.get(file)) {
			const group: string[] = [];
			let member: string;
			do {
				member = stack.pop()!;
				onStack.delete(member);
				group.push(member);
			} while (member !== file);
			if (group.length > 1) cycles.push(group.sort());
		}
	};
	for (const file of graph.keys()) if (!index.has(file)) visit(file);
	return cycles;
}

const graph = importGraph(['nodes', 'credentials']);

test('no folder of the nodes imports one that imports it back', () => {
	expect(backArrows(graph)).toEqual([]);
});

test('no files of the nodes import each other round a cycle', () => {
	expect(fileCycles(graph)).toEqual([]);
});

test('the transport imports nothing from the request layer or the editor description', () => {
	const upward = [...graph].flatMap(([file, targets]) =>
		file.startsWith('nodes/AlibabaIdaas/transport/')
			? targets
					.filter((target) =>
						/nodes\/AlibabaIdaas\/(request|description|operations|output)\//.test(target),
					)
					.map((target) => `${file} -> ${target}`)
			: [],
	);
	expect(upward).toEqual([]);
});

test('the catalog imports nothing from the layers below it', () => {
	const outside = [...graph].flatMap(([file, targets]) =>
		file.startsWith('nodes/AlibabaIdaas/catalog/')
			? targets
					.filter((target) => !target.startsWith('nodes/AlibabaIdaas/catalog/'))
					.map((target) => `${file} -> ${target}`)
			: [],
	);
	expect(outside).toEqual([]);
});

test('the checks see a back-arrow and a cycle when there is one', () => {
	const broken = new Map([
		['a/one.ts', ['b/two.ts']],
		['b/two.ts', ['a/one.ts']],
	]);
	expect(backArrows(broken)).toEqual(['a <-> b']);
	expect(fileCycles(broken)).toEqual([['a/one.ts', 'b/two.ts']]);
});
