import type { INodeProperties } from 'n8n-workflow';

import { resourceProperties } from '../../shared/properties';

export const groupProperties: INodeProperties[] = resourceProperties('group');
