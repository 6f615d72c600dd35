import type { ICredentialDataDecryptedObject, ICredentialsDecrypted, INode } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { HttpRequest } from '../request/build';
import type { Exchanged, Exchanges, NotSent, Sender } from './exchange';
import { isTokenRejected, parseErrorResponse } from './errors';
import type { IdaasContext } from './context';
import { CREDENTIAL_TYPE } from './context';

/**
 * Requests with the application's access token, renewed when IDaaS refuses it. IDaaS answers an
 * expired or revoked token with `400 invalid_token`, which n8n does not treat as expired (it only
 * renews on 401). So we hand n8n our copy of the credential with the token blanked; n8n then runs
 * the credential's preAuthentication, stores the new token in the database and writes it into our
 * copy. Renewal is single-flight: concurrent items cause one GenerateToken, not many.
 *
 * Across executions (n8n queue mode: several workers, one database) each execution has its own
 * copy, so before renewing we read the stored credential again (n8n reads it from the database
 * each time): when another execution has stored a newer token, we take that one instead of
 * asking for yet another.
 */

/** How many times one request may find a renewal under way (and wait for it) before it gives up. */
const MAX_TOKEN_ROUNDS = 5;

const TOKEN_SAFETY_MARGIN_S = 60;

/**
 * A token refused after this long in use may have expired for every execution at once; those
 * that meet it wait a random moment (up to RENEWAL_JITTER_MS) before reading the stored
 * credential again, so that one of them renews and the others find its token. A token refused
 * sooner was just fetched or read, and nobody else is likely to have renewed it yet.
 */
const JITTER_AFTER_MS = 3000;
const RENEWAL_JITTER_MS = 1500;

function isFresh(data: ICredentialDataDecryptedObject, now = Date.now()): boolean {
	const expiresAt = Number(data.expiresAt);
	return !(Number.isFinite(expiresAt) && expiresAt > 0 && now / 1000 > expiresAt - TOKEN_SAFETY_MARGIN_S);
}

export class TokenSession implements Sender {
	private renewal: Promise<void> | undefined;

	private tokenVersion = 0;

	/** When this session started using its current token. */
	private tokenSince = Date.now();

	private readonly credential: ICredentialsDecrypted & { data: ICredentialDataDecryptedObject };

	/**
	 * @param data the decrypted credential, copied so that blanking the token never touches n8n's own
	 * @param exchanges the client's exchanges, under its bound on requests in flight
	 */
	constructor(
		private readonly ctx: IdaasContext,
		node: INode,
		data: ICredentialDataDecryptedObject,
		private readonly exchanges: Exchanges,
	) {
		const copy: ICredentialDataDecryptedObject = { ...data };
		if (!isFresh(copy)) {
			// Known to be stale: renew up front instead of spending a request on a refusal.
			copy.accessToken = '';
		}
		const nodeCredential = node.credentials?.[CREDENTIAL_TYPE];
		this.credential = { id: nodeCredential?.id ?? '', name: nodeCredential?.name ?? '', type: CREDENTIAL_TYPE, data: copy };
	}

	/** One HTTP exchange with the application's token, with at most one token renewal. */
	async send(request: HttpRequest): Promise<Exchanged> {
		// A request that found a renewal under way when its turn came (`stale`) comes back here to
		// wait for the new token. Renewals that keep following one another end it after a few rounds.
		for (let round = 1; round <= MAX_TOKEN_ROUNDS; round++) {
			if (this.renewal) await this.renewal;
			let response: Exchanged | NotSent;
			// No token yet (first use, or known stale): one request fetches it, the others wait.
			if (this.credential.data.accessToken === '') response = await this.withNewToken(request);
			else {
				const version = this.tokenVersion;
				response = await this.authenticated(request);
				if ('stale' in response) continue;
				if ('lost' in response || !isTokenRejected(parseErrorResponse(response.statusCode, response.body))) return response;
				// Someone renewed the token since we sent: try again with the new one.
				if (this.tokenVersion !== version) continue;
				response = await this.withNewToken(request);
			}
			if (!('stale' in response)) return response;
		}
		return { lost: 'the access token kept being renewed while this request waited' };
	}

	/**
	 * Sends the request with a blanked token, so n8n runs the credential's preAuthentication,
	 * stores the new token and writes it into our copy. Single-flight: while one request does
	 * this, concurrent ones wait for it and then use the new token.
	 */
	private async withNewToken(request: HttpRequest): Promise<Exchanged | NotSent> {
		if (this.renewal) {
			await this.renewal;
			return await this.authenticated(request);
		}
		let renewed: Exchanged | NotSent = { stale: true };
		this.renewal = (async () => {
			const refused = String(this.credential.data.accessToken ?? '');
			try {
				// Another execution's token: the caller goes round again and sends with it.
				if (await this.adoptStoredToken(refused)) return;
				this.credential.data.accessToken = '';
				renewed = (await this.authenticated(request, true)) as Exchanged;
			} finally {
				this.tokenVersion++;
				this.tokenSince = Date.now();
			}
		})();
		try {
			await this.renewal;
		} finally {
			this.renewal = undefined;
		}
		return renewed;
	}

	/**
	 * Takes the stored credential's token if another execution renewed it meanwhile: non-empty,
	 * not the one refused, and not near its stored expiry. Returns whether it did.
	 */
	private async adoptStoredToken(refused: string): Promise<boolean> {
		if (refused !== '' && Date.now() - this.tokenSince > JITTER_AFTER_MS) await sleep(Math.random() * RENEWAL_JITTER_MS);
		const stored = (await this.ctx.getCredentials(CREDENTIAL_TYPE)) as ICredentialDataDecryptedObject;
		const token = typeof stored.accessToken === 'string' ? stored.accessToken : '';
		if (token === '' || token === refused || !isFresh(stored)) return false;
		this.credential.data.accessToken = token;
		this.credential.data.expiresAt = stored.expiresAt;
		return true;
	}

	/**
	 * One request with the application's token, in its turn under the client's bound. A request
	 * that was queued for a slot while a renewal began is not sent (it would find the token
	 * blanked, and n8n would fetch another one for it): it answers `stale`, and waits for the
	 * renewal instead. Only the renewer itself sends with the blanked token.
	 */
	private async authenticated(request: HttpRequest, renewer = false): Promise<Exchanged | NotSent> {
		const renewing = () => !renewer && (this.renewal !== undefined || this.credential.data.accessToken === '');
		return await this.exchanges.authenticated(request, this.credential, renewing);
	}
}
