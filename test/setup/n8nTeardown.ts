/**
 * n8n-core's SSH tunnel manager (created with every execution context) keeps a 60 s cleanup
 * interval alive; in n8n it lives as long as the server. Shut it down so jest can exit.
 */
afterAll(() => {
	// n8n-core's own @n8n/di (nested under n8n-core, or hoisted beside it in another install of it).
	const core = require.resolve('n8n-core/package.json').replace(/package\.json$/, '');
	const { Container } = require(
		require.resolve('@n8n/di', { paths: [core] }),
	) as typeof import('@n8n/di');
	const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager') as {
		SSHClientsManager: new (...args: unknown[]) => { onShutdown(): void };
	};
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
});
