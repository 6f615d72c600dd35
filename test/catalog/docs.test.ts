/**
 * The README is for users and stays short; what does not fit is in docs/, linked. These checks keep it so: the two
 * commands for a fresh clone come first, the length stays within 250 lines, and every relative link of the README
 * and of docs/ names a file (and heading) that exists.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const ROOT = join(__dirname, '..', '..');
const README = join(ROOT, 'README.md');
const DOCS = join(ROOT, 'docs');

const MARKDOWN = [
	README,
	...readdirSync(DOCS)
		.filter((f) => f.endsWith('.md'))
		.map((f) => join(DOCS, f)),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
	const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
	return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchor(m[1])));
}

/** Relative Markdown links `[text](target)`, outside code blocks and code spans. */
function links(file: string): string[] {
	const text = readFileSync(file, 'utf8')
		.replace(/^```[\s\S]*?^```/gm, '')
		.replace(/`[^`\n]*`/g, '');
	return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
		.map((m) => m[1])
		.filter((target) => !/^[a-z]+:/i.test(target));
}

describe('README for users', () => {
	const readme = readFileSync(README, 'utf8');

	it('is at most 250 lines', () => {
		expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(250);
	});

	it('starts with the two commands for a fresh clone, before any section', () => {
		const beforeFirstSection = readme.slice(0, readme.indexOf('\n## '));
		expect(beforeFirstSection).toContain('npm ci && npm start');
		expect(beforeFirstSection).toContain('npm ci && npm test');
	});

	it('has a Triggers and a Development section, and Development links the development docs', () => {
		expect(readme).toMatch(/^## Triggers$/m);
		const development = readme.slice(readme.indexOf('\n## Development\n'));
		expect(development.slice(0, development.indexOf('\n## ', 1))).toContain(
			'(docs/development.md)',
		);
	});
});

describe('links in the README and docs/', () => {
	it.each(MARKDOWN.map((file) => [relative(ROOT, file), file]))(
		'%s links only to files and headings that exist',
		(_, file) => {
			const broken = links(file).filter((target) => {
				const [path, hash] = target.split('#');
				const into = path ? resolve(dirname(file), decodeURIComponent(path)) : file;
				if (!existsSync(into)) return true;
				return hash !== undefined && into.endsWith('.md') && !anchors(into).has(hash);
			});
			expect(broken).toEqual([]);
		},
	);
});
