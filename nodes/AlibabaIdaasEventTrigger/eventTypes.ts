/**
 * The event types IDaaS sends in shortcut ("idaas_callback") mode, from the callback events
 * page (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/callback-events)
 * and the constants of Alibaba's receiver SDK (https://github.com/aliyunidaas/java-push-sdk,
 * SyncEventConstants). The emulator sends from this same list.
 */

export const EVENT_PREFIX = 'urn:alibaba:idaas:app:event:';

export type ObjectType = 'user' | 'organizationalUnit' | 'group' | 'test' | 'other';
export type EventKind = 'incremental' | 'fullPush' | 'test';

export interface EventType {
	/** What IDaaS sends in eventType. */
	code: string;
	/** Short readable name in items and filters, e.g. user.create. */
	key: string;
	name: string;
	object: ObjectType;
	kind: EventKind;
	/** Carries the plaintext password when the application has password sync on. */
	mayCarryPassword?: boolean;
}

function type(
	code: string,
	name: string,
	kind: EventKind = 'incremental',
	extra: Partial<EventType> = {},
): EventType {
	const [area, action] = code
		.replace(/^common:/, 'test:')
		.replace(/^ud:/, '')
		.split(':');
	const object: ObjectType =
		area === 'organizational_unit' ? 'organizationalUnit' : (area as ObjectType);
	return { code: EVENT_PREFIX + code, key: `${object}.${action}`, name, object, kind, ...extra };
}

export const EVENT_TYPES: readonly EventType[] = [
	type('ud:user:create', 'User Created', 'incremental', { mayCarryPassword: true }),
	type('ud:user:update_info', 'User Updated'),
	type('ud:user:update_password', 'User Password Changed', 'incremental', {
		mayCarryPassword: true,
	}),
	type('ud:user:disable', 'User Disabled'),
	type('ud:user:enable', 'User Enabled'),
	type('ud:user:lock', 'User Locked'),
	type('ud:user:unlock', 'User Unlocked'),
	type('ud:user:update_primary_ou', 'User Moved'),
	type('ud:user:delete', 'User Deleted'),
	type('ud:organizational_unit:create', 'Organizational Unit Created'),
	type('ud:organizational_unit:update', 'Organizational Unit Updated'),
	type('ud:organizational_unit:update_parent_organizational_unit', 'Organizational Unit Moved'),
	type('ud:organizational_unit:delete', 'Organizational Unit Deleted'),
	// In the SDK's constants, not in the docs' list (which may be out of date either way).
	type('ud:organizational_unit:add_user', 'User Added to Organizational Unit'),
	type('ud:organizational_unit:remove_user', 'User Removed From Organizational Unit'),
	type('ud:group:create', 'Group Created'),
	type('ud:group:update', 'Group Updated'),
	type('ud:group:delete', 'Group Deleted'),
	type('ud:group:add_user', 'User Added to Group'),
	type('ud:group:remove_user', 'User Removed From Group'),
	type('ud:user:push', 'Full Push: User', 'fullPush', { mayCarryPassword: true }),
	type('ud:organizational_unit:push', 'Full Push: Organizational Unit', 'fullPush'),
	type('common:test', 'Test Event', 'test'),
];

const BY_CODE = new Map(EVENT_TYPES.map((t) => [t.code, t]));

export function eventTypeOf(code: string): EventType | undefined {
	return BY_CODE.get(code);
}

/**
 * A code IDaaS added after this list was written still gets a readable key
 * (`…:ud:user:expire` → user.expire) and its kind from the suffix; receivers must tolerate such
 * codes (the SDK logs and skips them).
 */
export function describeCode(code: string): EventType {
	const known = BY_CODE.get(code);
	if (known) return known;
	const rest = code.startsWith(EVENT_PREFIX) ? code.slice(EVENT_PREFIX.length) : code;
	const parts = rest.replace(/^ud:/, '').split(':');
	const area = parts[0] === 'organizational_unit' ? 'organizationalUnit' : parts[0] || 'unknown';
	const action = parts.slice(1).join('.') || 'unknown';
	const object = (
		['user', 'organizationalUnit', 'group'].includes(area) ? area : 'other'
	) as ObjectType;
	return {
		code,
		key: `${area}.${action}`,
		name: `${area} ${action}`,
		object,
		kind: action === 'push' ? 'fullPush' : 'incremental',
	};
}
