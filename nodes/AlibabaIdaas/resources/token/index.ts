import type { INodeProperties } from 'n8n-workflow';

import { resourceProperties, showFor } from '../../shared/properties';

/**
 * Token: Generate, Revoke, Generate Device Code. The client ID and secret always come from the
 * credential. Issued tokens are redacted in the output unless the user opts in, because output
 * is stored with the execution and shown to anyone who can open it.
 */
const generate = { resource: 'token', operation: 'generate' };

const tokenOutputFields: INodeProperties[] = [
	{
		displayName: 'Include Token Values',
		name: 'includeTokenValues',
		type: 'boolean',
		default: false,
		description:
			'Whether to output the issued access, refresh and ID tokens. Off: they are replaced by [redacted] and only their type and lifetime are shown.',
		displayOptions: showFor(generate),
	},
	{
		displayName:
			'The issued tokens will be stored in the execution data and visible to anyone who can open this workflow\'s executions. Turn this off unless a later node needs them.',
		name: 'tokenNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...showFor(generate).show, includeTokenValues: [true] } },
	},
];

export const tokenProperties: INodeProperties[] = resourceProperties('token', [], tokenOutputFields);
