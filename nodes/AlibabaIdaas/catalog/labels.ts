import type { ParamSpec } from './types';

/**
 * How a parameter is named to people: the editor's label, which error messages and the AI tool
 * texts repeat, so that a message names the field the user sees.
 */

const labels = new WeakMap<ParamSpec, string>();

/** The editor label of a parameter; cached, as it is asked for every value of every item. */
export function labelOf(param: ParamSpec): string {
	let label = labels.get(param);
	if (label === undefined) {
		const words = (param.displayName ?? param.name)
			.replace(/_/g, ' ')
			.replace(/([a-z])([A-Z])/g, '$1 $2')
			.replace(/\bId\b/g, 'ID');
		label = param.displayName ?? words.charAt(0).toUpperCase() + words.slice(1);
		labels.set(param, label);
	}
	return label;
}

/** "a group", "an organizational unit". */
export function withArticle(noun: string): string {
	// "a user": the u of user sounds like a consonant; the other ID nouns start with a, i or o.
	return `${/^[aeio]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}
