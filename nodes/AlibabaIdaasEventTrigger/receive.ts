import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

import { checkClaims, decryptJwe, encryptionKey, EventRejected, parseJws, verifyJws } from './jose';
import { endpointKey, pastedKey } from './jwks';
import type { BusinessData } from './payload';
import { businessData } from './payload';

/**
 * Turns one callback request into verified business data, in the order Alibaba's SDK and docs
 * give (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/overview-2):
 * token from the body, key by kid, RS256 signature, claims, then decryption of cipherData.
 * Anything wrong throws EventRejected, and nothing of the request is emitted.
 */

export interface ReceiveOptions {
	skewSeconds: number;
	requireEncryption: boolean;
	/** Tests with fixed vectors only. */
	nowSeconds?: number;
	checkExpiry?: boolean;
}

export interface Received {
	applicationId: string;
	instanceId: string;
	data: BusinessData;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** The endpoint as a URL: https, or http on loopback (the local emulator), without user info. */
export function jwksEndpoint(raw: unknown): string {
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (!URL.canParse(text))
		throw new EventRejected("The credential's public key endpoint is not a URL", 500);
	const url = new URL(text);
	const allowed =
		url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));
	if (!allowed || url.username || url.password) {
		throw new EventRejected("The credential's public key endpoint must be an https:// URL", 500);
	}
	return url.toString();
}

export async function receive(
	this: IWebhookFunctions,
	credentials: ICredentialDataDecryptedObject,
	options: ReceiveOptions,
): Promise<Received> {
	const body = this.getBodyData() as { event?: unknown };
	const jws = parseJws(body?.event);
	const key =
		credentials.keySource === 'pasted'
			? pastedKey(String(credentials.jwks ?? ''), jws.kid)
			: await endpointKey(
					jwksEndpoint(credentials.jwksUrl),
					jws.kid,
					async (url) =>
						await this.helpers.httpRequest({ method: 'GET', url, json: true, timeout: 5000 }),
				);
	verifyJws(jws, key);
	const applicationId = String(credentials.applicationId ?? '').trim();
	const instanceId = String(credentials.instanceId ?? '').trim();
	checkClaims(jws.claims, {
		applicationId,
		instanceId: instanceId || undefined,
		nowSeconds: options.nowSeconds ?? Math.floor(Date.now() / 1000),
		skewSeconds: options.skewSeconds,
		checkExpiry: options.checkExpiry,
	});
	const { claims } = jws;
	let raw: unknown = claims.plainData;
	if (claims.dataEncrypted === true) {
		const secret = encryptionKey(credentials.encryptionSecret);
		if (!secret)
			throw new EventRejected(
				'The event data is encrypted and the credential has no encryption key',
				500,
			);
		raw = decryptJwe(claims.cipherData, secret);
	} else if (options.requireEncryption) {
		throw new EventRejected(
			'The event data is not encrypted, and this trigger requires encryption',
		);
	}
	return {
		applicationId,
		instanceId: instanceId || String(claims.sub ?? ''),
		data: businessData(raw),
	};
}
