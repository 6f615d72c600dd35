import { ROOT_OU_ALIAS } from '../../nodes/AlibabaIdaas/catalog';
import { notFound } from '../errors';
import { pageWindow } from '../pagination';
import { ouView } from '../views';
import type { Handler } from './context';
import { bearer } from './context';

export const organizationalUnitHandlers: Record<string, Handler> = {
	CreateOrganizationalUnit(ctx) {
		const input = ctx.input as Record<string, string>;
		bearer(ctx).vis.requireOu(input.parentId);
		const ou = ctx.store.createOu({
			organizationalUnitName: input.organizationalUnitName,
			parentId: input.parentId,
			organizationalUnitExternalId: input.organizationalUnitExternalId,
			description: input.description,
		});
		return { organizationalUnitId: ou.organizationalUnitId };
	},

	GetOrganizationalUnit: (ctx) =>
		ouView(bearer(ctx).vis.requireOu(ctx.input.organizationalUnitId as string)),

	/**
	 * Direct children of parentId, creation order. SDK 1.8.0's remark: the root's children are
	 * listed with the root ID `ou_root`. It names the field parentOrganizationalUnitId, but the
	 * only query parameter is parentId, so that is where the emulator reads it (ASSUMPTION).
	 */
	ListOrganizationalUnits(ctx) {
		const given = ctx.input.parentId as string;
		const parentId = given === ROOT_OU_ALIAS ? ctx.store.rootOrganizationalUnitId : given;
		bearer(ctx).vis.requireOu(parentId);
		const window = pageWindow(ctx.op, ctx.input);
		return {
			totalCount: ctx.store.childCount(parentId),
			data: ctx.store.childPage(parentId, window.offset, window.size).map(ouView),
		};
	},

	PatchOrganizationalUnit(ctx) {
		const { organizationalUnitId, ...patch } = ctx.input as Record<string, string>;
		bearer(ctx).vis.requireOu(organizationalUnitId);
		ctx.store.patchOu(organizationalUnitId, patch);
	},

	DeleteOrganizationalUnit(ctx) {
		const ouId = ctx.input.organizationalUnitId as string;
		bearer(ctx).vis.requireOu(ouId);
		ctx.store.deleteOu(ouId);
	},

	/** Top level first; only IDs inside the app's scope (API metadata). */
	ListOrganizationalUnitParentIds(ctx) {
		const { vis } = bearer(ctx);
		const ouId = ctx.input.organizationalUnitId as string;
		vis.requireOu(ouId);
		return { parentIds: ctx.store.ancestorIds(ouId).filter((id) => vis.ouVisible(id)) };
	},

	/** ASSUMPTION: not found (or out of scope) is 400 ResourceNotFound.OrganizationalUnitId, by analogy to the user lookups. */
	GetOrganizationalUnitIdByExternalId(ctx) {
		const input = ctx.input as Record<string, string>;
		const ouId = ctx.store.findOuIdByExternalId(
			input.organizationalUnitExternalId,
			input.organizationalUnitSourceType,
			input.organizationalUnitSourceId,
		);
		if (!ouId || !bearer(ctx).vis.ouVisible(ouId))
			throw notFound('OrganizationalUnitId', input.organizationalUnitExternalId, 400);
		return { organizationalUnitId: ouId };
	},
};
