import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { catalogOp } from '../catalog';
import type { ExecutionState } from './execution';
import type { NamedGroup, NamedUnit } from '../request/directoryNames';
import { directoryNames } from '../request/directoryNames';
import { isBlank } from '../request/build';

/**
 * Access rules (role-based access for joiners and movers): "when the item's field X equals V (or
 * matches a pattern), the person belongs to groups G… and, optionally, unit U". The groups the
 * rules name are the groups they manage: a person gets the groups of every rule they match and
 * loses the managed groups of rules they no longer match; groups no rule names are never touched.
 * Groups and units are given by ID (group_…, ou_…) or by name (a unit also by path), resolved
 * once per execution (request/directoryNames.ts).
 */

const addUsers = catalogOp('AddUsersToGroup');
const removeUsers = catalogOp('RemoveUsersFromGroup');

export function accessRulesField(
	show: NonNullable<INodeProperties['displayOptions']>['show'],
): INodeProperties {
	return {
		displayName: 'Access Rules',
		name: 'accessRules',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Rule',
		default: {},
		description:
			"Groups (and a unit) a person belongs to by a field of the input item, e.g. department equals Sales → group Sales Team. The rules' groups are the ones they manage: a mover leaves the managed groups of rules they no longer match, and groups no rule names are never touched.",
		displayOptions: { show },
		options: [
			{
				displayName: 'Rule',
				name: 'rule',
				values: [
					{
						displayName: 'Condition',
						name: 'operator',
						type: 'options',
						options: [
							{ name: 'Equals', value: 'equals' },
							{ name: 'Matches Pattern', value: 'matches' },
						],
						default: 'equals',
						description:
							'Equals: the same text. Matches Pattern: a regular expression, e.g. ^Sales.',
					},
					{
						displayName: 'Groups',
						name: 'groups',
						type: 'string',
						default: '',
						placeholder: 'e.g. Sales Team, group_abc123',
						description: 'Groups the person then belongs to, by name or ID, separated by commas',
					},
					{
						displayName: 'Input Field',
						name: 'field',
						type: 'string',
						default: '',
						placeholder: 'e.g. department',
						description:
							'The field of the input item the rule reads (a dotted path for a nested one)',
					},
					{
						displayName: 'Organizational Unit',
						name: 'unit',
						type: 'string',
						default: '',
						placeholder: 'e.g. Acme / Sales or ou_abc123',
						description:
							'Optional: the primary unit the person then belongs in, by name, path or ID',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'The text, or the regular expression',
					},
				],
			},
		],
	};
}

interface RuleInput {
	field?: unknown;
	operator?: unknown;
	value?: unknown;
	groups?: unknown;
	unit?: unknown;
}

export interface Rule {
	label: string;
	field: string;
	test: (value: unknown) => boolean;
	groups: NamedGroup[];
	unit?: NamedUnit;
}

/** What the rules say for one person. */
export interface Access {
	/** The rules the person matches, as labels ("department equals Sales"). */
	matched: string[];
	groups: NamedGroup[];
	unit?: NamedUnit;
	/** Every group any rule names. */
	managed: NamedGroup[];
}

const LABEL = 'Access Rules';

function fail(state: ExecutionState, message: string, itemIndex: number): never {
	throw new NodeOperationError(state.ctx.getNode(), `${LABEL}: ${message}`, {
		itemIndex,
		description: `Check the "${LABEL}" field.`,
	});
}

/** The rule table of the item, checked, its groups and units resolved; empty when there is none. */
export async function readRules(state: ExecutionState, itemIndex: number): Promise<Rule[]> {
	const table = state.ctx.getNodeParameter('accessRules', itemIndex, {}) as { rule?: RuleInput[] };
	const names = directoryNames(state.client);
	const rules: Rule[] = [];
	for (const [n, input] of (table.rule ?? []).entries()) {
		const field = String(input.field ?? '').trim();
		const value = String(input.value ?? '');
		if (field === '') fail(state, `rule ${n + 1} has no Input Field`, itemIndex);
		const operator = input.operator ?? 'equals';
		let test: (v: unknown) => boolean;
		if (operator === 'equals') test = (v) => !isBlank(v) && String(v) === value;
		else if (operator === 'matches') {
			let pattern: RegExp;
			try {
				pattern = new RegExp(value);
			} catch (error) {
				fail(
					state,
					`rule ${n + 1}'s pattern ${JSON.stringify(value)} is not a regular expression (${(error as Error).message})`,
					itemIndex,
				);
			}
			test = (v) => !isBlank(v) && pattern.test(String(v));
		} else
			fail(
				state,
				`rule ${n + 1}'s Condition must be equals or matches, got ${JSON.stringify(operator)}`,
				itemIndex,
			);
		const groupNames = String(input.groups ?? '')
			.split(',')
			.map((g) => g.trim())
			.filter((g) => g !== '');
		const groups = await Promise.all(
			groupNames.map(async (g) =>
				g.startsWith('group_')
					? ((await names.group(g)) ?? { id: g, name: '' })
					: await names.groupByName(`${LABEL}: rule ${n + 1}'s Groups`, g, itemIndex),
			),
		);
		const unitText = String(input.unit ?? '').trim();
		const unit =
			unitText === ''
				? undefined
				: unitText.startsWith('ou_')
					? ((await names.unit(unitText)) ?? { id: unitText, name: '', path: '' })
					: await names.unitByNameOrPath(
							`${LABEL}: rule ${n + 1}'s Organizational Unit`,
							unitText,
							itemIndex,
						);
		if (groups.length === 0 && !unit)
			fail(state, `rule ${n + 1} gives neither groups nor a unit`, itemIndex);
		rules.push({
			label: `${field} ${operator === 'equals' ? 'equals' : 'matches'} ${value}`,
			field,
			test,
			groups,
			unit,
		});
	}
	return rules;
}

/** A field of the item by name, or by a dotted path. */
function fieldOf(json: IDataObject, path: string): unknown {
	if (path in json) return json[path];
	return path
		.split('.')
		.reduce<unknown>(
			(at, key) => (at !== null && typeof at === 'object' ? (at as IDataObject)[key] : undefined),
			json,
		);
}

/** What the rules give the person of this item. Two matched rules naming different units is an error. */
export function accessOf(state: ExecutionState, rules: Rule[], itemIndex: number): Access {
	const json = state.ctx.getInputData()[itemIndex]?.json ?? {};
	const matched = rules.filter((rule) => rule.test(fieldOf(json, rule.field)));
	const units = [
		...new Map(
			matched.flatMap((rule) => (rule.unit ? [[rule.unit.id, rule.unit] as const] : [])),
		).values(),
	];
	if (units.length > 1)
		fail(
			state,
			`the person matches rules naming ${units.length} units (${units.map((u) => u.id).join(', ')}); only one can be primary`,
			itemIndex,
		);
	const unique = (groups: NamedGroup[]) => [...new Map(groups.map((g) => [g.id, g])).values()];
	return {
		matched: matched.map((rule) => rule.label),
		groups: unique(matched.flatMap((rule) => rule.groups)),
		unit: units[0],
		managed: unique(rules.flatMap((rule) => rule.groups)),
	};
}

/** The managed groups a person joins and leaves. */
export interface GroupChanges {
	add: NamedGroup[];
	remove: NamedGroup[];
}

/** The managed groups to add and to remove, given the person's current groups. */
export function groupChanges(access: Access, current: ReadonlySet<string>): GroupChanges {
	const wanted = new Set(access.groups.map((g) => g.id));
	return {
		add: access.groups.filter((g) => !current.has(g.id)),
		remove: access.managed.filter((g) => current.has(g.id) && !wanted.has(g.id)),
	};
}

const named = (groups: NamedGroup[]) => groups.map((g) => ({ groupId: g.id, groupName: g.name }));

/**
 * Sends the group changes (unless `apply` is off) and says what they were: the rules matched,
 * groups added and removed by name, and each failure with its error (the others still sent).
 */
export async function applyGroupChanges(
	state: ExecutionState,
	userId: string,
	access: Access,
	changes: GroupChanges,
	itemIndex: number,
	apply: boolean,
): Promise<IDataObject> {
	const failed: IDataObject[] = [];
	const send = async (op: typeof addUsers, group: NamedGroup, what: string) => {
		try {
			if (apply)
				await state.client.call(op, { groupId: group.id, userIds: [userId] }, { itemIndex });
		} catch (error) {
			failed.push({
				groupId: group.id,
				groupName: group.name,
				change: what,
				error: (error as Error).message,
			});
		}
	};
	await Promise.all([
		...changes.add.map(async (g) => await send(addUsers, g, 'add')),
		...changes.remove.map(async (g) => await send(removeUsers, g, 'remove')),
	]);
	return {
		rules: access.matched,
		groupsAdded: named(changes.add),
		groupsRemoved: named(changes.remove),
		...(access.unit
			? {
					organizationalUnit: {
						organizationalUnitId: access.unit.id,
						organizationalUnitName: access.unit.name,
					},
				}
			: {}),
		...(failed.length > 0 ? { failed } : {}),
	};
}
