/**
 * The IDaaS emulator (emulator/server.ts) started in-process on 127.0.0.1 with the demo org, seen through the few
 * questions the end-to-end tests ask about its state. Everything the tests know about the emulator's internals is
 * in this file.
 */
import { emulatorCredential } from '../../harness/credential';

export interface EmulatorUser {
	userId: string;
	username: string;
	displayName?: string;
	email?: string;
	status: string;
	userExternalId?: string;
	[k: string]: unknown;
}

export interface DemoEmulator {
	url: string;
	credentialData(): Record<string, string> & { clientSecret: string };
	findUser(
		by: Partial<Pick<EmulatorUser, 'username' | 'userExternalId' | 'userId'>>,
	): EmulatorUser | undefined;
	userCount(): number;
	primaryOuOf(userId: string): string | undefined;
	groupIdsOfUser(userId: string): string[];
	memberIdsOfGroup(groupId: string): string[];
	/** The ID of the organizational unit, or group, with this name (the demo org's names are unique). */
	ouNamed(name: string): string | undefined;
	groupNamed(name: string): string | undefined;
	tokensIssued(): number;
	/** GenerateToken requests, answered or not. */
	generateTokenCalls(): number;
	/** 400 answers to API calls other than GenerateToken (an expired token answers 400 invalid_token). */
	badRequestAnswers(): number;
	issuedTokens(): string[];
	requestsTo(pathPart: string): number;
	expireTokens(): Promise<void>;
	createUser(user: {
		username: string;
		displayName?: string;
		email?: string;
	}): Promise<EmulatorUser>;
	/** A request body as the application's push sends it, carrying exactly these events (signed and encrypted afresh). */
	signedDelivery(
		applicationId: string,
		events: Array<{
			eventId: string;
			eventType: string;
			eventTime: string;
			bizId: string;
			bizData: string;
		}>,
	): { event: string };
	close(): Promise<void>;
}

export async function startDemoEmulator(): Promise<DemoEmulator> {
	// Loaded lazily so that this helper compiles while the emulator is not in the tree (see e2eReady()).
	const { startEmulator } = require('../../../emulator/server');
	const emu: any = await startEmulator({ port: 0, host: '127.0.0.1', seed: 'demo' });
	const store: any = emu.store;
	const users = (): EmulatorUser[] =>
		[...(store.users?.values?.() ?? Object.values(store.users ?? {}))] as EmulatorUser[];
	const app = store.demoApplication ?? store.application;
	return {
		url: emu.url,
		credentialData: () =>
			emulatorCredential({ url: emu.url, instanceId: emu.instanceId, application: app }),
		findUser: (by) =>
			users().find((u) => Object.entries(by).every(([k, v]) => (u as any)[k] === v)),
		userCount: () => users().length,
		primaryOuOf: (userId) =>
			(users().find((u) => u.userId === userId) as any)?.primaryOrganizationalUnitId,
		groupIdsOfUser: (userId) =>
			[...(store.groups?.values?.() ?? [])]
				.filter((g: any) => g.members?.has?.(userId))
				.map((g: any) => g.groupId),
		memberIdsOfGroup: (groupId) => [...(store.groups?.get?.(groupId)?.members ?? [])],
		ouNamed: (name) =>
			[...(store.ous?.values?.() ?? [])].find((ou: any) => ou.organizationalUnitName === name)
				?.organizationalUnitId,
		groupNamed: (name) =>
			[...(store.groups?.values?.() ?? [])].find((g: any) => g.groupName === name)?.groupId,
		tokensIssued: () => emu.stats.tokensIssued,
		generateTokenCalls: () => emu.stats.generateTokenCalls,
		badRequestAnswers: () =>
			Object.entries(emu.stats.byAction as Record<string, Record<string, number>>)
				.filter(([action]) => action !== 'GenerateToken')
				.reduce((n, [, byStatus]) => n + (byStatus['400'] ?? 0), 0),
		issuedTokens: () => [...(store.tokens?.keys?.() ?? [])],
		requestsTo: (part) =>
			Object.entries(emu.stats.requests ?? {})
				.filter(([k]) => k.includes(part))
				.reduce((a, [, n]) => a + Number(n), 0),
		expireTokens: async () => {
			const r = await fetch(`${emu.url}/__emulator/tokens/expire`, { method: 'POST' });
			if (!r.ok) throw new Error(`expire tokens: ${r.status}`);
		},
		createUser: async (user) => {
			const r = await fetch(`${emu.url}/__emulator/users`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(user),
			});
			if (!r.ok) throw new Error(`create user: ${r.status} ${await r.text()}`);
			return (await r.json()) as EmulatorUser;
		},
		signedDelivery: (applicationId, events) => {
			const { tokenFor } = require('../../../emulator/events/delivery');
			return {
				event: tokenFor(
					emu.events.config(applicationId),
					emu.events.ring(applicationId),
					emu.instanceId,
					events,
				).token,
			};
		},
		close: () => emu.close(),
	};
}
