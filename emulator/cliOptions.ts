import type { EmulatorOptions } from './emulator';
import type { ScimPushSeed } from './scim/hub';
import type { RateLimitConfig, RateSpec } from './throttle';

type Env = Record<string, string | undefined>;

/** `--name value` or `--name=value`. */
function arg(args: readonly string[], name: string): string | undefined {
	const at = args.indexOf(`--${name}`);
	if (at >= 0) return args[at + 1];
	return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function number(text: string, what: string): number {
	const value = Number(text);
	if (!Number.isFinite(value) || text.trim() === '')
		throw new Error(`${what} must be a number, not "${text}"`);
	return value;
}

/** `CreateUser=10,ListUsers=20:40` → per-action rates (`rate:burst`). */
function perAction(text: string): Record<string, RateSpec> {
	const out: Record<string, RateSpec> = {};
	for (const entry of text
		.split(',')
		.map((e) => e.trim())
		.filter(Boolean)) {
		const [action, rate] = entry.split('=');
		if (!action || !rate)
			throw new Error(`--rate-limit-op takes Action=rate[:burst], not "${entry}"`);
		const [perSecond, burst] = rate.split(':');
		out[action] = {
			perSecond: number(perSecond, `The rate of ${action}`),
			...(burst && { burst: number(burst, `The burst of ${action}`) }),
		};
	}
	return out;
}

/** The rate limit from flags, else the environment; undefined when neither sets one. */
function rateLimit(args: readonly string[], env: Env): RateLimitConfig | undefined {
	const rate = arg(args, 'rate-limit') ?? env.IDAAS_EMULATOR_RATE_LIMIT;
	const burst = arg(args, 'rate-burst') ?? env.IDAAS_EMULATOR_RATE_BURST;
	const ops = arg(args, 'rate-limit-op') ?? env.IDAAS_EMULATOR_RATE_LIMIT_OPS;
	if (!rate && !ops) return undefined;
	return {
		...(rate && { perSecond: number(rate, '--rate-limit') }),
		...(burst && { burst: number(burst, '--rate-burst') }),
		...(ops && { perAction: perAction(ops) }),
	};
}

/** A SCIM push to the first application from `--scim-*` flags, else the environment; none without a URL. */
function scimPush(args: readonly string[], env: Env): ScimPushSeed[] | undefined {
	const option = (name: string) =>
		arg(args, `scim-${name}`) ??
		env[`IDAAS_EMULATOR_SCIM_${name.toUpperCase().replace(/-/g, '_')}`];
	const url = option('url');
	if (!url) return undefined;
	const tokenUrl = option('token-url');
	const auth = tokenUrl
		? {
				mode: 'client_credentials' as const,
				tokenUrl,
				clientId: option('client-id'),
				clientSecret: option('client-secret'),
			}
		: { mode: 'bearer' as const, token: option('token') };
	return [{ url, preset: option('preset') as ScimPushSeed['preset'], auth }];
}

/** What `npm run emulator` starts, from its command line and environment (cli.ts lists them). */
export function cliOptions(args: readonly string[], env: Env = {}): EmulatorOptions {
	const users = arg(args, 'users');
	const lifetime = arg(args, 'token-lifetime');
	return {
		host: arg(args, 'host') ?? '127.0.0.1',
		port: Number(arg(args, 'port') ?? env.IDAAS_EMULATOR_PORT ?? 8787),
		seed: arg(args, 'seed') ?? 'demo',
		generate: users ? { users: Number(users) } : undefined,
		tokenLifetimeSeconds: lifetime ? Number(lifetime) : undefined,
		rateLimit: rateLimit(args, env),
		scimPush: scimPush(args, env),
		...((args.includes('--app-token-pam') || env.IDAAS_EMULATOR_APP_TOKEN_PAM === '1') && {
			appTokenCarriesPam: true,
		}),
	};
}
