import { createHash, type KeyObject } from 'crypto';

import { EventRejected, parseJson, rsaKey } from './jose';

/**
 * The application's signing keys, from its public key endpoint
 * (`https://eiam-api-<region>.aliyuncs.com/v2/<instanceId>/<applicationId>/provisioning/jwks`,
 * GetApplicationProvisioningConfig's ProvisionJwksEndpoint) or from a JWKS pasted into the
 * credential.
 *
 * Fetched keys are cached per URL for the process (Alibaba's SDK fetches once and keeps them).
 * A token whose kid is not cached makes one refetch, so a rotated key is picked up at once,
 * but at most one per URL every REFETCH_INTERVAL_MS and one at a time: forged tokens with
 * random kids cannot turn the receiver into a flood of requests to IDaaS (a token refused in
 * that second is retried by IDaaS and then finds the new key). After a failed fetch the wait
 * doubles, up to MAX_BACKOFF_MS, and the keys already held stay in use. The cache holds at
 * most MAX_SOURCES key sets.
 */

export const REFETCH_INTERVAL_MS = 1000;
export const MAX_BACKOFF_MS = 60_000;
const MAX_AGE_MS = 24 * 3600_000;
const MAX_SOURCES = 50;

interface KeySet {
	keys: Map<string, KeyObject>;
	fetchedAt: number;
	/** No fetch before this time (endpoint sets), and failed fetches in a row. */
	retryAt: number;
	failures: number;
	pending?: Promise<void>;
}

const cache = new Map<string, KeySet>();

export type FetchJwks = (url: string) => Promise<unknown>;

export function parseJwks(value: unknown): Map<string, KeyObject> {
	let doc = value;
	if (typeof doc === 'string') {
		const parsed = parseJson(doc);
		if (!parsed) throw new EventRejected('The public keys (JWKS) are not JSON', 500);
		doc = parsed.value;
	}
	const list = (doc as { keys?: unknown } | null)?.keys;
	if (!Array.isArray(list))
		throw new EventRejected('The public keys (JWKS) have no "keys" list', 500);
	const keys = new Map<string, KeyObject>();
	for (const jwk of list) {
		if (!jwk || typeof jwk !== 'object' || typeof (jwk as { kid?: unknown }).kid !== 'string')
			continue;
		const key = rsaKey(jwk as Record<string, unknown>);
		if (key) keys.set((jwk as { kid: string }).kid, key);
	}
	return keys;
}

function remember(source: string, set: KeySet): KeySet {
	cache.delete(source);
	cache.set(source, set);
	while (cache.size > MAX_SOURCES) cache.delete(cache.keys().next().value as string);
	return set;
}

/** The key for `kid` from a pasted JWKS (parsed once per distinct text). */
export function pastedKey(jwks: string, kid: string): KeyObject {
	const source = `pasted:${createHash('sha256').update(jwks).digest('base64url')}`;
	const set =
		cache.get(source) ??
		remember(source, { keys: parseJwks(jwks), fetchedAt: Date.now(), retryAt: 0, failures: 0 });
	const key = set.keys.get(kid);
	if (!key) throw new EventRejected(`No public key with the token's key ID in the pasted JWKS`);
	return key;
}

/** When the next fetch may be made after `failures` failures in a row (1 s, 2 s, 4 s … at most a minute). */
function retryDelay(failures: number): number {
	return Math.min(MAX_BACKOFF_MS, REFETCH_INTERVAL_MS * 2 ** Math.min(failures - 1, 16));
}

/**
 * The key for `kid` from the endpoint, fetching when needed within the bounds above. A failed
 * fetch keeps the keys already held (a known kid is still served while the endpoint is down)
 * and pushes the next attempt back, so requests cannot make more fetches while it is down
 * than while it is up.
 */
export async function endpointKey(
	url: string,
	kid: string,
	fetchJwks: FetchJwks,
	now = Date.now(),
): Promise<KeyObject> {
	const set =
		cache.get(url) ?? remember(url, { keys: new Map(), fetchedAt: 0, retryAt: 0, failures: 0 });
	const known = set.keys.get(kid);
	if (known && now - set.fetchedAt <= MAX_AGE_MS) return known;
	if (set.pending) await set.pending;
	else if (now >= set.retryAt) {
		set.pending = fetchJwks(url)
			.then((doc) => {
				set.keys = parseJwks(doc);
				set.fetchedAt = now;
				set.failures = 0;
				set.retryAt = now + REFETCH_INTERVAL_MS;
			})
			// Unreachable, or a document without usable keys: the same back-off.
			.catch(() => {
				set.failures++;
				set.retryAt = now + retryDelay(set.failures);
			})
			.finally(() => (set.pending = undefined));
		await set.pending;
	}
	const key = set.keys.get(kid);
	if (key) return key;
	if (set.failures > 0)
		throw new EventRejected(
			'The public keys could not be fetched from the public key endpoint',
			500,
		);
	throw new EventRejected(`No public key with the token's key ID at the public key endpoint`);
}

/** Tests: forget every key set. */
export function clearKeyCache(): void {
	cache.clear();
}
