import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationSpec, ParamSpec } from '../catalog';
import { catalogOp, collectionOf, labelOf } from '../catalog';
import { operationFields, showFor } from '../description/properties';
import type { ExecutionState } from './execution';
import { readValues } from '../request/read';
import { isBlank } from '../request/build';
import {
	accessOf,
	accessRulesField,
	applyGroupChanges,
	groupChanges,
	readRules,
} from './accessRules';
import type { UpsertTarget } from './upsert';
import {
	catalogParam,
	createOrGet,
	differingFields,
	patchChanges,
	upsertItem,
	upsertOperation,
} from './upsert';

/**
 * Upsert a user: the HR-sync step in one node. Looks the user up by what Match On says the sheet
 * has: (external ID, source type, source ID), the username or the email; creates it when absent,
 * else patches what differs and moves it when the primary organizational unit differs. Not a
 * catalog entry: it composes GetUserIdByUserExternalId (or GetUserIdByUsername, GetUserIdByEmail),
 * GetUser, PatchUser, SetUserPrimaryOrganizationalUnit and CreateUser.
 */

const target: UpsertTarget = {
	prefix: 'user',
	create: catalogOp('CreateUser'),
	lookup: catalogOp('GetUserIdByUserExternalId'),
	get: catalogOp('GetUser'),
	patch: catalogOp('PatchUser'),
};
const { create, lookup } = target;
const move = catalogOp('SetUserPrimaryOrganizationalUnit');

const optionalSource = (name: string): ParamSpec => {
	const param = catalogParam(lookup, name);
	return {
		...param,
		required: false,
		description: `${param.description}. Default: build_in and this instance.`,
	};
};

/**
 * CreateUser fields that PatchUser has no counterpart for (its body has no description, password
 * or password settings): an existing user would silently keep its old values, so the upsert
 * refuses them before any request. They stay declared, described as refused, because n8n drops a
 * workflow's values for undeclared fields before the node runs, and a value dropped unseen is
 * exactly what must not happen.
 */
const CREATE_ONLY = ['description', 'password', 'passwordInitializationConfig'];

const refusedField = (param: ParamSpec): ParamSpec => ({
	...param,
	description:
		'Not possible here: IDaaS cannot change it on an existing user, so Create or Update refuses it. Use Create (or Update Password) instead.',
});

/** The fields of CreateUser, with the external ID required and the lookup's source fields. */
const upsertSpec: OperationSpec = {
	...create,
	operation: 'upsert',
	params: [
		{
			...catalogParam(create, 'userExternalId'),
			required: true,
			displayName: 'External ID',
			description:
				'ID of the user in your source system (e.g. the HR employee ID); the user is matched on it',
		},
		...create.params
			.filter((p) => p.name !== 'userExternalId')
			.map((p) => (CREATE_ONLY.includes(p.name) ? refusedField(p) : p)),
		optionalSource('userSourceType'),
		optionalSource('userSourceId'),
	],
};

/** What a user can be matched on, and the look-up that finds it by that. */
const MATCH_KEYS = {
	userExternalId: { label: 'External ID', lookup: 'GetUserIdByUserExternalId' },
	username: { label: 'Username', lookup: 'GetUserIdByUsername' },
	email: { label: 'Email', lookup: 'GetUserIdByEmail' },
} as const;
type MatchKey = keyof typeof MATCH_KEYS;

const display = showFor(upsertSpec);

const matchOnField: INodeProperties = {
	displayName: 'Match On',
	name: 'matchOn',
	type: 'options',
	// Sorted by name, as n8n's lint wants; External ID stays the default, so saved workflows match as before.
	options: [
		{
			name: 'Email',
			value: 'email',
			description: 'The user with this email (set under Additional Fields) is updated',
		},
		{
			name: 'External ID',
			value: 'userExternalId',
			description: 'The user with this external ID (e.g. the HR employee ID) is updated',
		},
		{ name: 'Username', value: 'username', description: 'The user with this username is updated' },
	],
	default: 'userExternalId',
	description:
		'Which value tells whether the user exists already; when no user has it, one is created',
	displayOptions: display,
};

/**
 * The fields: Match On first; External ID required when it is the key, else an optional value set
 * on a new user (two declarations under one name, each shown for its keys, as n8n's own nodes do).
 */
function upsertFields(): INodeProperties[] {
	const fields = operationFields(upsertSpec);
	const at = fields.findIndex((field) => field.name === 'userExternalId');
	const byExternalId = fields[at];
	const show = (keys: MatchKey[]) => ({ show: { ...display.show, matchOn: keys } });
	const optional: INodeProperties = {
		...byExternalId,
		required: false,
		description:
			'ID of the user in your source system, set on a new user; the user is matched on Match On instead',
		displayOptions: show(['username', 'email']),
	};
	fields.splice(at, 1, { ...byExternalId, displayOptions: show(['userExternalId']) }, optional);
	return [matchOnField, ...fields, accessRulesField(display.show)];
}

/** The key this item matches on, checked, and its look-up; undefined for the external ID (createOrGet's own). */
function matchKeyOf(
	state: ExecutionState,
	values: Record<string, unknown>,
	itemIndex: number,
): { key: MatchKey; find?: { lookup: OperationSpec; values: Record<string, unknown> } } {
	const key = state.parameters.get('matchOn', itemIndex, 'userExternalId') as MatchKey;
	if (!Object.prototype.hasOwnProperty.call(MATCH_KEYS, key)) {
		throw new NodeOperationError(
			state.client.node,
			`Match On must be External ID, Username or Email, got ${JSON.stringify(key)}`,
			{ itemIndex },
		);
	}
	if (key === 'userExternalId') return { key };
	const { label, lookup } = MATCH_KEYS[key];
	if (isBlank(values[key])) {
		throw new NodeOperationError(
			state.client.node,
			`${label} is required when Match On is ${label}`,
			{
				itemIndex,
				description:
					key === 'email'
						? 'Add Email under Additional Fields (for example {{ $json.email }}): the user is matched on it.'
						: `Fill in "${label}": the user is matched on it.`,
			},
		);
	}
	return { key, find: { lookup: catalogOp(lookup), values: { [key]: values[key] } } };
}

/** Refuses create-only fields given in Additional Fields (by an older workflow, or an expression). */
function refuseCreateOnly(state: ExecutionState, itemIndex: number): void {
	const fields = state.parameters.get(collectionOf(upsertSpec).name, itemIndex, {}) as IDataObject;
	const given = CREATE_ONLY.filter(
		(name) =>
			!isBlank(fields[name]) &&
			!(typeof fields[name] === 'object' && Object.keys(fields[name] as object).length === 0),
	);
	if (given.length === 0) return;
	const labels = given.map((name) => labelOf(catalogParam(create, name)));
	throw new NodeOperationError(
		state.ctx.getNode(),
		`Create or Update cannot set ${labels.join(', ')}`,
		{
			itemIndex,
			description: `IDaaS cannot change ${labels.join(', ')} of an existing user (PatchUser has no such fields), so they would be ignored whenever the user exists. Remove them from Additional Fields; set them with User → Create or Update Password.`,
		},
	);
}

const SIMPLE_FIELDS = [
	'username',
	'displayName',
	'email',
	'emailVerified',
	'phoneRegion',
	'phoneNumber',
	'phoneNumberVerified',
];

/** The PATCH body: only what differs from the stored user, with the flags the API pairs with it. */
function changesOf(current: IDataObject, wanted: Record<string, unknown>): Record<string, unknown> {
	const changes = differingFields(current, wanted, SIMPLE_FIELDS);
	if ('email' in changes) changes.emailVerified = wanted.emailVerified ?? true;
	if ('phoneNumber' in changes || 'phoneRegion' in changes) {
		Object.assign(changes, {
			phoneRegion: wanted.phoneRegion,
			phoneNumber: wanted.phoneNumber,
			phoneNumberVerified: wanted.phoneNumberVerified ?? true,
		});
	}
	const stored = new Map(
		(Array.isArray(current.customFields) ? (current.customFields as IDataObject[]) : []).map(
			(f) => [String(f.fieldName), String(f.fieldValue ?? '')],
		),
	);
	const custom = (Array.isArray(wanted.customFields) ? (wanted.customFields as IDataObject[]) : [])
		.filter((f) => stored.get(String(f.fieldName)) !== String(f.fieldValue ?? ''))
		.map((f) => ({ ...f, operation: 'replace' }));
	if (custom.length > 0) changes.customFields = custom;
	return changes;
}

async function upsertUser(state: ExecutionState, itemIndex: number): Promise<IDataObject[]> {
	const { client } = state;
	refuseCreateOnly(state, itemIndex);
	const values = await readValues(state, upsertSpec, itemIndex);
	const { key, find } = matchKeyOf(state, values, itemIndex);
	// Access rules: a matched rule's unit is the primary unit; its groups are set after the user is.
	const rules = await readRules(state, itemIndex);
	const access = rules.length > 0 ? accessOf(state, rules, itemIndex) : undefined;
	if (access?.unit) values.primaryOrganizationalUnitId = access.unit.id;
	const match = await createOrGet(client, target, values, itemIndex, find);
	/** The managed groups the person joins or leaves (a joiner has none yet; a mover's are GetUser's). */
	const withAccess = async (json: IDataObject): Promise<IDataObject> => {
		if (!access) return json;
		const current =
			'created' in match
				? []
				: ((match.current.groups as IDataObject[] | undefined) ?? []).map((g) => String(g.groupId));
		const changes = groupChanges(access, new Set(current));
		const accessRules = await applyGroupChanges(
			state,
			String(json.userId),
			access,
			changes,
			itemIndex,
			true,
		);
		const changed = changes.add.length + changes.remove.length > 0;
		return {
			...json,
			...(changed && json.action === 'unchanged' ? { action: 'updated' } : {}),
			accessRules,
		};
	};
	// Which key found the user (null: none did, so it was created), beside what changed.
	const item = async (changes: { changedFields: string[]; previous: IDataObject }) => {
		const { action, ...rest } = upsertItem(target, match, changes);
		return await withAccess({ action, matchedOn: 'created' in match ? null : key, ...rest });
	};
	if ('created' in match) return [await item({ changedFields: [], previous: {} })];

	const { id: userId, current } = match;
	const changes = await patchChanges(client, target, match, changesOf(current, values), itemIndex);
	const from = current.primaryOrganizationalUnitId;
	const to = values.primaryOrganizationalUnitId;
	if (typeof to === 'string' && to !== from) {
		await client.call(move, { userId, organizationalUnitId: to }, { itemIndex });
		changes.changedFields.push('primaryOrganizationalUnitId');
		if (from !== undefined) changes.previous.primaryOrganizationalUnitId = from;
	}
	return [await item(changes)];
}

export const userUpsert = upsertOperation('user', 'a user', upsertFields(), upsertUser);
