import { newToken } from './ids';

/**
 * What the end-user grants of GenerateToken exchange: device codes, authorization codes and
 * refresh tokens. The sign-in pages that would create and approve them are not part of the
 * Developer API; the emulator's control endpoints stand in for them (control.ts).
 */

/** Documented example values of GenerateDeviceCode (expires_in 1200, interval 5). */
export const DEVICE_CODE_LIFETIME_SECONDS = 1200;
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
/** ASSUMPTION: RFC 6749 §4.1.2's recommended maximum of 10 minutes. */
export const AUTHORIZATION_CODE_LIFETIME_SECONDS = 600;
/** ASSUMPTION: no source gives the refresh token lifetime. */
export const REFRESH_TOKEN_LIFETIME_SECONDS = 30 * 24 * 3600;

export interface DeviceAuthorization {
	deviceCode: string;
	/** `ABCD-EFGH`, what the user types on the verification page. */
	userCode: string;
	applicationId: string;
	scopes: string[];
	/** Unix ms. */
	expiresAt: number;
	status: 'pending' | 'approved' | 'denied' | 'used';
	userId?: string;
}

export interface AuthorizationCode {
	code: string;
	applicationId: string;
	userId: string;
	scopes: string[];
	redirectUri: string;
	/** PKCE (RFC 7636), when the authorization request had one. */
	codeChallenge?: string;
	codeChallengeMethod?: 'S256' | 'plain';
	expiresAt: number;
	used: boolean;
}

export interface RefreshTokenRecord {
	token: string;
	applicationId: string;
	userId: string;
	scopes: string[];
	/** Obtained without a client secret (PKCE, public device flow, password grant without one). */
	publicClient: boolean;
	expiresAt: number;
	revoked: boolean;
	/** The access tokens issued with it, revoked along with it (RFC 7009 §2.1). */
	accessTokens: string[];
}

/** `abcd-efgh`, `ABCDEFGH` and `ABCD-EFGH` are the same user code. */
const normalUserCode = (code: string) => code.toUpperCase().replace(/[^A-Z]/g, '');

export class Grants {
	readonly deviceCodes = new Map<string, DeviceAuthorization>();
	readonly authorizationCodes = new Map<string, AuthorizationCode>();
	readonly refreshTokens = new Map<string, RefreshTokenRecord>();

	clear(): void {
		this.deviceCodes.clear();
		this.authorizationCodes.clear();
		this.refreshTokens.clear();
	}

	newDeviceCode(applicationId: string, scopes: string[]): DeviceAuthorization {
		const letters = newToken('DC')
			.slice(2)
			.toUpperCase()
			.replace(/[^A-Z]/g, '')
			.padEnd(8, 'X')
			.slice(0, 8);
		const record: DeviceAuthorization = {
			deviceCode: newToken('DC'),
			userCode: `${letters.slice(0, 4)}-${letters.slice(4)}`,
			applicationId,
			scopes,
			expiresAt: Date.now() + DEVICE_CODE_LIFETIME_SECONDS * 1000,
			status: 'pending',
		};
		this.deviceCodes.set(record.deviceCode, record);
		return record;
	}

	/** The pending device authorization a user code names (what the verification page looks up). */
	pendingDevice(userCode: string): DeviceAuthorization | undefined {
		const wanted = normalUserCode(userCode);
		for (const record of this.deviceCodes.values()) {
			if (
				normalUserCode(record.userCode) === wanted &&
				record.status === 'pending' &&
				record.expiresAt > Date.now()
			)
				return record;
		}
		return undefined;
	}

	/** Expires one device code (by user code) or all; returns how many. */
	expireDeviceCodes(userCode?: string): number {
		const past = Date.now() - 1;
		let count = 0;
		for (const record of this.deviceCodes.values()) {
			if (userCode !== undefined && normalUserCode(record.userCode) !== normalUserCode(userCode))
				continue;
			record.expiresAt = Math.min(record.expiresAt, past);
			count++;
		}
		return count;
	}

	newAuthorizationCode(
		input: Omit<AuthorizationCode, 'code' | 'expiresAt' | 'used'>,
	): AuthorizationCode {
		const record: AuthorizationCode = {
			...input,
			code: newToken('CODE'),
			expiresAt: Date.now() + AUTHORIZATION_CODE_LIFETIME_SECONDS * 1000,
			used: false,
		};
		this.authorizationCodes.set(record.code, record);
		return record;
	}

	newRefreshToken(
		input: Pick<RefreshTokenRecord, 'applicationId' | 'userId' | 'scopes' | 'publicClient'>,
	): RefreshTokenRecord {
		const record: RefreshTokenRecord = {
			...input,
			token: newToken('RT'),
			expiresAt: Date.now() + REFRESH_TOKEN_LIFETIME_SECONDS * 1000,
			revoked: false,
			accessTokens: [],
		};
		this.refreshTokens.set(record.token, record);
		return record;
	}

	liveRefreshToken(token: string): RefreshTokenRecord | undefined {
		const record = this.refreshTokens.get(token);
		return record && !record.revoked && record.expiresAt > Date.now() ? record : undefined;
	}
}
