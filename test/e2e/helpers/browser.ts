/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser download cannot reach its CDN here).
 * scripts/ensure-chromium.sh installs it with apt when /usr/bin/chromium is missing.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chromium, BrowserContext } from 'playwright-core';

import { ROOT } from './n8n';

export const CHROMIUM = '/usr/bin/chromium';

export function ensureChromium(): string {
	if (existsSync(CHROMIUM)) return CHROMIUM;
	const r = spawnSync('bash', [join(ROOT, 'scripts', 'ensure-chromium.sh')], { encoding: 'utf8' });
	if (r.status !== 0 || !existsSync(CHROMIUM)) {
		throw new Error(`scripts/ensure-chromium.sh failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
	}
	return CHROMIUM;
}

export async function launchChromium(): Promise<{
	context: BrowserContext;
	close: () => Promise<void>;
}> {
	const profile = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: ensureChromium(),
		headless: true,
		viewport: { width: 1440, height: 900 },
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	return {
		context,
		close: async () => {
			await context.close().catch(() => undefined);
			rmSync(profile, { recursive: true, force: true });
		},
	};
}
