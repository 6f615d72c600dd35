import { ApiError } from './errors';
import { newId } from './ids';
import { Indexes } from './indexes';
import { StoreBase } from './storeBase';
import type { OuRecord } from './types';

export interface NewOu {
	organizationalUnitName: string;
	parentId: string;
	organizationalUnitExternalId?: string;
	description?: string;
	/** Fixed ID (seeds); generated when absent. */
	organizationalUnitId?: string;
}

/** The organizational unit tree: a root plus children kept per parent in creation order. */
export class OuStore extends StoreBase {
	/** Creates the root OU; called once per (re)load. */
	createRoot(name: string, description = ''): OuRecord {
		const now = this.now();
		const root: OuRecord = {
			instanceId: this.instanceId,
			organizationalUnitId: this.rootOrganizationalUnitId,
			organizationalUnitName: name,
			parentId: '',
			organizationalUnitExternalId: this.rootOrganizationalUnitId,
			organizationalUnitSourceType: 'build_in',
			organizationalUnitSourceId: this.instanceId,
			createTime: now,
			updateTime: now,
			description,
		};
		this.ous.set(root.organizationalUnitId, root);
		this.changed();
		return root;
	}

	createOu(input: NewOu): OuRecord {
		this.ou(input.parentId);
		const id = input.organizationalUnitId ?? newId('ou_');
		if (this.ous.has(id))
			throw new ApiError(
				400,
				'ResourceDuplicated.OrganizationalUnitId',
				`The specified OrganizationalUnitId resource: ${id} already exist!`,
			);
		this.idx.ouName.check(
			`${input.parentId}|${input.organizationalUnitName}`,
			id,
			input.organizationalUnitName,
		);
		const externalId = input.organizationalUnitExternalId || id;
		const externalKey = Indexes.externalKey('build_in', this.instanceId, externalId);
		this.idx.ouExternalId.check(externalKey, id, externalId);
		const now = this.now();
		const ou: OuRecord = {
			instanceId: this.instanceId,
			organizationalUnitId: id,
			organizationalUnitName: input.organizationalUnitName,
			parentId: input.parentId,
			organizationalUnitExternalId: externalId,
			organizationalUnitSourceType: 'build_in',
			organizationalUnitSourceId: this.instanceId,
			createTime: now,
			updateTime: now,
			description: input.description ?? '',
		};
		this.ous.set(id, ou);
		this.idx.ouExternalId.set(externalKey, id);
		this.idx.ouName.set(`${input.parentId}|${input.organizationalUnitName}`, id);
		Indexes.bucket(this.idx.childrenOf, input.parentId).add(id);
		this.changed();
		return ou;
	}

	/** Only the fields present change (API metadata). */
	patchOu(
		ouId: string,
		patch: { organizationalUnitName?: string; description?: string },
	): OuRecord {
		const ou = this.ou(ouId);
		if (
			patch.organizationalUnitName !== undefined &&
			patch.organizationalUnitName !== ou.organizationalUnitName
		) {
			this.idx.ouName.move(
				`${ou.parentId}|${ou.organizationalUnitName}`,
				`${ou.parentId}|${patch.organizationalUnitName}`,
				ouId,
				patch.organizationalUnitName,
			);
			ou.organizationalUnitName = patch.organizationalUnitName;
		}
		if (patch.description !== undefined) ou.description = patch.description;
		ou.updateTime = this.now();
		this.changed();
		return ou;
	}

	/**
	 * ASSUMPTION (behaviour UNCONFIRMED, https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-deleteorganizationalunit): an OU that still has child OUs or
	 * members (primary or secondary) cannot be deleted: 400 `OrganizationalUnitNotEmpty.Children`
	 * / `OrganizationalUnitNotEmpty.Users`; the root cannot be deleted: 400 `OperationDenied.RootOrganizationalUnit`.
	 */
	deleteOu(ouId: string): void {
		const ou = this.ou(ouId);
		if (ouId === this.rootOrganizationalUnitId) {
			throw new ApiError(
				400,
				'OperationDenied.RootOrganizationalUnit',
				`The root organizational unit ${ouId} cannot be deleted.`,
			);
		}
		if ((this.idx.childrenOf.get(ouId)?.size ?? 0) > 0) {
			throw new ApiError(
				400,
				'OrganizationalUnitNotEmpty.Children',
				`The organizational unit ${ouId} still has child organizational units.`,
			);
		}
		if (
			(this.idx.usersByPrimaryOu.get(ouId)?.size ?? 0) > 0 ||
			(this.idx.secondaryMembers.get(ouId)?.size ?? 0) > 0
		) {
			throw new ApiError(
				400,
				'OrganizationalUnitNotEmpty.Users',
				`The organizational unit ${ouId} still has users.`,
			);
		}
		this.ous.delete(ouId);
		this.idx.childrenOf.get(ou.parentId)?.delete(ouId);
		this.idx.childrenOf.delete(ouId);
		this.idx.usersByPrimaryOu.delete(ouId);
		this.idx.secondaryMembers.delete(ouId);
		this.idx.ouName.release(`${ou.parentId}|${ou.organizationalUnitName}`, ouId);
		this.idx.ouExternalId.release(
			Indexes.externalKey(
				ou.organizationalUnitSourceType,
				ou.organizationalUnitSourceId,
				ou.organizationalUnitExternalId,
			),
			ouId,
		);
		this.changed();
	}

	/** Ancestors of an OU, top level first, the OU itself excluded. */
	ancestorIds(ouId: string): string[] {
		const chain: string[] = [];
		for (let parent = this.ou(ouId).parentId; parent; parent = this.ous.get(parent)?.parentId ?? '')
			chain.push(parent);
		return chain.reverse();
	}

	/** Whether `ouId` is one of `roots` or lies below one of them. */
	isWithin(ouId: string, roots: ReadonlySet<string>): boolean {
		for (let id: string | undefined = ouId; id; id = this.ous.get(id)?.parentId)
			if (roots.has(id)) return true;
		return false;
	}

	childCount(ouId: string): number {
		return this.idx.childrenOf.get(ouId)?.size ?? 0;
	}

	childPage(ouId: string, offset: number, size: number): OuRecord[] {
		return (this.idx.childrenOf.get(ouId)?.page(offset, size) ?? []).map((id) => this.ous.get(id)!);
	}

	findOuIdByExternalId(
		externalId: string,
		sourceType: string,
		sourceId: string,
	): string | undefined {
		return this.idx.ouExternalId.get(Indexes.externalKey(sourceType, sourceId, externalId));
	}
}
