import type { IncomingMessage, ServerResponse } from 'http';

import { authorize, decideDevice } from './controlOAuth';
import { dispatch } from './controlDispatch';
import type { Emulator } from './emulator';
import type { FaultInput } from './faults';
import type { NewApplication, NewUser, UserPatch } from './store';
import type { RateLimitConfig } from './throttle';
import type { SeedData } from './types';
import { groupView, ouView, userDetail } from './views';
import { Visibility } from './visibility';

/**
 * `/__emulator/...`: the emulator's own control API, for tests that run the client in another
 * process (n8n end to end). Not part of IDaaS; never affected by faults or counted in stats.
 */

type Body = Record<string, unknown>;
type ControlHandler = (emu: Emulator, body: Body, id: string) => unknown;

const ROUTES: Array<[method: string, pattern: RegExp, handler: ControlHandler]> = [
	['GET', /^state$/, (emu) => summary(emu)],
	['GET', /^state\/dump$/, (emu) => dump(emu)],
	[
		'POST',
		/^reset$/,
		(emu, body) => (
			emu.reset((body.seed as SeedData | string | undefined) ?? undefined),
			summary(emu)
		),
	],
	['GET', /^stats$/, (emu) => emu.stats.toJSON()],
	['POST', /^stats\/reset$/, (emu) => (emu.stats.reset(), emu.stats.toJSON())],
	['GET', /^faults$/, (emu) => ({ rules: emu.faults.rules })],
	[
		'POST',
		/^faults$/,
		(emu, body) => ({
			rules: (Array.isArray(body.rules) ? body.rules : [body]).map((r) =>
				emu.faults.add(r as FaultInput),
			),
		}),
	],
	['DELETE', /^faults$/, (emu) => (emu.faults.clear(), { rules: [] })],
	[
		'DELETE',
		/^faults\/(\d+)$/,
		(emu, _b, id) => (emu.faults.remove(Number(id)), { rules: emu.faults.rules }),
	],
	['GET', /^rateLimit$/, (emu) => emu.rateLimit.get()],
	[
		'PUT',
		/^rateLimit$/,
		(emu, body) => (emu.rateLimit.set(body as RateLimitConfig), emu.rateLimit.get()),
	],
	['DELETE', /^rateLimit$/, (emu) => (emu.rateLimit.set(), emu.rateLimit.get())],
	['GET', /^paging$/, (emu) => pagingView(emu)],
	[
		'PUT',
		/^paging$/,
		(emu, body) => (emu.paging.set(body.maxPageSize as number | undefined), pagingView(emu)),
	],
	['DELETE', /^paging$/, (emu) => (emu.paging.set(), pagingView(emu))],
	['POST', /^tokens\/expire$/, (emu) => ({ expired: emu.faults.expireTokens() })],
	[
		'POST',
		/^tokens\/user$/,
		(emu, body) => ({
			access_token: emu.issueUserToken(body.userId as string, {
				scopes: body.scopes as string[] | undefined,
			}),
		}),
	],
	['POST', /^tokens\/pam$/, (emu) => ({ access_token: emu.issuePamToken() })],
	['POST', /^oauth\/authorize$/, (emu, body) => authorize(emu, body)],
	['POST', /^oauth\/device\/approve$/, (emu, body) => decideDevice(emu, body, 'approved')],
	['POST', /^oauth\/device\/deny$/, (emu, body) => decideDevice(emu, body, 'denied')],
	[
		'POST',
		/^oauth\/device\/expire$/,
		(emu, body) => ({
			expired: emu.store.grants.expireDeviceCodes(body.user_code as string | undefined),
		}),
	],
	// What the person's browser does with a PAM OAuth authorization session: approve or refuse it.
	// Whether Developer-API tokens carry the application's PAM grants (off unless the emulator was started so).
	// Whether the OAuth endpoints ignore form bodies (a server that reads the query string only).
	[
		'PUT',
		/^oauth\/queryOnly$/,
		(emu, body) => ({ queryOnly: (emu.store.oauthQueryOnly = body.queryOnly === true) }),
	],
	[
		'PUT',
		/^pam\/appToken$/,
		(emu, body) => ({ carriesPam: (emu.store.appTokenCarriesPam = body.carriesPam === true) }),
	],
	[
		'POST',
		/^pam\/sessions\/([^/]+)$/,
		(emu, body, id) =>
			emu.store.pam.finishSession(id, body.status === 'failed' ? 'failed' : 'completed'),
	],
	[
		'POST',
		/^users$/,
		(emu, body) =>
			userView(
				emu,
				emu.store.createUser({
					primaryOrganizationalUnitId: emu.store.rootOrganizationalUnitId,
					...body,
				} as unknown as NewUser).userId,
			),
	],
	['GET', /^users\/([^/]+)$/, (emu, _b, id) => userView(emu, id)],
	[
		'PATCH',
		/^users\/([^/]+)$/,
		(emu, body, id) => (emu.store.patchUser(id, body as UserPatch), userView(emu, id)),
	],
	['DELETE', /^users\/([^/]+)$/, (emu, _b, id) => (emu.store.deleteUser(id), {})],
	[
		'POST',
		/^users\/([^/]+)\/status$/,
		(emu, body, id) => (
			emu.store.setStatus(id, body.status === 'disabled' ? 'disabled' : 'enabled'),
			userView(emu, id)
		),
	],
	[
		'POST',
		/^users\/([^/]+)\/move$/,
		(emu, body, id) => (
			emu.store.moveUser(id, body.organizationalUnitId as string),
			userView(emu, id)
		),
	],
	[
		'POST',
		/^organizationalUnits$/,
		(emu, body) =>
			ouView(
				emu.store.createOu({ parentId: emu.store.rootOrganizationalUnitId, ...body } as never),
			),
	],
	['POST', /^groups$/, (emu, body) => groupView(emu.createGroup(body as never))],
	[
		'POST',
		/^groups\/([^/]+)\/members$/,
		(emu, body, id) => (emu.store.addUsersToGroup(id, body.userIds as string[]), {}),
	],
	[
		'PATCH',
		/^applications\/([^/]+)$/,
		(emu, body, id) => appView(emu.store.updateApplication(id, body as NewApplication)),
	],
];

export async function handleControl(
	emu: Emulator,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	requestId: string,
): Promise<void> {
	await dispatch(ROUTES, emu, req, res, url, '/__emulator/', requestId);
}

function pagingView(emu: Emulator) {
	return { maxPageSize: emu.paging.maxPageSize ?? null };
}

function userView(emu: Emulator, userId: string) {
	return userDetail(emu.store.user(userId), Visibility.all(emu.store));
}

/** Applications without their secrets (the summary is printed and fetched freely). */
function appView(app: Emulator['store']['application']) {
	return {
		applicationId: app.applicationId,
		clientId: app.clientId,
		enabled: app.enabled,
		apiEnabled: app.apiEnabled,
		scopes: [...app.scopes],
		provisioningScope: app.provisioningScope,
	};
}

function summary(emu: Emulator) {
	const { store } = emu;
	return {
		url: emu.url,
		instanceId: store.instanceId,
		rootOrganizationalUnitId: store.rootOrganizationalUnitId,
		counts: store.counts(),
		applications: [...store.applications.values()].map(appView),
		faults: emu.faults.rules.length,
		rateLimit: emu.rateLimit.get(),
		paging: pagingView(emu),
		appTokenCarriesPam: store.appTokenCarriesPam,
		oauthQueryOnly: store.oauthQueryOnly,
	};
}

/** Everything, for debugging a failed end-to-end run (large instances: use the summary). */
function dump(emu: Emulator) {
	const { store } = emu;
	const vis = Visibility.all(store);
	return {
		...summary(emu),
		organizationalUnits: [...store.ous.values()].map(ouView),
		users: [...store.users.values()].map((user) => userDetail(user, vis)),
		groups: [...store.groups.values()].map((group) => ({
			...groupView(group),
			memberIds: [...group.members],
		})),
	};
}
