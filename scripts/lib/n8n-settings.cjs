/**
 * The settings every n8n process of this project runs with, whichever way it is started: `npm start`
 * (scripts/lib/n8n-env.mjs) and the end-to-end tests (test/e2e/helpers/n8n.ts). One list, so that the two cannot
 * drift apart. CommonJS so both can load it: jest runs the tests as CommonJS and cannot load an ES module such as
 * n8n-env.mjs (as reaper.cjs next to it). Each caller adds its own base environment and extras around it.
 */

/**
 * N8N_* variables for one user folder: no telemetry, banners or update checks, everything on 127.0.0.1, and the
 * node binary n8n was installed for first on PATH.
 */
function n8nSettings({ nodeBinDir, userFolder, encryptionKey, port, brokerPort }) {
	return {
		PATH: `${nodeBinDir}:${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		DB_TYPE: 'sqlite',
	};
}

/**
 * The modules to disable for an n8n version, or undefined: 2.41 calls api.n8n.io from its MCP registry module; the
 * module does not exist on 2.8 (naming it there is fatal).
 */
function disabledModules(version) {
	return version.startsWith('2.8.') ? undefined : 'mcp-registry';
}

module.exports = { n8nSettings, disabledModules };
