import type { IDataObject } from 'n8n-workflow';

import type { FollowUp } from './types';
import { OperationOutcomeError } from './types';

/**
 * Fetch OAuth Token's "Wait for Authorization": when IDaaS answers with an authorization session (the
 * 3-legged flow: a person must approve in a browser), poll GetOAuthAuthorizationSession every 3 seconds up
 * to a limit, then fetch the token again, as Alibaba's PAM client does (pollOAuthAuthenticationToken of
 * https://github.com/cloud-idaas/idaas-java-pam-client-sdk, IDaaSPamClient.java; PamClientConstants:
 * POLLING_INTERVAL_MILLIS 3000, MAX_POLLING_DURATION_MILLIS 180000). Session states: pending,
 * callback_received (keep waiting), completed, failed (errorCode / errorDescription), expired.
 */

export const POLL_INTERVAL_MS = 3000;
export const DEFAULT_MAX_WAIT_SECONDS = 180;
const MAX_WAIT_BOUND_SECONDS = 3600;

const FIELDS = { wait: 'waitForAuthorization', maxWait: 'maxWaitSeconds' } as const;

export const awaitAuthorization: FollowUp = {
	fields: [
		{
			displayName: 'Wait for Authorization',
			name: FIELDS.wait,
			type: 'boolean',
			default: false,
			description:
				"Whether to wait, when a person must first approve access in a browser, until they do (checking every 3 seconds) and then return the token. Off: the authorization session (its URL for the person) is returned at once. The output's oauthAuthorizationSession.authorizationUrl is what to send them; with this on, send it from an earlier step or the IDaaS console.",
		},
		{
			displayName: 'Max Wait (Seconds)',
			name: FIELDS.maxWait,
			type: 'number',
			default: DEFAULT_MAX_WAIT_SECONDS,
			typeOptions: { minValue: 3, maxValue: MAX_WAIT_BOUND_SECONDS, numberPrecision: 0 },
			description:
				"How long to wait for the approval before failing with polling_timeout (Alibaba's PAM client waits 180 seconds)",
			displayOptions: { show: { [FIELDS.wait]: [true] } },
		},
	],

	check(options) {
		if (options[FIELDS.wait] !== true) return undefined;
		const seconds = options[FIELDS.maxWait];
		if (
			typeof seconds !== 'number' ||
			!Number.isInteger(seconds) ||
			seconds < 3 ||
			seconds > MAX_WAIT_BOUND_SECONDS
		) {
			return `Max Wait (Seconds) (${FIELDS.maxWait}) must be a whole number from 3 to ${MAX_WAIT_BOUND_SECONDS}, got ${JSON.stringify(seconds) ?? String(seconds)}`;
		}
		return undefined;
	},

	async run(answer, options, calls) {
		const session = answer.oauthAuthorizationSession as IDataObject | undefined;
		if (options[FIELDS.wait] !== true || answer.oauthAccessTokenContent || !session) return answer;
		const sessionUri = String(session.sessionUri ?? '');
		if (!sessionUri)
			throw new OperationOutcomeError(
				'authorization_session_missing',
				'IDaaS asked for an approval but gave no session URI to wait on',
			);
		const limitMs = Number(options[FIELDS.maxWait] ?? DEFAULT_MAX_WAIT_SECONDS) * 1000;
		const deadline = calls.now() + limitMs;
		while (calls.now() + POLL_INTERVAL_MS <= deadline) {
			await calls.wait(POLL_INTERVAL_MS);
			const state = await calls.call('GetOAuthAuthorizationSession', { sessionUri });
			const status = String(state.sessionStatus ?? '');
			if (status === 'completed') {
				const token = await calls.again();
				if (!token.oauthAccessTokenContent) {
					throw new OperationOutcomeError(
						'authorization_failed',
						'The approval completed but IDaaS returned no access token',
					);
				}
				return token;
			}
			if (status === 'failed') {
				const code = String(state.errorCode ?? '') || 'authorization_failed';
				throw new OperationOutcomeError(
					code,
					`The authorization was refused (${code})`,
					String(state.errorDescription ?? '') || undefined,
				);
			}
			if (status === 'expired')
				throw new OperationOutcomeError(
					'authorization_session_expired',
					'The authorization session expired before it was approved',
				);
		}
		throw new OperationOutcomeError(
			'polling_timeout',
			`No approval within ${limitMs / 1000} seconds`,
			`The person has not approved yet at ${String(session.authorizationUrl ?? 'the authorization URL')}; run again, or raise Max Wait (Seconds).`,
		);
	},
};
