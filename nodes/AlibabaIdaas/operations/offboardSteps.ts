import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { catalogOp } from '../catalog';
import type { ExecutionState } from './execution';

/**
 * The steps of User → Offboard for one person, each one idempotent and each one tried whatever
 * happened to the others: what is already so is said and not sent again, so a rerun after a
 * partial failure finishes the job and a rerun after a full one sends nothing but the reads.
 * GetUser gives the state they all start from: status, primary and secondary units and groups,
 * with their names (https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-getuser).
 */

const ops = {
	get: catalogOp('GetUser'),
	disable: catalogOp('DisableUser'),
	removeFromGroup: catalogOp('RemoveUsersFromGroup'),
	removeFromUnits: catalogOp('RemoveUserFromOrganizationalUnits'),
	move: catalogOp('SetUserPrimaryOrganizationalUnit'),
	listTokens: catalogOp('ListAuthenticationTokens'),
	revokeTokens: catalogOp('RevokeAuthenticationTokenByConsumer'),
	delete: catalogOp('DeleteUser'),
};

export type StepName =
	| 'disable'
	| 'removeFromGroups'
	| 'removeFromUnits'
	| 'moveToLeavers'
	| 'revokeTokens'
	| 'delete';

export interface OffboardSettings {
	dryRun: boolean;
	leaversUnit?: string;
	/** Credential providers whose JWTs issued to the person are revoked. */
	jwtProviders: string[];
	/** Which of the person's keys their JWTs name as consumer (the JWT subject). */
	tokenConsumer: 'userId' | 'username' | 'email' | 'userExternalId';
	deleteAfter: boolean;
}

/** One person's outcome, as the output item says it. */
export interface OffboardOutcome {
	/** Steps sent (or, in a dry run, that would be). */
	done: StepName[];
	/** Steps with nothing to do. */
	alreadySo: StepName[];
	failed: IDataObject[];
	details: IDataObject;
}

type Named = { id: string; name: string };

function failure(step: StepName, error: unknown, extra: IDataObject = {}): IDataObject {
	const response =
		error instanceof NodeApiError ? ((error.errorResponse ?? {}) as IDataObject) : {};
	return {
		step,
		error: (error as Error).message,
		...(typeof response.code === 'string' ? { code: response.code } : {}),
		...extra,
	};
}

/** The person's groups and units as GetUser lists them, by ID and name. */
function membershipsOf(user: IDataObject) {
	const groups: Named[] = (Array.isArray(user.groups) ? (user.groups as IDataObject[]) : []).map(
		(g) => ({ id: String(g.groupId), name: String(g.groupName ?? '') }),
	);
	const units: Named[] = (
		Array.isArray(user.organizationalUnits) ? (user.organizationalUnits as IDataObject[]) : []
	)
		.filter((ou) => ou.organizationalUnitId !== user.primaryOrganizationalUnitId)
		.map((ou) => ({
			id: String(ou.organizationalUnitId),
			name: String(ou.organizationalUnitName ?? ''),
		}));
	const primary = (
		Array.isArray(user.organizationalUnits) ? (user.organizationalUnits as IDataObject[]) : []
	).find((ou) => ou.organizationalUnitId === user.primaryOrganizationalUnitId);
	return {
		groups,
		units,
		primary: {
			id: String(user.primaryOrganizationalUnitId),
			name: String(primary?.organizationalUnitName ?? ''),
		},
	};
}

const named = (list: Named[], idKey: string, nameKey: string) =>
	list.map((n) => ({ [idKey]: n.id, [nameKey]: n.name }));

/** Every step for one person; never throws for a step (its error goes into `failed`). */
export async function offboardPerson(
	state: ExecutionState,
	user: IDataObject,
	settings: OffboardSettings,
	itemIndex: number,
): Promise<OffboardOutcome> {
	const { client } = state;
	const options = { itemIndex };
	const userId = String(user.userId);
	const outcome: OffboardOutcome = { done: [], alreadySo: [], failed: [], details: {} };
	const { groups, units, primary } = membershipsOf(user);
	const apply = !settings.dryRun;
	/** Runs a step that has work to do: counted as done, or its error kept. */
	const step = async (name: StepName, send: () => Promise<void>) => {
		try {
			if (apply) await send();
			outcome.done.push(name);
		} catch (error) {
			outcome.failed.push(failure(name, error));
		}
	};

	if (user.status === 'disabled') outcome.alreadySo.push('disable');
	else
		await step('disable', async () => void (await client.call(ops.disable, { userId }, options)));

	// Groups and secondary units are independent of each other: their requests go out together
	// (the client's limiter bounds them), and their outcomes are told in a fixed order.
	const leaving = units.filter((u) => u.id !== settings.leaversUnit);
	const removeGroups = async (): Promise<IDataObject[]> =>
		(
			await Promise.all(
				groups.map(async (group) => {
					try {
						if (apply)
							await client.call(
								ops.removeFromGroup,
								{ groupId: group.id, userIds: [userId] },
								options,
							);
						return undefined;
					} catch (error) {
						return failure('removeFromGroups', error, { groupId: group.id, groupName: group.name });
					}
				}),
			)
		).filter((f): f is IDataObject => f !== undefined);
	const removeUnits = async (): Promise<IDataObject | undefined> => {
		try {
			if (apply)
				await client.call(
					ops.removeFromUnits,
					{ userId, organizationalUnitIds: leaving.map((u) => u.id) },
					options,
				);
			return undefined;
		} catch (error) {
			return failure('removeFromUnits', error);
		}
	};
	const [failedGroups, failedUnits] = await Promise.all([
		removeGroups(),
		leaving.length > 0 ? removeUnits() : Promise.resolve(undefined),
	]);

	// One request per group (the API removes users from one group at a time); each tried.
	outcome.details.groups = named(groups, 'groupId', 'groupName');
	if (groups.length === 0) outcome.alreadySo.push('removeFromGroups');
	else if (failedGroups.length < groups.length) outcome.done.push('removeFromGroups');
	outcome.failed.push(...failedGroups);

	// The Leavers unit stays (it becomes the primary one below), every other secondary unit goes.
	outcome.details.secondaryUnits = named(leaving, 'organizationalUnitId', 'organizationalUnitName');
	if (leaving.length === 0) outcome.alreadySo.push('removeFromUnits');
	else if (failedUnits) outcome.failed.push(failedUnits);
	else outcome.done.push('removeFromUnits');

	if (settings.leaversUnit !== undefined) {
		outcome.details.previousPrimaryOrganizationalUnit = {
			organizationalUnitId: primary.id,
			organizationalUnitName: primary.name,
		};
		if (primary.id === settings.leaversUnit) outcome.alreadySo.push('moveToLeavers');
		else
			await step(
				'moveToLeavers',
				async () =>
					void (await client.call(
						ops.move,
						{ userId, organizationalUnitId: settings.leaversUnit },
						options,
					)),
			);
	}

	if (settings.jwtProviders.length > 0) {
		const consumerId = String(user[settings.tokenConsumer] ?? '');
		const tokens: IDataObject[] = [];
		let any = false;
		let failed = false;
		for (const provider of settings.jwtProviders) {
			try {
				// The live tokens first: a person with none has nothing to revoke (and a rerun says so).
				const request = client.prepare(
					ops.listTokens,
					{ consumerId, credentialProviderIdentifier: provider, revoked: false, expired: false },
					itemIndex,
				);
				const live = await client.list(request, options);
				tokens.push({
					credentialProviderIdentifier: provider,
					consumerId,
					liveTokens: live.length,
				});
				if (live.length === 0) continue;
				if (apply)
					await client.call(
						ops.revokeTokens,
						{ consumerId, credentialProviderIdentifier: provider },
						options,
					);
				any = true;
			} catch (error) {
				failed = true;
				outcome.failed.push(
					failure('revokeTokens', error, { credentialProviderIdentifier: provider }),
				);
			}
		}
		outcome.details.tokens = tokens;
		if (any) outcome.done.push('revokeTokens');
		else if (!failed) outcome.alreadySo.push('revokeTokens');
	}

	if (settings.deleteAfter) {
		// Deleting the account ends every retry: only once everything before it went through.
		if (outcome.failed.length > 0)
			outcome.failed.push({
				step: 'delete',
				error: `Not deleted: ${[...new Set(outcome.failed.map((f) => f.step))].join(', ')} failed; a rerun deletes it once they succeed`,
			});
		else
			await step('delete', async () => void (await client.call(ops.delete, { userId }, options)));
	}
	return outcome;
}

/** The person as GetUser gives it, or undefined when the account does not exist (404). */
export async function readPerson(
	state: ExecutionState,
	userId: string,
	itemIndex: number,
): Promise<IDataObject | undefined> {
	let failure: unknown;
	try {
		return await state.client.call(ops.get, { userId }, { itemIndex });
	} catch (error) {
		failure = error;
	}
	if (failure instanceof NodeApiError && String(failure.httpCode) === '404') return undefined;
	if (failure instanceof NodeApiError || failure instanceof NodeOperationError) throw failure;
	throw new NodeOperationError(state.ctx.getNode(), failure as Error, { itemIndex });
}
