import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { RESOURCES, getOperation, operationsOf } from './catalog';
import { organizationalUnitUpsert } from './composed/organizationalUnitUpsert';
import type { ComposedOperation } from './composed/upsert';
import { userOffboard } from './composed/userOffboard';
import { userReconcile } from './composed/userReconcile';
import { userUpsert } from './composed/userUpsert';
import { groupSetMembers } from './composed/groupSetMembers';
import type { WholeInputOperation } from './composed/wholeInput';
import { NAMES_VERSION, PICKER_VERSION } from './catalog';
import { resourceProperties, toolTexts } from './description/properties';
import { toolDescriptionProperties } from './description/toolText';
import { ExecutionState, executeOperation } from './execute';
import { getGroups } from './listSearch/getGroups';
import { getOrganizationalUnits } from './listSearch/getOrganizationalUnits';
import { getUsers } from './listSearch/getUsers';
import { errorJson } from './output/items';
import { IdaasClient } from './request/client';
import { mapWithConcurrency } from './transport/concurrency';
import { CONCURRENCY_CAP } from './transport/limiter';

/** Operations composed of several calls; everything else runs straight from the catalog. */
const COMPOSED: readonly ComposedOperation[] = [userUpsert, organizationalUnitUpsert];
/** Operations that take all items at once as a desired state (composed/wholeInput.ts). */
const WHOLE_INPUT: readonly WholeInputOperation[] = [userReconcile, groupSetMembers, userOffboard];

function extrasOf(resource: string) {
	return [...COMPOSED, ...WHOLE_INPUT].filter((c) => c.resource === resource);
}

/**
 * The canvas line under the node's name, in the words of the pickers ("Create: User", "Add Users:
 * Group", "Create or Update: User"), never the internal values. n8n evaluates it as an expression
 * over $parameter; the labels are written into it as one flat map (no "}}" inside the expression).
 */
function canvasSubtitle(): string {
	const labels: Record<string, string> = {};
	for (const { name, value } of RESOURCES) {
		for (const op of operationsOf(value)) labels[`${value}:${op.operation}`] = `${op.displayName}: ${name}`;
		for (const extra of extrasOf(value)) labels[`${value}:${extra.option.value}`] = `${extra.option.name}: ${name}`;
	}
	return `={{ (${JSON.stringify(labels)})[$parameter["resource"] + ":" + $parameter["operation"]] || $parameter["operation"] + ": " + $parameter["resource"] }}`;
}

export class AlibabaIdaas implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alibaba Cloud IDaaS',
		name: 'alibabaIdaas',
		icon: { light: 'file:alibabaIdaas.svg', dark: 'file:alibabaIdaas.dark.svg' },
		group: ['transform'],
		// 1.1: ID-list fields (group members, a user's organizational units) are pickers, and user,
		// organizational unit and group open on Get instead of Create (description/properties.ts).
		// 1.2: Add Users and Remove Users give one item per user, with names (output/names.ts).
		version: [1, PICKER_VERSION, NAMES_VERSION],
		defaultVersion: NAMES_VERSION,
		subtitle: canvasSubtitle(),
		description: 'Manage users, organizational units and groups in Alibaba Cloud IDaaS (EIAM)',
		defaults: { name: 'Alibaba Cloud IDaaS' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'alibabaIdaasApi', required: true }],
		properties: [
			...toolDescriptionProperties(RESOURCES.flatMap(({ value }) => toolTexts(value, extrasOf(value)))),
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				// Alphabetical, as n8n's UI guidelines ask (https://docs.n8n.io/integrations/creating-nodes/plan/node-ui-design/#lists).
				options: RESOURCES.map(({ name, value, description }) => ({ name, value, description })).sort((a, b) => a.name.localeCompare(b.name)),
				default: 'user',
			},
			...RESOURCES.flatMap(({ value }) => resourceProperties(value, extrasOf(value))),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Concurrency',
						name: 'concurrency',
						type: 'number',
						default: 5,
						typeOptions: { minValue: 1, maxValue: CONCURRENCY_CAP, numberPrecision: 0 },
						description: `A fixed number of requests to send at the same time (1-${CONCURRENCY_CAP}), for several input items at once or the pages of one Get Many. Without this option the node finds the number itself: it sends more while IDaaS answers quickly, and fewer when it throttles or slows down. Output order always follows the input.`,
					},
				],
			},
		],
	};

	methods = {
		listSearch: { getUsers, getOrganizationalUnits, getGroups },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const fixed = (this.getNodeParameter('options', 0, {}) as IDataObject).concurrency;
		const concurrency = fixed === undefined ? 'auto' : Number(fixed);
		if (concurrency !== 'auto' && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > CONCURRENCY_CAP)) {
			throw new NodeOperationError(this.getNode(), `Concurrency must be a whole number from 1 to ${CONCURRENCY_CAP}, got ${String(fixed)}`);
		}
		// One client for the whole run: the credential is read once, the token is shared by all
		// items, and its limiter bounds the requests in flight, from items and list pages alike.
		// Items and pages may run ahead as far as the bound could ever go; the limiter holds them.
		const width = concurrency === 'auto' ? CONCURRENCY_CAP : concurrency;
		const state = new ExecutionState(this, await IdaasClient.create(this, {}, concurrency), width);
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const wholeInput = WHOLE_INPUT.find((w) => w.resource === resource && w.option.value === operation);
		if (wholeInput) return [await wholeInput.runAll(state, items.length)];

		const perItem = await mapWithConcurrency(items.length, width, async (i) => {
			const resource = state.parameters.get('resource', i) as string;
			const operation = state.parameters.get('operation', i) as string;
			let data: IDataObject[] = [];
			let failure: unknown;
			try {
				const composed = COMPOSED.find((c) => c.resource === resource && c.option.value === operation);
				const op = getOperation(resource, operation);
				if (composed) data = await composed.run(state, i);
				else if (op) data = await executeOperation(state, op, i);
				else throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known for "${resource}"`, { itemIndex: i });
			} catch (error) {
				failure = error;
			}
			if (failure === undefined) {
				return this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(data), { itemData: { item: i } });
			}
			if (this.continueOnFail()) return [{ json: errorJson(failure), pairedItem: { item: i } }];
			if (failure instanceof NodeApiError || failure instanceof NodeOperationError) throw failure;
			throw new NodeOperationError(this.getNode(), failure as Error, { itemIndex: i });
		});
		return [perItem.flat()];
	}
}
