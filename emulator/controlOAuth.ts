import { findApp } from './auth';
import { ApiError, invalid } from './errors';
import { userScopes } from './handlers/grants';
import type { Emulator } from './emulator';
import type { UserRecord } from './types';

/**
 * The sign-in steps the Developer API leaves to IDaaS's own pages, as control endpoints, so the
 * authorization code and device grants can be run end to end with any client:
 * `POST /__emulator/oauth/authorize` signs a user in and returns a code (what the redirect would
 * carry); `POST /__emulator/oauth/device/approve` (or `deny`) is the user entering the user code.
 */

type Body = Record<string, unknown>;

/** Where the code "redirects" when the caller names no redirect_uri; GenerateToken must send the same. */
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/callback';

/** The user a call names (`userId` or `username`); by default the first user, a demo user. */
function signedInUser(emu: Emulator, body: Body): UserRecord {
	const { store } = emu;
	if (typeof body.userId === 'string') return store.user(body.userId);
	if (typeof body.username === 'string')
		return store.user(store.findUserId('username', body.username) ?? body.username);
	const first = store.users.values().next().value;
	if (!first)
		throw new ApiError(404, 'ResourceNotFound.User', 'The instance has no user to sign in');
	return first;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

export function authorize(emu: Emulator, body: Body) {
	const { store } = emu;
	const app = text(body.applicationId)
		? findApp(store, body.applicationId as string)
		: store.application;
	const user = signedInUser(emu, body);
	const codeChallenge = text(body.code_challenge);
	// RFC 7636 §4.3: without a method, the challenge is the verifier itself.
	const method = codeChallenge ? (text(body.code_challenge_method) ?? 'plain') : undefined;
	if (method !== undefined && method !== 'S256' && method !== 'plain')
		throw invalid('code_challenge_method', 'Use S256 or plain.');
	const record = store.grants.newAuthorizationCode({
		applicationId: app.applicationId,
		userId: user.userId,
		scopes: userScopes(text(body.scope)),
		redirectUri: text(body.redirect_uri) ?? DEFAULT_REDIRECT_URI,
		codeChallenge,
		codeChallengeMethod: method,
	});
	return {
		code: record.code,
		redirect_uri: record.redirectUri,
		...(text(body.state) && { state: body.state }),
		expires_in: Math.round((record.expiresAt - Date.now()) / 1000),
		userId: user.userId,
	};
}

/** Approves (as the named or first user) or denies the pending device authorization of a user code. */
export function decideDevice(emu: Emulator, body: Body, decision: 'approved' | 'denied') {
	const record = emu.store.grants.pendingDevice(String(body.user_code ?? ''));
	if (!record)
		throw new ApiError(
			404,
			'DeviceCodeNotFound',
			'No pending, unexpired device authorization has this user_code',
		);
	if (decision === 'approved') record.userId = signedInUser(emu, body).userId;
	record.status = decision;
	return {
		user_code: record.userCode,
		status: record.status,
		...(record.userId && { userId: record.userId }),
	};
}
