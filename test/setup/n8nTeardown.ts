/**
 * n8n-core's SSH tunnel manager (created with every execution context) keeps a 60 s cleanup
 * interval alive; in n8n it lives as long as the server. Shut it down so jest can exit.
 */
afterAll(() => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Container } = require('n8n-core/node_modules/@n8n/di') as typeof import('@n8n/di');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager') as {
		SSHClientsManager: new (...args: unknown[]) => { onShutdown(): void };
	};
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
});
