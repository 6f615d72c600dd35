import type { INodeProperties } from 'n8n-workflow';

import { resourceProperties } from '../../shared/properties';

export const applicationProperties: INodeProperties[] = resourceProperties('application');
