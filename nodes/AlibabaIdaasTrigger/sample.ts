import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import type { IdaasClient } from '../AlibabaIdaas/request/client';
import type { MembershipEvent } from './groups/state';
import { toItem, toMembershipItem, toOuItem } from './items';
import type { OuEvent } from './units/state';
import type { TriggerEvent } from './users/diff';
import { OPS } from './shared/walk';

/**
 * "Fetch Test Event": one real record shaped like an item of the first selected event, with
 * `sample: true`. Never reads or writes the trigger's state.
 */
export async function sample(
	ctx: IPollFunctions,
	client: IdaasClient,
	event: string,
	simplify: boolean,
	ou: string | undefined,
): Promise<INodeExecutionData[][] | null> {
	const item = event.startsWith('member')
		? await membershipSample(client, event as MembershipEvent)
		: event.startsWith('ou')
			? await ouSample(client, event as OuEvent, simplify, ou)
			: await userSample(client, event as TriggerEvent, simplify, ou);
	if (!item) return null;
	item.sample = true;
	return [ctx.helpers.returnJsonArray([item])];
}

async function userSample(
	client: IdaasClient,
	event: TriggerEvent,
	simplify: boolean,
	ou: string | undefined,
) {
	const body = await client.call(OPS.listUsers, {
		pageNumber: 1,
		pageSize: 1,
		...(ou ? { organizationalUnitId: ou } : {}),
	});
	const user = Array.isArray(body.data) ? (body.data[0] as IDataObject | undefined) : undefined;
	if (!user) return undefined;
	return toItem(
		{
			event,
			userId: String(user.userId),
			...(event === 'deleted'
				? { previous: { status: user.status === 'disabled' ? 'disabled' : 'enabled' } }
				: { user }),
			...(event === 'updated'
				? { changes: [{ field: 'displayName', new: user.displayName, oldKnown: false }] }
				: {}),
			...(event === 'moved' ? { from: ou, to: ou } : {}),
		},
		ou
			? { userId: String(user.userId), status: 'enabled', booleans: [], ou, stamp: 0, hashes: [] }
			: undefined,
		simplify,
	);
}

async function membershipSample(client: IdaasClient, event: MembershipEvent) {
	const groups = await client.call(OPS.listGroups, { maxResults: 1 });
	const group = Array.isArray(groups.data)
		? (groups.data[0] as IDataObject | undefined)
		: undefined;
	if (!group) return undefined;
	const groupId = String(group.groupId);
	const members = await client.call(OPS.listUsersForGroup, { groupId, maxResults: 1 });
	const member = Array.isArray(members.data)
		? (members.data[0] as IDataObject | undefined)
		: undefined;
	if (!member) return undefined;
	return toMembershipItem(
		{ event, groupId, userId: String(member.userId) },
		typeof group.groupName === 'string' ? group.groupName : undefined,
	);
}

async function ouSample(
	client: IdaasClient,
	event: OuEvent,
	simplify: boolean,
	watched: string | undefined,
) {
	let id = watched;
	if (!id) {
		const scope = await client.call(OPS.scope, {});
		id = Array.isArray(scope.organizationalUnitIds)
			? (scope.organizationalUnitIds[0] as string | undefined)
			: undefined;
	}
	if (!id) return undefined;
	const record = await client.call(OPS.getOu, { organizationalUnitId: id });
	const facts = {
		id,
		parentId: typeof record.parentId === 'string' ? record.parentId : '',
		name: typeof record.organizationalUnitName === 'string' ? record.organizationalUnitName : '',
	};
	const isDeleted = event === 'ouDeleted';
	return toOuItem(
		{
			event,
			id,
			...(isDeleted ? {} : { current: facts }),
			...(event === 'ouCreated' ? {} : { previous: facts }),
		},
		record,
		simplify,
	);
}
