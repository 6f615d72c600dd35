import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationSpec, ParamSpec } from '../catalog';
import { catalogOp } from '../catalog';
import { ouIdField } from '../catalog/params';
import { fieldProperty } from '../description/properties';
import type { ExecutionState } from './execution';
import type { PreparedRequest } from '../request/build';
import { readValues } from '../request/read';
import { isBlank } from '../request/build';
import { mapWithConcurrency } from '../transport/concurrency';
import { changeReportField, changeReportItem, wantsChangeReport } from './changeReport';
import type { OffboardSettings } from './offboardSteps';
import { offboardPerson, readPerson } from './offboardSteps';
import { resultItem, wholeInputOperation } from './wholeInput';

/**
 * User → Offboard: a leaver in one node. For each input item (a person by user ID, username,
 * e-mail or external ID): disable the account, remove it from every group and every secondary
 * unit, optionally move it to a Leavers unit, revoke the JWTs issued to the person, and optionally
 * delete it. Dry run by default. One output item per person says what was done, what was already
 * so and what failed, with the groups and units by name (offboardSteps.ts).
 *
 * The Developer API has no operation that lists a person's exclusive credentials (only
 * CreateUserExclusiveCredential and ObtainCredential by identifier), so they cannot be listed here:
 * https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-developerapi-2022-02-25-dir-credential
 */

const show = { resource: ['user'], operation: ['offboard'] };
const displayOptions = { show };

type Identifier = 'userId' | 'username' | 'email' | 'userExternalId';
const LOOKUPS: Record<Exclude<Identifier, 'userId'>, string> = {
	username: 'GetUserIdByUsername',
	email: 'GetUserIdByEmail',
	userExternalId: 'GetUserIdByUserExternalId',
};
const IDENTIFIERS = [
	{ name: 'Email', value: 'email' },
	{ name: 'External ID', value: 'userExternalId' },
	{ name: 'User ID', value: 'userId' },
	{ name: 'Username', value: 'username' },
];

const leaversParam: ParamSpec = {
	...ouIdField('leaversOrganizationalUnitId'),
	prominent: true,
	displayName: 'Leavers Unit',
	description:
		'A unit leavers are moved to, as their primary unit. Leave empty to keep their primary unit.',
};
const leaversSpec: OperationSpec = {
	...catalogOp('SetUserPrimaryOrganizationalUnit'),
	operation: 'offboard',
	params: [leaversParam],
};

const fields: INodeProperties[] = [
	{
		displayName: 'Person Given By',
		name: 'personIdentifier',
		type: 'options',
		options: IDENTIFIERS,
		default: 'email',
		description: 'What each input item gives to name the person leaving',
		displayOptions,
	},
	{
		displayName: 'Person',
		name: 'person',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.email }}',
		description: 'The person this item names: one item per leaver',
		displayOptions,
	},
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: true,
		description:
			'Whether to only output what would be done, sending no change to IDaaS. Switch off (or map an approval) to offboard.',
		displayOptions,
	},
	{ ...fieldProperty(leaversParam), displayOptions },
	{
		displayName: 'JWT Credential Providers',
		name: 'jwtProviders',
		type: 'string',
		default: '',
		placeholder: 'e.g. hr-jwt-provider, agents-jwt',
		description:
			'Identifiers of the credential providers whose JWTs issued to the person are revoked (Revoke All for Consumer), separated by commas. Leave empty to revoke none.',
		displayOptions,
	},
	{
		displayName: 'Token Consumer',
		name: 'tokenConsumer',
		type: 'options',
		options: IDENTIFIERS,
		default: 'userId',
		description:
			"Which of the person's keys their JWTs carry as subject (the consumer the tokens were issued to)",
		displayOptions,
	},
	{
		displayName: 'Delete After',
		name: 'deleteAfter',
		type: 'boolean',
		default: false,
		description:
			'Whether to delete the account once every other step succeeded. Deleting cannot be undone and ends any later rerun.',
		displayOptions,
	},
	changeReportField(show),
];

interface Leaver {
	itemIndex: number;
	person: string;
	userId?: string;
	lookup?: PreparedRequest;
}

function flag(
	state: ExecutionState,
	name: string,
	label: string,
	fallback: boolean,
	itemIndex = 0,
): boolean {
	const value = state.ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
	if (typeof value !== 'boolean') {
		throw new NodeOperationError(
			state.ctx.getNode(),
			`${label} must be true or false, got ${JSON.stringify(value)}`,
			{ itemIndex, description: `Check the "${label}" field.` },
		);
	}
	return value;
}

function choice<T extends string>(
	state: ExecutionState,
	name: string,
	label: string,
	allowed: readonly string[],
	fallback: T,
): T {
	const value = state.ctx.getNodeParameter(name, 0, fallback) as unknown;
	if (!allowed.includes(value as string)) {
		throw new NodeOperationError(
			state.ctx.getNode(),
			`${label} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
			{ itemIndex: 0, description: `Check the "${label}" field.` },
		);
	}
	return value as T;
}

/** The settings, read from the first item as the other whole-input operations do. */
async function readSettings(state: ExecutionState): Promise<OffboardSettings> {
	const { leaversOrganizationalUnitId } = await readValues(state, leaversSpec, 0);
	const providers = state.ctx.getNodeParameter('jwtProviders', 0, '') as unknown;
	if (typeof providers !== 'string') {
		throw new NodeOperationError(
			state.ctx.getNode(),
			`JWT Credential Providers must be text, got ${JSON.stringify(providers)}`,
			{ itemIndex: 0, description: 'Check the "JWT Credential Providers" field.' },
		);
	}
	const values = IDENTIFIERS.map((i) => i.value);
	return {
		dryRun: flag(state, 'dryRun', 'Dry Run', true),
		leaversUnit: isBlank(leaversOrganizationalUnitId)
			? undefined
			: String(leaversOrganizationalUnitId),
		jwtProviders: [
			...new Set(
				providers
					.split(',')
					.map((p) => p.trim())
					.filter((p) => p !== ''),
			),
		],
		tokenConsumer: choice(state, 'tokenConsumer', 'Token Consumer', values, 'userId'),
		deleteAfter: flag(state, 'deleteAfter', 'Delete After', false),
	};
}

/** Every item's person checked and its look-up prepared, before any request. */
function readLeavers(state: ExecutionState, itemCount: number): Leaver[] {
	const { ctx, client } = state;
	const identifier = choice<Identifier>(
		state,
		'personIdentifier',
		'Person Given By',
		IDENTIFIERS.map((i) => i.value),
		'email',
	);
	return Array.from({ length: itemCount }, (_, itemIndex) => {
		const raw = state.parameters.get('person', itemIndex, '');
		if (isBlank(raw) || typeof raw === 'object') {
			throw new NodeOperationError(
				ctx.getNode(),
				`Person is required: the ${identifier} of a user, got ${JSON.stringify(raw ?? '')}`,
				{ itemIndex, description: 'Check the "Person" field.' },
			);
		}
		const person = String(raw).trim();
		if (identifier === 'userId') {
			// Checked as the catalog checks a user ID (prefix and characters), before any request.
			client.prepare(catalogOp('GetUser'), { userId: person }, itemIndex);
			return { itemIndex, person, userId: person };
		}
		const source =
			identifier === 'userExternalId'
				? { userSourceType: 'build_in', userSourceId: client.connection.instanceId }
				: {};
		return {
			itemIndex,
			person,
			lookup: client.prepare(
				catalogOp(LOOKUPS[identifier]),
				{ [identifier]: person, ...source },
				itemIndex,
			),
		};
	});
}

/** The action an item names: what happened to the person as a whole. */
function actionOf(done: string[], failed: IDataObject[]): string {
	if (failed.length > 0) return 'failed';
	return done.length > 0 ? 'offboarded' : 'unchanged';
}

async function offboard(state: ExecutionState, itemCount: number): Promise<INodeExecutionData[]> {
	const settings = await readSettings(state);
	const report = wantsChangeReport(state);
	const leavers = readLeavers(state, itemCount);
	const common = settings.dryRun ? { dryRun: true } : {};

	const results = await mapWithConcurrency(
		leavers.length,
		state.concurrency,
		async (i): Promise<IDataObject> => {
			const leaver = leavers[i];
			const { itemIndex, person } = leaver;
			try {
				const userId =
					leaver.userId ??
					(await state.client.findId(leaver.lookup as PreparedRequest, { itemIndex }));
				const user = userId === undefined ? undefined : await readPerson(state, userId, itemIndex);
				if (!user) {
					return {
						action: 'notFound',
						applied: false,
						person,
						...common,
						reason: `No account has ${leaver.lookup?.op.params[0].name ?? 'userId'} "${person}": nothing to offboard (deleted already, or a wrong value)`,
					};
				}
				const outcome = await offboardPerson(state, user, settings, itemIndex);
				const action = actionOf(outcome.done, outcome.failed);
				return {
					action,
					applied: !settings.dryRun && outcome.done.length > 0,
					...common,
					person,
					userId: user.userId,
					username: user.username,
					displayName: user.displayName,
					email: user.email,
					done: outcome.done,
					alreadySo: outcome.alreadySo,
					failed: outcome.failed,
					...outcome.details,
					...(settings.leaversUnit ? { leaversOrganizationalUnitId: settings.leaversUnit } : {}),
				};
			} catch (error) {
				// The look-up or the read failed: nothing was tried for this person.
				return {
					action: 'failed',
					applied: false,
					person,
					...common,
					done: [],
					alreadySo: [],
					failed: [{ step: 'read', error: (error as Error).message }],
				};
			}
		},
	);
	const out = results.map((json, i) => resultItem(json, leavers[i].itemIndex));
	if (report) out.push(changeReportItem('offboard', results, offboardChanges(results), common));
	return out;
}

/** The change report's rows: one per step done (or that would be) for each person. */
function offboardChanges(results: IDataObject[]): IDataObject[] {
	return results.flatMap((r) => {
		const who = String(r.username ?? r.person);
		const steps = (r.done as string[] | undefined) ?? [];
		const failed = ((r.failed as IDataObject[] | undefined) ?? []).map((f) => ({
			who,
			userId: r.userId,
			what: `${String(f.step)} failed`,
			before: '',
			after: String(f.error),
		}));
		return [
			...steps.map((step) => ({ who, userId: r.userId, what: step, ...beforeAfter(step, r) })),
			...failed,
		];
	});
}

function beforeAfter(step: string, r: IDataObject): { before: string; after: string } {
	const names = (list: unknown, key: string) =>
		((list as IDataObject[] | undefined) ?? []).map((x) => String(x[key])).join(', ');
	switch (step) {
		case 'disable':
			return { before: 'enabled', after: 'disabled' };
		case 'removeFromGroups':
			return { before: names(r.groups, 'groupName'), after: '' };
		case 'removeFromUnits':
			return { before: names(r.secondaryUnits, 'organizationalUnitName'), after: '' };
		case 'moveToLeavers':
			return {
				before: String(
					(r.previousPrimaryOrganizationalUnit as IDataObject | undefined)
						?.organizationalUnitName ?? '',
				),
				after: String(r.leaversOrganizationalUnitId ?? ''),
			};
		case 'revokeTokens':
			return {
				before: ((r.tokens as IDataObject[] | undefined) ?? [])
					.map((t) => `${String(t.liveTokens)} live (${String(t.credentialProviderIdentifier)})`)
					.join(', '),
				after: 'revoked',
			};
		default:
			return { before: 'exists', after: 'deleted' };
	}
}

export const userOffboard = wholeInputOperation({
	resource: 'user',
	option: {
		name: 'Offboard',
		value: 'offboard',
		description:
			'A leaver in one step: disable, remove from every group and secondary unit, move to a Leavers unit, revoke their JWTs, optionally delete',
		action: 'Offboard a user',
	},
	fields,
	readme: {
		does: 'A leaver in one step: disable, remove from every group and secondary unit, move to a Leavers unit, revoke their JWTs, optionally delete; dry run by default',
		requests: 'a look-up, GetUser, then per person only what is not already so',
	},
	runAll: offboard,
});
