import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { IdKind, OperationSpec, ParamSpec, Resource } from '../catalog';
import { ID_NOUN, ID_PREFIX } from '../catalog';
import { labelOf, withArticle } from '../request/validation';
import { placementOf } from './properties';

/**
 * What an AI agent's model reads about each operation, written from the catalog in this one place.
 *
 * n8n describes a node used as a tool (Tool Description "Set Automatically") as
 * `${option.action} in ${defaults.name}`, taking `action` from the first `operation` property whose
 * displayOptions name the resource (n8n-workflow node-helpers `makeDescription` /
 * `resolveResourceAndOperation`, the same in 2.8 and 2.41:
 * https://github.com/n8n-io/n8n/blob/master/packages/workflow/src/node-helpers.ts). That `action` is
 * also the nodes panel's text for the operation, which must stay short. So each resource gets one
 * more `operation` property, first in the list and never displayed (no node has version 0): the
 * nodes panel and the editor skip it (they check `@version`), n8n's tool description reads it.
 * Should n8n ever check displayOptions there too, models get the short panel text instead.
 */

/** How the model is told to write an ID. */
function idFormat(kind: IdKind, list: boolean): string {
	return list ? `${ID_NOUN[kind]} IDs, ${ID_PREFIX[kind]}…` : `${withArticle(ID_NOUN[kind])} ID, ${ID_PREFIX[kind]}…`;
}

/**
 * The fields the node shows at the top (the ones a workflow author hands to the model), each with
 * its ID format; for lists also the optional ID filters.
 */
function inputs(op: OperationSpec): string[] {
	const describe = (param: ParamSpec) => (param.idKind ? `${labelOf(param)}: ${idFormat(param.idKind, param.valueType === 'stringList')}` : labelOf(param));
	const top = op.params.filter((param) => placementOf(op, param) === 'top' && !param.requiredWith?.includes('='));
	const filters = op.response === 'list' ? op.params.filter((param) => placementOf(op, param) === 'collection' && param.idKind) : [];
	return [...top.map(describe), ...filters.map((param) => `optional ${describe(param)}`)];
}

const ID_KEYS: Record<string, IdKind> = { userId: 'user', organizationalUnitId: 'organizationalUnit', groupId: 'group' };

function returns(op: OperationSpec): string {
	const noun = op.subject ? ID_NOUN[op.subject] : undefined;
	if (op.response === 'none') return 'returns success: true';
	if (op.responseKey && op.response !== 'list') {
		const kind = ID_KEYS[op.responseKey];
		return `returns ${op.responseKey}${kind ? `: ${ID_PREFIX[kind]}…` : ''}`;
	}
	if (op.response === 'list') return noun ? `returns a list of ${noun}s with their IDs` : 'returns a list';
	const what = `returns ${op.toolReturns ?? (noun ? `the ${noun} with its ID` : 'the answer of IDaaS')}`;
	const secrets = op.hooks?.secrets;
	if (!secrets) return what;
	// The last segment names a secret well enough (accessKeySecret, jwtValue); the full paths are long.
	const names = [...new Set(secrets.fields.map((field) => field.split('.').pop()))];
	return `${what}; ${names.join(', ')} read [redacted] unless "${secrets.optIn.displayName}" is on in the node`;
}

/** The text a model reads for one catalog operation (before n8n adds " in Alibaba Cloud IDaaS"). */
export function toolText(op: OperationSpec): string {
	return `${op.panelText} (${[...inputs(op), returns(op)].join('; ')})`;
}

/**
 * The never-displayed `operation` property holding the model's texts of one resource's options
 * (catalog operations, and composed ones with theirs).
 */
export function toolTextProperty(resource: Resource, options: ReadonlyArray<INodePropertyOptions & { toolText: string }>): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource], '@version': [0] } },
		options: options.map(({ name, value, toolText: text }) => ({ name, value, action: text })),
		// Never displayed, so never resolved: no default applies.
		default: '',
	};
}
