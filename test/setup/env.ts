import { mkdtempSync } from 'fs';
import { LoggerProxy } from 'n8n-workflow';
import { tmpdir } from 'os';
import { join } from 'path';

import { recordOutput } from './leakGuard';

// n8n-core writes its instance settings under N8N_USER_FOLDER; keep that out of the home folder.
if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'idaas-jest-'));
}

// Every log line n8n's code writes goes through LoggerProxy; record them for the leak guard.
const logTo =
	(level: string) =>
	(message: string, meta?: object): void =>
		recordOutput(`log.${level}`, { message, meta });
LoggerProxy.init({
	error: logTo('error'),
	warn: logTo('warn'),
	info: logTo('info'),
	debug: logTo('debug'),
	verbose: logTo('verbose'),
} as unknown as Parameters<typeof LoggerProxy.init>[0]);
