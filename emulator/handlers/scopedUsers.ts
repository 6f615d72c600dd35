import type { Visibility } from '../visibility';

const cache = new WeakMap<object, { version: number; scopeKey: string; ids: string[] }>();

/**
 * The users a partially scoped application sees, in creation order. Building it is O(n), so it
 * is cached per application until the store changes. Applications scoped to the root (the demo
 * and generated data) never get here: they page the global index in O(pageSize).
 */
export function scopedUserIds(vis: Visibility): string[] {
	const { store, app } = vis;
	const scopeKey = app.provisioningScope.organizationalUnitIds.join(',');
	const hit = cache.get(app);
	if (hit && hit.version === store.version && hit.scopeKey === scopeKey) return hit.ids;
	const ids: string[] = [];
	for (const id of store.idx.users.values())
		if (vis.userVisible(store.users.get(id)!)) ids.push(id);
	cache.set(app, { version: store.version, scopeKey, ids });
	return ids;
}
