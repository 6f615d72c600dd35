#!/usr/bin/env node
/**
 * Runs n8n's community-package scanner (@n8n/scan-community-package) on local folders, the way its
 * analyzePackageByName does after downloading: the source pass (package.json and nodes/ and
 * credentials/, the files n8n-node lint covers) on the repository, and the tarball pass (every .js and
 * package.json) on the unpacked tarball. The scanner itself only scans by package name from npm.
 *
 * An ES module because the scanner is one, and jest (CommonJS) cannot import it; run with `node`, as the
 * scanner's own CLI runs (its rules no-op when loaded inside a test runner, says its test suite).
 *
 *   node test/package/scan.mjs <source dir> <unpacked tarball dir>
 * prints {"source": {passed, details?}, "tarball": {passed, details?}} on stdout.
 */
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const [sourceDir, tarballDir] = process.argv.slice(2);
if (!sourceDir || !tarballDir) {
	console.error('usage: node test/package/scan.mjs <source dir> <unpacked tarball dir>');
	process.exit(2);
}

const pick = ({ passed, message, details }) => ({ passed, message, details });
const source = await analyzePackage(sourceDir, SOURCE_FILE_PATTERNS);
const tarball = await analyzePackage(tarballDir, ['**/*.js', 'package.json']);
process.stdout.write(JSON.stringify({ source: pick(source), tarball: pick(tarball) }));
