import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { JobContext } from './jobs';
import { assertRun, harnessFor, nodeOptions, rawWidth, userIdsOf } from './jobs';
import { RawClient, mapConcurrent } from './undiciRunner';

/**
 * `npm run bench -- --offboard`: User → Offboard of 1,000 people, each in 3 groups and 1 secondary
 * unit, beside the same job built from single-operation nodes of this package, the way the
 * offboarding example used to be (Get user → Disable → Get Groups → Remove from Group per group →
 * Remove From Organizational Units), with the glue a Code node would add between them.
 *
 * Requests per person, the floor: 1 disable + 3 groups + 1 call for the secondary units (+ 1
 * token revoke when credential providers are given) = 5. Offboard adds the one GetUser that tells
 * what is already so. The generated directory has no PAM credential provider, so the token step
 * (a list and a revoke per person and provider) is not in this job.
 */

export type OffboardWay = 'offboard' | 'singleNodes';

export interface OffboardData {
	userIds: string[];
}

/** The people (not measured): every generated user gets 2 more groups (3 in all) and 1 secondary unit. */
export async function offboardSource(ctx: JobContext, people: number): Promise<OffboardData> {
	const userIds = await userIdsOf(ctx, people);
	const client = new RawClient(ctx.emulator.target, rawWidth(ctx));
	await client.authenticate();
	try {
		const groups = (
			(await client.json('GET', '/groups?maxResults=100')) as { data: Array<{ groupId: string }> }
		).data.map((g) => g.groupId);
		const units = (
			(await client.json(
				'GET',
				`/organizationalUnits?parentId=${ctx.emulator.rootOu}&pageSize=100`,
			)) as { data: Array<{ organizationalUnitId: string }> }
		).data.map((ou) => ou.organizationalUnitId);
		// Generated users are in group i % groups; add the next two, 100 users per request.
		const adds: Array<{ groupId: string; userIds: string[] }> = [];
		groups.forEach((groupId, g) => {
			const members = userIds.filter((_, i) =>
				[(g + groups.length - 1) % groups.length, (g + groups.length - 2) % groups.length].includes(
					i % groups.length,
				),
			);
			for (let i = 0; i < members.length; i += 100)
				adds.push({ groupId, userIds: members.slice(i, i + 100) });
		});
		await mapConcurrent(adds, rawWidth(ctx), (add) =>
			client.json('POST', `/groups/${add.groupId}/actions/addUsersToGroup`, {
				userIds: add.userIds,
			}),
		);
		await mapConcurrent(userIds, rawWidth(ctx), async (userId) => {
			const user = (await client.json('GET', `/users/${userId}`)) as {
				primaryOrganizationalUnitId: string;
			};
			const unit = units.find((u) => u !== user.primaryOrganizationalUnitId) as string;
			await client.json('POST', `/users/${userId}/actions/addUserToOrganizationalUnits`, {
				organizationalUnitIds: [unit],
			});
		});
	} finally {
		await client.close();
	}
	return { userIds };
}

async function run(ctx: JobContext, parameters: INodeParameters, items: IDataObject[]) {
	const result = await harnessFor(ctx).execute(
		ctx.idaasNode,
		{ ...parameters, options: nodeOptions(ctx) },
		{ items },
	);
	if (result.error) throw new Error(`${String(parameters.operation)}: ${result.error.message}`);
	return result.items;
}

const user = { __rl: true, mode: 'id', value: '={{ $json.userId }}' };

/** One Offboard node. */
async function offboardNode(ctx: JobContext, data: OffboardData): Promise<void> {
	const items = await run(
		ctx,
		{
			resource: 'user',
			operation: 'offboard',
			personIdentifier: 'userId',
			person: '={{ $json.userId }}',
			dryRun: false,
		},
		data.userIds.map((userId) => ({ userId })),
	);
	const offboarded = items.filter((item) => item.json.action === 'offboarded').length;
	if (offboarded !== data.userIds.length)
		throw new Error(
			`Offboard offboarded ${offboarded} of ${data.userIds.length}: ${JSON.stringify(items.find((i) => i.json.action !== 'offboarded')?.json)}`,
		);
}

/** The same job from single-operation nodes, one execution per node over every person. */
async function singleNodes(ctx: JobContext, data: OffboardData): Promise<void> {
	const people = data.userIds.map((userId) => ({ userId }));
	const details = await run(
		ctx,
		{ resource: 'user', operation: 'get', userId: user, simplify: false },
		people,
	);
	assertRun({ items: details }, people.length, 'Get user');
	await run(ctx, { resource: 'user', operation: 'disable', userId: user }, people);
	const groups = await run(
		ctx,
		{ resource: 'user', operation: 'getGroups', userId: user, returnAll: true },
		people,
	);
	// The Code node between: each group item with the user it came from.
	const removals = groups.map((item) => ({
		groupId: item.json.groupId,
		userId: people[(item.pairedItem as { item: number }).item].userId,
	}));
	if (removals.length !== people.length * 3)
		throw new Error(`expected ${people.length * 3} group memberships, got ${removals.length}`);
	await run(
		ctx,
		{
			resource: 'group',
			operation: 'removeUsers',
			groupId: { __rl: true, mode: 'id', value: '={{ $json.groupId }}' },
			userIds: '={{ $json.userId }}',
		},
		removals,
	);
	const secondary = details.map((item) => ({
		userId: item.json.userId,
		units: ((item.json.organizationalUnits as IDataObject[]) ?? [])
			.filter((ou) => ou.primary !== true)
			.map((ou) => ou.organizationalUnitId),
	}));
	if (secondary.some((s) => s.units.length === 0))
		throw new Error('Get user gave a person without a secondary unit');
	await run(
		ctx,
		{
			resource: 'user',
			operation: 'removeFromOrganizationalUnits',
			userId: user,
			organizationalUnitIds: '={{ $json.units.join(",") }}',
		},
		secondary,
	);
}

export async function offboardJob(
	ctx: JobContext,
	way: OffboardWay,
	data: OffboardData,
): Promise<void> {
	await (way === 'offboard' ? offboardNode(ctx, data) : singleNodes(ctx, data));
}
