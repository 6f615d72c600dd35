import { ALL_SCOPES } from './seed';
import { Store } from './store';

export interface GenerateOptions {
	users: number;
	/** OUs below the root (default: one per 500 users, at least 3). */
	organizationalUnits?: number;
	groups?: number;
	instanceId?: string;
	applicationId?: string;
	clientSecret?: string;
}

export const GENERATED = {
	instanceId: 'idaas_generated01',
	rootOrganizationalUnitId: 'ou_generatedroot01',
	applicationId: 'app_generated01',
	clientSecret: 'generated-client-secret-0000000001',
};

/**
 * Fills `store` (in place, replacing its content) with a synthetic organisation for benchmarks:
 * a two-level OU tree, users spread round-robin over the OUs (and the root), each user in one
 * group. Uses the store's own methods, so every index is built as in normal use; 100k users take
 * well under a second.
 */
export function populate(store: Store, options: GenerateOptions): Store {
	const ouCount = options.organizationalUnits ?? Math.max(3, Math.round(options.users / 500));
	const groupCount = options.groups ?? 10;
	store.clearState();
	store.instanceId = options.instanceId ?? GENERATED.instanceId;
	store.rootOrganizationalUnitId = GENERATED.rootOrganizationalUnitId;
	store.createRoot('Generated Org');
	const ouIds = [store.rootOrganizationalUnitId];
	const topLevel = Math.max(1, Math.round(Math.sqrt(ouCount)));
	for (let i = 0; i < ouCount; i++) {
		const parentId = i < topLevel ? store.rootOrganizationalUnitId : ouIds[1 + (i % topLevel)];
		ouIds.push(
			store.createOu({
				organizationalUnitName: `Unit ${i + 1}`,
				parentId,
				organizationalUnitExternalId: `OU-${i + 1}`,
			}).organizationalUnitId,
		);
	}
	const groupIds: string[] = [];
	for (let i = 0; i < groupCount; i++)
		groupIds.push(
			store.createGroup({ groupName: `Group ${i + 1}`, groupExternalId: `G-${i + 1}` }).groupId,
		);
	for (let i = 0; i < options.users; i++) {
		const n = i + 1;
		const { userId } = store.createUser({
			username: `user${n}`,
			displayName: `User ${n}`,
			email: `user${n}@example.com`,
			emailVerified: true,
			userExternalId: `EMP-${n}`,
			primaryOrganizationalUnitId: ouIds[i % ouIds.length],
		});
		if (groupIds.length) store.addUsersToGroup(groupIds[i % groupIds.length], [userId]);
	}
	store.addApplication({
		applicationId: options.applicationId ?? GENERATED.applicationId,
		clientSecret: options.clientSecret ?? GENERATED.clientSecret,
		scopes: ALL_SCOPES,
		provisioningScope: { organizationalUnitIds: [store.rootOrganizationalUnitId], groupIds },
	});
	return store;
}

export function generateStore(options: GenerateOptions): Store {
	return populate(new Store(GENERATED.instanceId, GENERATED.rootOrganizationalUnitId), options);
}
