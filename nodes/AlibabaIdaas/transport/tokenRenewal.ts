import type { ICredentialDataDecryptedObject, ICredentialsDecrypted, INode } from 'n8n-workflow';

import type { HttpRequest } from './request';
import { clock } from './clock';
import type { Exchanged, Exchanges, NotSent, Sender } from './exchange';
import { isTokenRejected, parseErrorResponse } from './errors';
import type { IdaasContext } from './context';
import { CREDENTIAL_TYPE } from './context';
import type { IdaasConnection } from './endpoint';
import {
	KEPT_FIELDS,
	PAM_TOKEN_FIELDS,
	TOKEN_USE_FIELD,
	pamClientSettings,
	pamTokenIssuedFor,
} from './pamToken';

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
 *
 * The PAM token (pamToken.ts) goes the same way in a second session: its copy of the credential is
 * marked `tokenUse: pam`, so the credential's preAuthentication renews the PAM token and its
 * authenticate sends it. n8n calls preAuthentication only when the `accessToken` field is blank, so
 * that copy's `accessToken` is blank exactly when the PAM token must be renewed.
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

function isFreshAt(expiresAtText: unknown, now = Date.now()): boolean {
	const expiresAt = Number(expiresAtText);
	return !(
		Number.isFinite(expiresAt) &&
		expiresAt > 0 &&
		now / 1000 > expiresAt - TOKEN_SAFETY_MARGIN_S
	);
}

/** Stands in the PAM copy's `accessToken` while the PAM token is usable, when no Developer-API token is kept. */
const PAM_TOKEN_PRESENT = 'pam-token-present';

/** Which of the credential's tokens a session sends: what its copy holds, and where the stored token is. */
export interface TokenUse {
	/** This session's copy of the credential, its `accessToken` blank when the token must be renewed first. */
	copy(data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject;
	/** The token the copy sends now ('' when none). */
	current(copy: ICredentialDataDecryptedObject): string;
	/** The stored credential's token when usable (fresh, issued for these settings), with the fields to take over. */
	stored(
		stored: ICredentialDataDecryptedObject,
	): { token: string; fields: ICredentialDataDecryptedObject } | undefined;
	/** Blanks the copy's token so that n8n runs preAuthentication. */
	blank(copy: ICredentialDataDecryptedObject): void;
	/** After a renewal: keeps `accessToken` non-blank while the renewed token is there. */
	renewed(copy: ICredentialDataDecryptedObject): void;
}

/** The application's Developer-API token, in `accessToken` and `expiresAt`. */
export const DEVELOPER_API_TOKEN: TokenUse = {
	copy(data) {
		const copy: ICredentialDataDecryptedObject = { ...data, [TOKEN_USE_FIELD]: '' };
		// Known to be stale: renew up front instead of spending a request on a refusal.
		if (!isFreshAt(copy.expiresAt)) copy.accessToken = '';
		return copy;
	},
	current: (copy) => String(copy.accessToken ?? ''),
	stored(stored) {
		const token = typeof stored.accessToken === 'string' ? stored.accessToken : '';
		return token !== '' && isFreshAt(stored.expiresAt)
			? { token, fields: { accessToken: token, expiresAt: stored.expiresAt } }
			: undefined;
	},
	blank(copy) {
		copy.accessToken = '';
	},
	renewed() {},
};

/** The PAM client's token, in `pamAccessToken`, `pamExpiresAt` and `pamTokenFor` (pamToken.ts). */
export function pamTokenUse(
	connection: IdaasConnection,
	data: ICredentialDataDecryptedObject,
): TokenUse {
	const issuedFor = pamTokenIssuedFor(connection, pamClientSettings(data));
	const usable = (d: ICredentialDataDecryptedObject) => {
		const token =
			typeof d[PAM_TOKEN_FIELDS.token] === 'string' ? (d[PAM_TOKEN_FIELDS.token] as string) : '';
		return token !== '' &&
			d[PAM_TOKEN_FIELDS.issuedFor] === issuedFor &&
			isFreshAt(d[PAM_TOKEN_FIELDS.expiresAt])
			? token
			: '';
	};
	const use: TokenUse = {
		copy(data) {
			// The Developer-API token is kept aside: preAuthentication hands it back so that n8n, which stores
			// what preAuthentication returns, stores it unchanged next to the renewed PAM token.
			const copy: ICredentialDataDecryptedObject = {
				...data,
				[TOKEN_USE_FIELD]: 'pam',
				[KEPT_FIELDS.accessToken]: data.accessToken ?? '',
				[KEPT_FIELDS.expiresAt]: data.expiresAt ?? '',
			};
			if (usable(copy) === '') use.blank(copy);
			else use.renewed(copy);
			return copy;
		},
		current: (copy) => (copy.accessToken === '' ? '' : String(copy[PAM_TOKEN_FIELDS.token] ?? '')),
		stored(stored) {
			const token = usable(stored);
			if (token === '') return undefined;
			return {
				token,
				fields: {
					[PAM_TOKEN_FIELDS.token]: token,
					[PAM_TOKEN_FIELDS.expiresAt]: stored[PAM_TOKEN_FIELDS.expiresAt],
					[PAM_TOKEN_FIELDS.issuedFor]: issuedFor,
					accessToken: PAM_TOKEN_PRESENT,
				},
			};
		},
		blank(copy) {
			copy.accessToken = '';
			copy[PAM_TOKEN_FIELDS.token] = '';
		},
		renewed(copy) {
			if (copy[PAM_TOKEN_FIELDS.token]) copy.accessToken = PAM_TOKEN_PRESENT;
		},
	};
	return use;
}

export class TokenSession implements Sender {
	private renewal: Promise<void> | undefined;

	private tokenVersion = 0;

	/** When this session started using its current token (clock.ts). */
	private tokenSince = clock.now();

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
		private readonly use: TokenUse = DEVELOPER_API_TOKEN,
	) {
		const copy = use.copy(data);
		const nodeCredential = node.credentials?.[CREDENTIAL_TYPE];
		this.credential = {
			id: nodeCredential?.id ?? '',
			name: nodeCredential?.name ?? '',
			type: CREDENTIAL_TYPE,
			data: copy,
		};
	}

	/** One HTTP exchange with this session's token, with at most one token renewal. */
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
				if (
					'lost' in response ||
					!isTokenRejected(parseErrorResponse(response.statusCode, response.body))
				)
					return response;
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
			const refused = this.use.current(this.credential.data);
			try {
				// Another execution's token: the caller goes round again and sends with it.
				if (await this.adoptStoredToken(refused)) return;
				this.use.blank(this.credential.data);
				renewed = (await this.authenticated(request, true)) as Exchanged;
				this.use.renewed(this.credential.data);
			} finally {
				this.tokenVersion++;
				this.tokenSince = clock.now();
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
	 * not the one refused, not near its stored expiry (and, for the PAM token, issued for the same
	 * settings). Returns whether it did.
	 */
	private async adoptStoredToken(refused: string): Promise<boolean> {
		if (refused !== '' && clock.now() - this.tokenSince > JITTER_AFTER_MS)
			await clock.wait(Math.random() * RENEWAL_JITTER_MS);
		const stored = this.use.stored(
			(await this.ctx.getCredentials(CREDENTIAL_TYPE)) as ICredentialDataDecryptedObject,
		);
		if (!stored || stored.token === refused) return false;
		Object.assign(this.credential.data, stored.fields);
		return true;
	}

	/**
	 * One request with the application's token, in its turn under the client's bound. A request
	 * that was queued for a slot while a renewal began is not sent (it would find the token
	 * blanked, and n8n would fetch another one for it): it answers `stale`, and waits for the
	 * renewal instead. Only the renewer itself sends with the blanked token.
	 */
	private async authenticated(request: HttpRequest, renewer = false): Promise<Exchanged | NotSent> {
		const renewing = () =>
			!renewer && (this.renewal !== undefined || this.credential.data.accessToken === '');
		return await this.exchanges.authenticated(request, this.credential, renewing);
	}
}
