import type { INodeProperties } from 'n8n-workflow';

import { resourceProperties } from '../../shared/properties';
import { upsertUserFields, upsertUserOperation } from './upsert';

/** User: every catalog operation of the resource, plus Create or Update (by external ID). */
export const userProperties: INodeProperties[] = resourceProperties('user', [upsertUserOperation], upsertUserFields);
