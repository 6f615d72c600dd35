import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationSpec, ParamSpec } from '../catalog';
import { catalogOp, labelOf } from '../catalog';
import { ouIdField } from '../catalog/params';
import { fieldProperty, operationFields } from '../description/properties';
import type { ExecutionState } from './execution';
import type { PreparedRequest } from '../request/build';
import { readValues } from '../request/read';
import { checked, isBlank, normalizeValue, requiredWithMet } from '../request/build';
import { mapWithConcurrency } from '../transport/concurrency';
import type { Access, GroupChanges, Rule } from './accessRules';
import {
	accessOf,
	accessRulesField,
	applyGroupChanges,
	groupChanges,
	readRules,
} from './accessRules';
import { changeReportField, changeReportItem, wantsChangeReport } from './changeReport';
import { applyPlan } from './reconcileApply';
import { readDirectory, verifyPrimaryUnits } from './reconcileDirectory';
import type {
	AbsentPolicy,
	DirectoryUser,
	MatchKey,
	PlanStep,
	SourcePerson,
} from './reconcilePlan';
import {
	customFieldChanges,
	keyDriftsOf,
	planReconcile,
	removalsOf,
	verificationDue,
} from './reconcilePlan';
import { catalogParam } from './upsert';
import {
	guardReason,
	planFields,
	readPlanSettings,
	resultItem,
	wholeInputOperation,
} from './wholeInput';

/**
 * User → Reconcile: the input items are the desired state of the accounts in one organizational
 * unit (an HR export), the node makes IDaaS match it. Read once (reconcileDirectory.ts), plan
 * without a request (reconcilePlan.ts), then output the plan (dry run) or apply it
 * (reconcileApply.ts). Accounts whose primary unit is outside the authority are never changed.
 */

const create = catalogOp('CreateUser');
const getUser = catalogOp('GetUser');
const listMembers = catalogOp('ListUsersForGroup');
const show = { resource: ['user'], operation: ['reconcile'] };

const VERIFIED_TEXT =
	"Whether this row's address is verified. Unset: verified on a new account (as Create does), and on a changed one as Mark Changed Contacts Verified says.";
/** The flags a row may leave unset: filled for a create, decided by the setting for a change. */
const VERIFIED_FLAGS = [
	['emailVerified', 'email'],
	['phoneNumberVerified', 'phoneNumber'],
] as const;

/** A person's fields: CreateUser's, without the password ones (a sync does not set passwords). */
const personSpec: OperationSpec = {
	...create,
	operation: 'reconcile',
	params: [
		catalogParam(create, 'username'),
		{
			...catalogParam(create, 'primaryOrganizationalUnitId'),
			description:
				'The unit the person belongs in; it must be the authority unit or one of its sub-units',
		},
		catalogParam(create, 'displayName'),
		{
			...catalogParam(create, 'userExternalId'),
			prominent: true,
			displayName: 'External ID',
			description:
				'ID of the person in the source (e.g. the HR employee ID): the match key by default',
		},
		...create.params
			.filter((p) =>
				[
					'email',
					'emailVerified',
					'phoneRegion',
					'phoneNumber',
					'phoneNumberVerified',
					'description',
					'customFields',
				].includes(p.name),
			)
			.map((p) =>
				p.name.endsWith('Verified') ? { ...p, default: undefined, description: VERIFIED_TEXT } : p,
			),
	],
};

const authorityParam: ParamSpec = {
	...ouIdField('authorityOrganizationalUnitId'),
	required: true,
	displayName: 'Authority Organizational Unit',
	description: 'The unit the source is the truth for: accounts outside it are never touched',
};
const authoritySpec: OperationSpec = {
	...create,
	operation: 'reconcile',
	params: [authorityParam],
};

const MATCH_LABELS: Record<MatchKey, string> = {
	userExternalId: 'External ID',
	username: 'Username',
	email: 'Email',
};

const settingsFields: INodeProperties[] = [
	{ ...fieldProperty(authorityParam), required: true, displayOptions: { show } },
	{
		displayName: 'Include Sub-Units',
		name: 'includeSubUnits',
		type: 'boolean',
		default: true,
		description: 'Whether the authority covers the sub-units of the unit too',
		displayOptions: { show },
	},
	{
		displayName: 'Match On',
		name: 'matchKey',
		type: 'options',
		options: [
			{ name: 'Email', value: 'email' },
			{ name: 'External ID', value: 'userExternalId' },
			{ name: 'Username', value: 'username' },
		],
		default: 'userExternalId',
		description: 'The field that says which account a source row is',
		displayOptions: { show },
	},
	{
		displayName: 'Accounts Missing From the Source',
		name: 'absentUsers',
		type: 'options',
		options: [
			{ name: 'Delete', value: 'delete' },
			{ name: 'Disable', value: 'disable' },
			{ name: 'Leave As They Are', value: 'nothing' },
		],
		default: 'disable',
		description: 'What happens to accounts in scope that no source row names (leavers)',
		displayOptions: { show },
	},
	{
		displayName: 'Mark Changed Contacts Verified',
		name: 'markContactsVerified',
		type: 'boolean',
		default: false,
		description:
			'Whether an e-mail or phone number a row changes on an existing account is marked verified (unless the row says). Off: nobody has verified an address just typed in HR, and IDaaS sends sign-in codes and password resets to verified addresses.',
		displayOptions: { show },
	},
	{
		displayName: 'Person Fields',
		name: 'dataMode',
		type: 'options',
		options: [
			{
				name: 'Map Automatically',
				value: 'autoMapInputData',
				description:
					'Take the fields from input fields of the same name: username, primaryOrganizationalUnitId, displayName, userExternalId, email, phoneRegion, phoneNumber, description, customFields, active',
			},
			{
				name: 'Map Each Field Below',
				value: 'defineBelow',
				description: 'Set each field, usually with an expression on the input item',
			},
		],
		default: 'defineBelow',
		description:
			'How each input item gives the person: Map Automatically skips evaluating expressions for every item, which counts in sources of thousands of people',
		displayOptions: { show },
	},
	{
		displayName: 'Active',
		name: 'active',
		type: 'boolean',
		default: true,
		description:
			"Whether the person is active in the source; an inactive person's account is disabled",
		displayOptions: { show: { ...show, dataMode: ['defineBelow'] } },
	},
	accessRulesField(show),
	...planFields(show, 'Disables and Deletes'),
	changeReportField(show),
];

interface Settings {
	authority: string;
	includeSubUnits: boolean;
	matchKey: MatchKey;
	absent: AbsentPolicy;
	markVerified: boolean;
}

function readSettings(state: ExecutionState, authority: unknown): Settings {
	const { ctx } = state;
	const node = ctx.getNode();
	const get = (name: string, fallback: unknown) =>
		ctx.getNodeParameter(name, 0, fallback) as unknown;
	const choice = <T extends string>(
		name: string,
		label: string,
		allowed: readonly T[],
		fallback: T,
	): T => {
		const value = get(name, fallback);
		if (!allowed.includes(value as T)) {
			throw new NodeOperationError(
				node,
				`${label} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
				{ itemIndex: 0, description: `Check the "${label}" field.` },
			);
		}
		return value as T;
	};
	const flag = (name: string, label: string, fallback: boolean): boolean => {
		const value = get(name, fallback);
		if (typeof value !== 'boolean') {
			throw new NodeOperationError(
				node,
				`${label} must be true or false, got ${JSON.stringify(value)}`,
				{ itemIndex: 0, description: `Check the "${label}" field.` },
			);
		}
		return value;
	};
	const includeSubUnits = flag('includeSubUnits', 'Include Sub-Units', true);
	const markVerified = flag('markContactsVerified', 'Mark Changed Contacts Verified', false);
	if (isBlank(authority)) {
		throw new NodeOperationError(node, `${labelOf(authorityParam)} is required`, {
			itemIndex: 0,
			description: `Check the "${labelOf(authorityParam)}" field.`,
		});
	}
	return {
		authority: checked(node, () => normalizeValue(authorityParam, authority) as string, 0),
		includeSubUnits,
		matchKey: choice(
			'matchKey',
			'Match On',
			['userExternalId', 'username', 'email'] as const,
			'userExternalId',
		),
		absent: choice(
			'absentUsers',
			'Accounts Missing From the Source',
			['nothing', 'disable', 'delete'] as const,
			'disable',
		),
		markVerified,
	};
}

const PERSON_FIELDS = [...personSpec.params.map((p) => p.name), 'active'];

/** Map Automatically: the person's fields straight from the item's JSON, by their API names. */
function mappedValues(state: ExecutionState, itemIndex: number): Record<string, unknown> {
	const json = state.ctx.getInputData()[itemIndex]?.json ?? {};
	return Object.fromEntries(
		PERSON_FIELDS.filter((name) => name in json).map((name) => [name, json[name]]),
	);
}

/** Every row read and checked (a NodeOperationError naming the field and item), before any request. */
async function readPeople(
	state: ExecutionState,
	itemCount: number,
	matchKey: MatchKey,
	rules: Rule[],
) {
	const { client, ctx } = state;
	const people: SourcePerson[] = [];
	const creates = new Map<number, PreparedRequest>();
	const access = new Map<number, Access>();
	const automatic = ctx.getNodeParameter('dataMode', 0, 'defineBelow') === 'autoMapInputData';
	for (let i = 0; i < itemCount; i++) {
		const { active: mappedActive = true, ...values } = automatic
			? mappedValues(state, i)
			: await readValues(state, personSpec, i);
		// A flag the row leaves unset is true on a create, as Create's own default; the plan decides it for a change.
		const unset = VERIFIED_FLAGS.filter(
			([flag, field]) => isBlank(values[flag]) && requiredWithMet(field, values),
		).map(([flag]) => flag);
		for (const flag of unset) values[flag] = true;
		if (rules.length > 0) {
			// A matched rule's unit is where the person belongs: it plans the create or the move.
			const given = accessOf(state, rules, i);
			if (given.unit) values.primaryOrganizationalUnitId = given.unit.id;
			access.set(i, given);
		}
		const request = client.prepare(
			create,
			Object.fromEntries(Object.entries(values).filter(([, v]) => !isBlank(v))),
			i,
		);
		if (isBlank(request.values[matchKey])) {
			const label = MATCH_LABELS[matchKey];
			throw new NodeOperationError(ctx.getNode(), `${label} is required: it is the match key`, {
				itemIndex: i,
				description: `Check the "${label}" field, or change Match On.`,
			});
		}
		const active = automatic ? mappedActive : state.parameters.get('active', i, true);
		if (typeof active !== 'boolean') {
			throw new NodeOperationError(
				ctx.getNode(),
				`Active must be true or false, got ${JSON.stringify(active)}`,
				{ itemIndex: i, description: 'Check the "Active" field.' },
			);
		}
		const planned = { ...request.values };
		for (const flag of unset) delete planned[flag];
		people.push({ itemIndex: i, values: planned, active });
		creates.set(i, request);
	}
	return { people, creates, access };
}

/**
 * The group changes the access rules make, per step: the members of every managed group are read
 * once (ListUsersForGroup), and each person's difference is planned in the step (`changedFields`
 * gets `groups`, an unchanged account becomes updated).
 */
async function planGroupChanges(
	state: ExecutionState,
	steps: PlanStep[],
	access: Map<number, Access>,
): Promise<Map<PlanStep, GroupChanges>> {
	const planned = new Map<PlanStep, GroupChanges>();
	const managed = [...access.values()][0]?.managed ?? [];
	const members = await mapWithConcurrency(managed.length, state.concurrency, async (i) => {
		const records = await state.client.list(
			state.client.prepare(listMembers, { groupId: managed[i].id }, 0),
			{ itemIndex: 0 },
		);
		return new Set(records.map((r) => String(r.userId)));
	});
	for (const step of steps) {
		const given = step.itemIndex === undefined ? undefined : access.get(step.itemIndex);
		if (!given || step.action === 'conflict' || step.remove || (!step.userId && !step.create))
			continue;
		const current = new Set(
			step.userId
				? managed.filter((_, i) => members[i].has(step.userId as string)).map((g) => g.id)
				: [],
		);
		const changes = groupChanges(given, current);
		planned.set(step, changes);
		if (changes.add.length + changes.remove.length === 0 || step.create) continue;
		step.changedFields.push('groups');
		step.previous = {
			...step.previous,
			groups: changes.remove.map((g) => g.name || g.id).join(', '),
		};
		if (step.action === 'unchanged') step.action = 'updated';
	}
	return planned;
}

const outsideReason = (unit: string) =>
	`The account's primary organizational unit ${unit} is outside the authority (it is listed here as a secondary member)`;

/**
 * Custom fields are not in ListUsers: matched accounts whose row sets some are read with GetUser.
 * That read gives the primary unit too: an account outside the authority is left as it is.
 */
async function addCustomFieldChanges(
	state: ExecutionState,
	steps: PlanStep[],
	people: SourcePerson[],
	scopeOus: ReadonlySet<string>,
): Promise<void> {
	const byItem = new Map(people.map((p) => [p.itemIndex, p]));
	const due = steps.filter(
		(s) =>
			s.userId &&
			s.action !== 'conflict' &&
			!s.remove &&
			Array.isArray(byItem.get(s.itemIndex ?? -1)?.values.customFields),
	);
	await mapWithConcurrency(due.length, state.concurrency, async (n) => {
		const step = due[n];
		const current = await state.client.call(
			getUser,
			{ userId: step.userId },
			{ itemIndex: step.itemIndex },
		);
		if (!scopeOus.has(String(current.primaryOrganizationalUnitId))) {
			Object.assign(step, {
				action: 'conflict',
				reason: outsideReason(String(current.primaryOrganizationalUnitId)),
				changes: {},
				changedFields: [],
				moveTo: undefined,
				status: undefined,
			});
			return;
		}
		const custom = customFieldChanges(current, byItem.get(step.itemIndex as number)!.values);
		if (custom.length === 0) return;
		step.changes.customFields = custom;
		step.changedFields.push('customFields');
		if (step.action === 'unchanged') step.action = 'updated';
	});
}

async function reconcileUsers(
	state: ExecutionState,
	itemCount: number,
): Promise<INodeExecutionData[]> {
	const [authority] = Object.values(await readValues(state, authoritySpec, 0));
	const settings = readSettings(state, authority);
	const plan = readPlanSettings(state, 'Disables and Deletes');
	const report = wantsChangeReport(state);
	const rules = await readRules(state, 0);
	const { people, creates, access } = await readPeople(state, itemCount, settings.matchKey, rules);

	let directory = await readDirectory(state, settings.authority, settings.includeSubUnits);
	const planWith = (users: DirectoryUser[]) =>
		planReconcile({
			people,
			directory: users,
			matchKey: settings.matchKey,
			absent: settings.absent,
			scopeOus: directory.ous,
			markVerified: settings.markVerified,
		});
	// Writes act only on accounts whose primary unit GetUser places in the authority; an account
	// listed under two units is read too (its tag is a guess). Reading one can change the plan, so
	// plan again until every account it writes to has been read.
	const verified = new Set<string>();
	let steps = planWith(directory.users);
	for (;;) {
		const due = [
			...verificationDue(steps),
			...directory.users.filter((u) => (u.listings as number) > 1).map((u) => u.userId),
		].filter((id) => !verified.has(id));
		if (due.length === 0) break;
		directory = await verifyPrimaryUnits(state, directory, due, verified);
		steps = planWith(directory.users);
	}
	await addCustomFieldChanges(state, steps, people, directory.ous);

	const groupPlan =
		rules.length > 0
			? await planGroupChanges(state, steps, access)
			: new Map<PlanStep, GroupChanges>();

	const drifted = keyDriftsOf(steps);
	const guard = guardReason(plan, removalsOf(steps), directory.users.length, 'disables or deletes');
	const blocked =
		guard && drifted > 0
			? `${guard} (besides ${drifted} key drift${drifted === 1 ? '' : 's'}, updated in place and not counted)`
			: guard;
	const apply = !plan.dryRun && blocked === undefined;
	const outcomes: IDataObject[] = apply
		? await applyPlan(state, steps, creates)
		: steps.map(() => ({}));
	// The rules' groups, once the account exists (a failed step's are not sent); in a dry run, what would be.
	const accessItems = new Map<PlanStep, IDataObject>();
	await mapWithConcurrency(steps.length, state.concurrency, async (i) => {
		const step = steps[i];
		const changes = groupPlan.get(step);
		if (!changes || outcomes[i].action !== undefined) return;
		const userId = String(step.userId ?? outcomes[i].userId ?? '');
		accessItems.set(
			step,
			await applyGroupChanges(
				state,
				userId,
				access.get(step.itemIndex as number) as Access,
				changes,
				step.itemIndex as number,
				apply,
			),
		);
	});
	const items = steps.map((step, i) => {
		const outcome = outcomes[i];
		const failed = outcome.action !== undefined;
		const json = {
			action: step.action,
			applied: apply && !failed && step.action !== 'conflict' && step.action !== 'unchanged',
			...(plan.dryRun ? { dryRun: true } : {}),
			userId: step.userId,
			username: step.username,
			[settings.matchKey]: step.key,
			changedFields: step.changedFields,
			...(step.keyDrift ? { keyDrift: true } : {}),
			...(accessItems.has(step) ? { accessRules: accessItems.get(step) } : {}),
			...(step.previousPrimaryOrganizationalUnitId
				? {
						previousPrimaryOrganizationalUnitId: step.previousPrimaryOrganizationalUnitId,
						primaryOrganizationalUnitId: step.moveTo,
					}
				: {}),
			...(step.reason ? { reason: step.reason } : {}),
			...(blocked && !plan.dryRun ? { blocked } : {}),
			...(plan.dryRun && blocked
				? { warning: blocked.replace('Nothing applied', 'Would not be applied') }
				: {}),
			...outcome,
		};
		if (json.userId === undefined) delete json.userId;
		return resultItem(json, step.itemIndex);
	});
	if (report) {
		const common = {
			...(plan.dryRun ? { dryRun: true } : {}),
			...(blocked ? { blocked } : {}),
			keyDrift: drifted,
		};
		items.push(
			changeReportItem(
				'reconcile',
				items.map((i) => i.json),
				reconcileChanges(
					steps,
					items.map((i) => i.json),
				),
				common,
			),
		);
	}
	return items;
}

/** The change report's rows: one per changed field of each account, one per create, delete or failure. */
function reconcileChanges(steps: PlanStep[], results: IDataObject[]): IDataObject[] {
	const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
	return steps.flatMap((step, i) => {
		const result = results[i];
		const who = step.username;
		const userId = result.userId;
		if (result.action === 'failed')
			return [
				{
					who,
					userId,
					what: `${text(result.plannedAction)} failed`,
					before: '',
					after: text(result.error),
				},
			];
		if (step.action === 'unchanged' || step.action === 'conflict' || result.action === 'conflict')
			return [];
		if (step.action === 'created')
			return [{ who, userId, what: 'created', before: '', after: text(userId) }];
		if (step.action === 'deleted')
			return [{ who, userId, what: 'deleted', before: 'exists', after: '' }];
		const groups = result.accessRules as IDataObject | undefined;
		const after: Record<string, unknown> = {
			...step.changes,
			primaryOrganizationalUnitId: step.moveTo,
			status: step.status,
			groups: ((groups?.groupsAdded as IDataObject[] | undefined) ?? [])
				.map((g) => g.groupName || g.groupId)
				.join(', '),
		};
		return step.changedFields.map((field) => ({
			who,
			userId,
			what: field,
			before: text(step.previous?.[field]),
			after: field === 'customFields' ? JSON.stringify(after[field]) : text(after[field]),
		}));
	});
}

export const userReconcile = wholeInputOperation({
	resource: 'user',
	option: {
		name: 'Reconcile',
		value: 'reconcile',
		description:
			'Make the accounts of an organizational unit match the input items (an HR export): create, update, move, enable, disable or delete',
		action: 'Reconcile users with a source',
	},
	fields: [
		...settingsFields,
		...operationFields(personSpec).map((field) => ({
			...field,
			displayOptions: { show: { ...show, dataMode: ['defineBelow'] } },
		})),
	],
	readme: {
		does: 'Makes an organizational unit (with or without its sub-units) match the input items: create, update, move, enable, disable or delete; dry run and guard rails',
		requests: 'ListOrganizationalUnits, ListUsers, then only the changes',
	},
	runAll: reconcileUsers,
});
