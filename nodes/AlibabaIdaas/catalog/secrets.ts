import type { SecretOutput } from './types';

/**
 * The PAM operations' secret response fields (stored API keys and client secrets, JWTs, outside
 * OAuth tokens, cloud STS keys) come out only when the node's Include Secret Values is on, the
 * way Generate Token's Include Token Values works.
 */
export function secretValues(fields: readonly string[], what: string): SecretOutput {
	return {
		fields,
		optIn: {
			name: 'includeSecretValues',
			displayName: 'Include Secret Values',
			description: `Whether to output ${what}. Off: each is replaced by [redacted], so the item shows where a value was withheld.`,
		},
		notice: {
			name: 'secretValuesNotice',
			text: `${what.charAt(0).toUpperCase()}${what.slice(1)} will be stored in the execution data and visible to anyone who can open this workflow's executions. Turn this off unless a later node needs them.`,
		},
	};
}
