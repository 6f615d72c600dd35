import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { NAMES_VERSION, PICKER_VERSION } from './catalog';
import { canvasSubtitle, nodeProperties } from './description/nodeProperties';
import { getGroups } from './listSearch/getGroups';
import { getOrganizationalUnits } from './listSearch/getOrganizationalUnits';
import { getUsers } from './listSearch/getUsers';
import { OPERATIONS, executeNode } from './operations';

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
		subtitle: canvasSubtitle(OPERATIONS),
		description: 'Manage users, organizational units and groups in Alibaba Cloud IDaaS (EIAM)',
		defaults: { name: 'Alibaba Cloud IDaaS' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'alibabaIdaasApi', required: true }],
		properties: nodeProperties(OPERATIONS),
	};

	methods = {
		listSearch: { getUsers, getOrganizationalUnits, getGroups },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await executeNode(this)];
	}
}
