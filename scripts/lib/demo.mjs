/**
 * The credential `npm start` imports: the demo org's application (emulator/seeds/demo.json) behind the local
 * emulator. The ID and name are the ones the shipped examples reference, so they run as imported.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from '../n8n.mjs';

export const CREDENTIAL_ID = 'idaasDemoCred001';
export const CREDENTIAL_NAME = 'Alibaba IDaaS (local emulator)';

/** Finds the first object in the seed that carries a client ID and secret (the demo application). */
function findApp(node) {
	if (!node || typeof node !== 'object') return undefined;
	if (typeof node.clientId === 'string' && typeof node.clientSecret === 'string') return node;
	for (const v of Array.isArray(node) ? node : Object.values(node)) {
		const found = findApp(v);
		if (found) return found;
	}
	return undefined;
}

export function demoSeed() {
	return JSON.parse(readFileSync(join(ROOT, 'emulator', 'seeds', 'demo.json'), 'utf8'));
}

export function demoCredential(emulatorUrl, seed = demoSeed()) {
	const app = findApp(seed);
	const instanceId = seed.instanceId ?? seed.instance?.instanceId;
	if (!app || !instanceId)
		throw new Error(
			'emulator/seeds/demo.json has no instanceId or no application with clientId/clientSecret',
		);
	return {
		id: CREDENTIAL_ID,
		name: CREDENTIAL_NAME,
		type: 'alibabaIdaasApi',
		data: {
			region: 'custom',
			customEndpoint: emulatorUrl,
			instanceId,
			applicationId: app.applicationId ?? app.clientId,
			clientId: app.clientId,
			clientSecret: app.clientSecret,
		},
	};
}
