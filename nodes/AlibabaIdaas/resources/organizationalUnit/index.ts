import type { INodeProperties } from 'n8n-workflow';

import { resourceProperties } from '../../shared/properties';
import { upsertOrganizationalUnitFields, upsertOrganizationalUnitOperation } from './upsert';

/** Organizational unit: every catalog operation, plus Create or Update (by external ID). */
export const organizationalUnitProperties: INodeProperties[] = resourceProperties(
	'organizationalUnit',
	[upsertOrganizationalUnitOperation],
	upsertOrganizationalUnitFields,
);
