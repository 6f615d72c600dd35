/**
 * `npm run emulator` (= `npx tsx emulator/cli.ts`): the IDaaS emulator on 127.0.0.1.
 *
 *   --port N        (or IDAAS_EMULATOR_PORT; default 8787; 0 = any free port)
 *   --host H        only when given; the default is loopback
 *   --seed FILE     a seed JSON instead of the demo organisation
 *   --users N       a generated organisation with N users instead
 *   --token-lifetime S   access token lifetime in seconds (default 1200)
 *   --rate-limit R       (or IDAAS_EMULATOR_RATE_LIMIT) R requests/s for the instance, then 429 Throttling
 *   --rate-burst B       (or IDAAS_EMULATOR_RATE_BURST) requests allowed at once (default one second's worth)
 *   --rate-limit-op A=R[:B],...   (or IDAAS_EMULATOR_RATE_LIMIT_OPS) per-operation rates, e.g. CreateUser=10
 *   --app-token-pam      (or IDAAS_EMULATOR_APP_TOKEN_PAM=1) the application's Developer-API token carries its PAM grants too
 *                        (off: only tokens of the authorization server do, as Alibaba's PAM client gets them)
 *   --scim-url URL       (or IDAAS_EMULATOR_SCIM_URL) push the first application's users and groups to this SCIM base URL
 *   --scim-preset P      (or IDAAS_EMULATOR_SCIM_PRESET) idaas (default), okta or entra: the requests' shape (docs/scim-push.md)
 *   --scim-token T       (or IDAAS_EMULATOR_SCIM_TOKEN) the bearer token the target expects
 *   --scim-token-url U --scim-client-id I --scim-client-secret S   (or IDAAS_EMULATOR_SCIM_TOKEN_URL, _CLIENT_ID,
 *                        _CLIENT_SECRET) client-credentials mode instead: a token from the target's token endpoint
 */
import { cliOptions } from './cliOptions';
import { startEmulator, type Emulator } from './server';
import type { RateLimitConfig } from './throttle';

function describeRate(limit: RateLimitConfig): string {
	const parts = limit.perSecond
		? [`${limit.perSecond} requests/s${limit.burst ? ` (burst ${limit.burst})` : ''}`]
		: [];
	for (const [action, rate] of Object.entries(limit.perAction ?? {}))
		parts.push(`${action} ${typeof rate === 'number' ? rate : rate.perSecond}/s`);
	return parts.length ? parts.join(', ') : 'none';
}

function describeScim(emu: Emulator): string {
	try {
		const config = emu.scim.config(emu.application.applicationId);
		return `\n  SCIM push:       ${config.url} (${config.preset}, ${config.auth.mode}; one-click push: POST ${emu.url}/__emulator/scim/apps/${config.applicationId}/push)`;
	} catch {
		return '';
	}
}

async function main(): Promise<void> {
	const emu = await startEmulator(cliOptions(process.argv.slice(2), process.env));
	const app = emu.application;
	console.log(`IDaaS emulator listening on ${emu.url}
  Instance ID:     ${emu.instanceId}
  Application ID:  ${app.applicationId}
  Client ID:       ${app.clientId}
  Client secret:   ${app.clientSecret}
  Users:           ${emu.store.users.size}
  Rate limit:      ${describeRate(emu.rateLimit.get())}
  State:           ${emu.url}/__emulator/state${describeScim(emu)}
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
