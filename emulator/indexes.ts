import { duplicated } from './errors';
import { OrderedIndex } from './orderedIndex';

/**
 * A unique value → owner ID map. Values are compared after `normalize` (ASSUMPTION: usernames
 * and emails are unique case-insensitively, as in most directories; the docs do not say).
 */
export class UniqueIndex {
	private owners = new Map<string, string>();

	constructor(
		/** Field name for the ResourceDuplicated.<Field> code. */
		readonly field: string,
		private readonly normalize: (value: string) => string = (value) => value,
	) {}

	get(value: string): string | undefined {
		return value ? this.owners.get(this.normalize(value)) : undefined;
	}

	/** Throws ResourceDuplicated.<Field> when another owner holds the value. */
	check(value: string | undefined, owner: string, shown = value): void {
		if (!value) return;
		const holder = this.get(value);
		if (holder !== undefined && holder !== owner) throw duplicated(this.field, shown ?? value);
	}

	set(value: string | undefined, owner: string): void {
		if (value) this.owners.set(this.normalize(value), owner);
	}

	release(value: string | undefined, owner: string): void {
		if (value && this.get(value) === owner) this.owners.delete(this.normalize(value));
	}

	/** A rename: the new value must be free (or the owner's); the old one is released. */
	move(oldValue: string, newValue: string, owner: string, shown = newValue): void {
		this.check(newValue, owner, shown);
		this.release(oldValue, owner);
		this.set(newValue, owner);
	}

	clear(): void {
		this.owners.clear();
	}
}

const lower = (value: string) => value.toLowerCase();

/** Every index the store keeps next to its maps, so listings and lookups never scan all users. */
export class Indexes {
	/** All users, creation order (ListUsers without a filter). */
	readonly users = new OrderedIndex();
	/** OU → users whose primary OU it is, in the order they joined (ListUsers with organizationalUnitId). */
	readonly usersByPrimaryOu = new Map<string, OrderedIndex>();
	/** OU → users holding it as a secondary OU. */
	readonly secondaryMembers = new Map<string, Set<string>>();
	/** OU → child OUs, creation order (ListOrganizationalUnits). */
	readonly childrenOf = new Map<string, OrderedIndex>();
	/** All groups, creation order (ListGroups). */
	readonly groups = new OrderedIndex();
	/** User → groups, in the order the user joined them (ListGroupsForUser). */
	readonly groupsOfUser = new Map<string, Set<string>>();

	readonly username = new UniqueIndex('Username', lower);
	readonly email = new UniqueIndex('Email', lower);
	/** ASSUMPTION: the phone number alone is unique (GetUserIdByPhoneNumber takes no region). */
	readonly phoneNumber = new UniqueIndex('PhoneNumber');
	/** Key `sourceType|sourceId|externalId`: external IDs are unique per source (API metadata). */
	readonly userExternalId = new UniqueIndex('UserExternalId');
	readonly ouExternalId = new UniqueIndex('OrganizationalUnitExternalId');
	/** Key `parentId|name`: sibling OU names are unique (documented ResourceDuplicated.OrganizationalUnitName). */
	readonly ouName = new UniqueIndex('OrganizationalUnitName');
	/** ASSUMPTION: group names are unique within the instance (ResourceDuplicated.GroupName). */
	readonly groupName = new UniqueIndex('GroupName', lower);

	static externalKey(sourceType: string, sourceId: string, externalId: string): string {
		return `${sourceType}|${sourceId}|${externalId}`;
	}

	/** The OrderedIndex under `key` in `map`, created on first use. */
	static bucket(map: Map<string, OrderedIndex>, key: string): OrderedIndex {
		let index = map.get(key);
		if (!index) map.set(key, (index = new OrderedIndex()));
		return index;
	}

	static setOf<T>(map: Map<string, Set<T>>, key: string): Set<T> {
		let set = map.get(key);
		if (!set) map.set(key, (set = new Set()));
		return set;
	}
}
