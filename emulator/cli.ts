/**
 * `npm run emulator` (= `npx tsx emulator/cli.ts`): the IDaaS emulator on 127.0.0.1.
 *
 *   --port N        (or IDAAS_EMULATOR_PORT; default 8787; 0 = any free port)
 *   --host H        only when given; the default is loopback
 *   --seed FILE     a seed JSON instead of the demo organisation
 *   --users N       a generated organisation with N users instead
 *   --token-lifetime S   access token lifetime in seconds (default 1200)
 */
import { startEmulator, type EmulatorOptions } from './server';

function arg(name: string): string | undefined {
	const args = process.argv.slice(2);
	const at = args.indexOf(`--${name}`);
	if (at >= 0) return args[at + 1];
	return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main(): Promise<void> {
	const users = arg('users');
	const lifetime = arg('token-lifetime');
	const options: EmulatorOptions = {
		host: arg('host') ?? '127.0.0.1',
		port: Number(arg('port') ?? process.env.IDAAS_EMULATOR_PORT ?? 8787),
		seed: arg('seed') ?? 'demo',
		generate: users ? { users: Number(users) } : undefined,
		tokenLifetimeSeconds: lifetime ? Number(lifetime) : undefined,
	};
	const emu = await startEmulator(options);
	const app = emu.application;
	console.log(`IDaaS emulator listening on ${emu.url}
  Instance ID:     ${emu.instanceId}
  Application ID:  ${app.applicationId}
  Client ID:       ${app.clientId}
  Client secret:   ${app.clientSecret}
  Users:           ${emu.store.users.size}
  State:           ${emu.url}/__emulator/state
Press Ctrl-C to stop.`);
	const stop = () => {
		emu.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
