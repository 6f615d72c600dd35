import type { INodeProperties } from 'n8n-workflow';

import type { IdKind, OperationSpec, ParamSpec, Resource } from '../catalog';
import { ID_NOUN, ID_PREFIX, labelOf, placementOf, withArticle } from '../catalog';

/**
 * What an AI agent's model reads about each operation, written from the catalog in this one place.
 *
 * n8n's own "Set Automatically" describes a tool as `${option.action} in ${defaults.name}`, and
 * names a node added from the nodes panel after the same `action` (n8n-workflow node-helpers
 * `makeDescription`, `makeNodeName`, both through `resolveResourceAndOperation`:
 * https://github.com/n8n-io/n8n/blob/master/packages/workflow/src/node-helpers.ts). `action` must
 * stay short: it names nodes, and a node's name is the tool's name, which OpenAI caps at 64
 * characters. So `action` stays the panel text, and the tool variant (`@tool` in displayOptions)
 * brings its own Tool Description: n8n adds no descriptionType/toolDescription pair to a node that
 * has a `toolDescription` (cli `convertNodeToAiTool`), and `getToolDescriptionForNode` hands the
 * model `toolDescription` unless descriptionType is n8n's 'auto'. One `toolDescription` per
 * operation, each defaulting to that operation's text: a default n8n resolves per operation and
 * never stores, so the text follows the operation the user picks.
 */

/** The automatic choice; any value but n8n's 'auto', which would describe the tool from `action` alone. */
const FROM_OPERATION = 'operation';

/** How the model is told to write an ID. */
function idFormat(kind: IdKind, list: boolean): string {
	return list
		? `${ID_NOUN[kind]} IDs, ${ID_PREFIX[kind]}…`
		: `${withArticle(ID_NOUN[kind])} ID, ${ID_PREFIX[kind]}…`;
}

/**
 * The fields the node shows at the top (the ones a workflow author hands to the model), each with
 * its ID format; for lists also the optional ID filters.
 */
function inputs(op: OperationSpec): string[] {
	const describe = (param: ParamSpec) =>
		param.idKind
			? `${labelOf(param)}: ${idFormat(param.idKind, param.valueType === 'stringList')}`
			: labelOf(param);
	const top = op.params.filter(
		(param) => placementOf(op, param) === 'top' && !param.requiredWith?.includes('='),
	);
	const filters =
		op.response === 'list'
			? op.params.filter((param) => placementOf(op, param) === 'collection' && param.idKind)
			: [];
	return [...top.map(describe), ...filters.map((param) => `optional ${describe(param)}`)];
}

const ID_KEYS: Record<string, IdKind> = {
	userId: 'user',
	organizationalUnitId: 'organizationalUnit',
	groupId: 'group',
};

function returns(op: OperationSpec): string {
	const noun = op.subject ? ID_NOUN[op.subject] : undefined;
	if (op.response === 'none') return 'returns success: true';
	if (op.responseKey && op.response !== 'list') {
		const kind = ID_KEYS[op.responseKey];
		return `returns ${op.responseKey}${kind ? `: ${ID_PREFIX[kind]}…` : ''}`;
	}
	if (op.response === 'list')
		return noun ? `returns a list of ${noun}s with their IDs` : 'returns a list';
	const what = `returns ${op.toolReturns ?? (noun ? `the ${noun} with its ID` : 'the answer of IDaaS')}`;
	const secrets = op.hooks?.secrets;
	if (!secrets) return what;
	// The last segment names a secret well enough (accessKeySecret, jwtValue); the full paths are long.
	const names = [...new Set(secrets.fields.map((field) => field.split('.').pop()))];
	return `${what}; ${names.join(', ')} read [redacted] unless "${secrets.optIn.displayName}" is on in the node`;
}

/** The text a model reads for one catalog operation. */
export function toolText(op: OperationSpec): string {
	return describedIn(`${op.panelText} (${[...inputs(op), returns(op)].join('; ')})`);
}

/** The text a model reads for an operation composed of several calls, from its panel text. */
export function composedToolText(action: string): string {
	return describedIn(`${action} (creates it, or updates the one that already exists)`);
}

/** Where, as n8n's own tool descriptions end. */
function describedIn(text: string): string {
	return `${text} in Alibaba Cloud IDaaS`;
}

export interface ToolText {
	resource: Resource;
	operation: string;
	text: string;
}

/** The tool variant's Tool Description: automatic (the operation's text) or the user's own, prefilled with it. */
export function toolDescriptionProperties(texts: readonly ToolText[]): INodeProperties[] {
	const onTool = { '@tool': [true] };
	const perOperation = (
		mode: string,
		field: Omit<INodeProperties, 'name' | 'default' | 'displayOptions'>,
	) =>
		texts.map(
			({ resource, operation, text }): INodeProperties => ({
				...field,
				name: 'toolDescription',
				default: text,
				displayOptions: {
					show: {
						...onTool,
						descriptionType: [mode],
						resource: [resource],
						operation: [operation],
					},
				},
			}),
		);
	return [
		{
			displayName: 'Tool Description',
			name: 'descriptionType',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: onTool },
			options: [
				{
					name: 'Set Automatically',
					value: FROM_OPERATION,
					description: 'What the operation does, the IDs it takes and what it returns',
				},
				{
					name: 'Set Manually',
					value: 'manual',
					description: 'Write the description yourself, starting from the automatic one',
				},
			],
			default: FROM_OPERATION,
		},
		...perOperation(FROM_OPERATION, { displayName: 'Description', type: 'hidden' }),
		...perOperation('manual', {
			displayName: 'Description',
			type: 'string',
			typeOptions: { rows: 3 },
			required: true,
			description:
				'Explain to the model what this tool does: a specific description makes it call the tool the right way more often',
		}),
	];
}
