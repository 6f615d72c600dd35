import { readFileSync } from 'fs';
import { isAbsolute, join } from 'path';

import { SCOPES } from '../nodes/AlibabaIdaas/catalog';
import { Store } from './store';
import type { SeedData } from './types';

/** The four Developer API permissions (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/introduction-to-api-integration). */
export const ALL_SCOPES = [SCOPES.userRead, SCOPES.userManage, SCOPES.ouRead, SCOPES.ouManage];

/**
 * A seed by name (`demo` → emulator/seeds/demo.json) or file path. Seeds are plain JSON so that
 * scripts outside TypeScript (scripts/lib/demo.mjs) can read the demo credentials too.
 */
export function loadSeed(nameOrPath = 'demo'): SeedData {
	const file = /[\\/]|\.json$/.test(nameOrPath)
		? isAbsolute(nameOrPath)
			? nameOrPath
			: join(process.cwd(), nameOrPath)
		: join(__dirname, 'seeds', `${nameOrPath}.json`);
	return JSON.parse(readFileSync(file, 'utf8')) as SeedData;
}

/** Replaces everything in `store` with the seed's organisation. OUs must come after their parents. */
export function applySeed(store: Store, seed: SeedData): Store {
	store.clearState();
	store.instanceId = seed.instanceId;
	store.rootOrganizationalUnitId = seed.rootOrganizationalUnit.organizationalUnitId;
	store.createRoot(
		seed.rootOrganizationalUnit.organizationalUnitName,
		seed.rootOrganizationalUnit.description,
	);
	for (const ou of seed.organizationalUnits ?? []) store.createOu(ou);
	for (const group of seed.groups ?? []) store.createGroup(group);
	for (const { organizationalUnitIds, groupIds, ...user } of seed.users ?? []) {
		const { userId } = store.createUser(user);
		const secondary = (organizationalUnitIds ?? []).filter(
			(id) => id !== user.primaryOrganizationalUnitId,
		);
		if (secondary.length) store.addUserToOus(userId, secondary);
		for (const groupId of groupIds ?? []) store.addUsersToGroup(groupId, [userId]);
	}
	const apps = seed.applications?.length
		? seed.applications
		: [{ applicationId: undefined, clientSecret: undefined }];
	for (const app of apps)
		store.addApplication({
			...app,
			scopes: 'scopes' in app && app.scopes ? app.scopes : ALL_SCOPES,
		});
	for (const role of seed.cloudAccountRoles ?? [])
		store.cloudAccountRoles.set(role.cloudAccountRoleExternalId, role);
	store.pam.seed(seed.pam);
	return store;
}

export function createStore(seed: SeedData | string = 'demo'): Store {
	const data = typeof seed === 'string' ? loadSeed(seed) : seed;
	return applySeed(
		new Store(data.instanceId, data.rootOrganizationalUnit.organizationalUnitId),
		data,
	);
}
