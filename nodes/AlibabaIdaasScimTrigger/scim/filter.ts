import type { IDataObject } from 'n8n-workflow';

import { badRequest } from './errors';

/**
 * SCIM filters (RFC 7644 §3.4.2.2, https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2.2): the
 * comparisons a provisioning client sends before it creates or updates (`userName eq "…"`,
 * `externalId eq "…"`, `emails[type eq "work"].value eq "…"`, `displayName eq "…"`), joined with
 * `and` / `or`, grouped with parentheses, negated with `not`. Attribute names compare
 * case-insensitively (RFC 7643 §2.1); string values too, except the case-exact attributes
 * (`id`, `externalId`, RFC 7643 §4.1 and §3.1).
 */

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
type Literal = string | number | boolean | null;

/** An attribute path: `name`, `name.sub`, or `name[filter].sub` (a value filter on a multi-valued attribute). */
export interface AttrPath {
	/** An extension schema's URN (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`); core attributes have none. */
	schema?: string;
	attr: string;
	valueFilter?: Filter;
	sub?: string;
}

export type Filter =
	| { kind: 'compare'; path: AttrPath; op: CompareOp; value: Literal }
	| { kind: 'present'; path: AttrPath }
	| { kind: 'and' | 'or'; left: Filter; right: Filter }
	| { kind: 'not'; filter: Filter };

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const CASE_EXACT = new Set(['id', 'externalid']);

type Token = { t: 'word' | 'string' | 'punct'; v: string };

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (/\s/.test(c)) {
			i++;
		} else if (c === '"') {
			// A JSON string (RFC 7644 §3.4.2.2: "a JSON string"), escapes included.
			let j = i + 1;
			while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
			if (j >= text.length)
				throw badRequest('The filter has an unterminated string', 'invalidFilter');
			try {
				tokens.push({ t: 'string', v: JSON.parse(text.slice(i, j + 1)) as string });
			} catch {
				throw badRequest('The filter has an invalid string', 'invalidFilter');
			}
			i = j + 1;
		} else if ('()[]'.includes(c)) {
			tokens.push({ t: 'punct', v: c });
			i++;
		} else {
			const m = /^[^\s()[\]"]+/.exec(text.slice(i))!;
			// `emails[type eq "work"].value`: the `.value` after `]` is its own word starting with a dot.
			tokens.push({ t: 'word', v: m[0] });
			i += m[0].length;
		}
	}
	return tokens;
}

class Parser {
	private i = 0;

	constructor(private readonly tokens: Token[]) {}

	parse(): Filter {
		if (this.tokens.length === 0) throw badRequest('The filter is empty', 'invalidFilter');
		const filter = this.or();
		if (this.i < this.tokens.length)
			throw badRequest(`Unexpected "${this.tokens[this.i].v}" in the filter`, 'invalidFilter');
		return filter;
	}

	private peekWord(word: string): boolean {
		const token = this.tokens[this.i];
		return token?.t === 'word' && token.v.toLowerCase() === word;
	}

	private expect(punct: string): void {
		const token = this.tokens[this.i];
		if (token?.t !== 'punct' || token.v !== punct)
			throw badRequest(`Expected "${punct}" in the filter`, 'invalidFilter');
		this.i++;
	}

	private or(): Filter {
		let left = this.and();
		while (this.peekWord('or')) {
			this.i++;
			left = { kind: 'or', left, right: this.and() };
		}
		return left;
	}

	private and(): Filter {
		let left = this.unary();
		while (this.peekWord('and')) {
			this.i++;
			left = { kind: 'and', left, right: this.unary() };
		}
		return left;
	}

	private unary(): Filter {
		if (this.peekWord('not')) {
			this.i++;
			this.expect('(');
			const filter = this.or();
			this.expect(')');
			return { kind: 'not', filter };
		}
		const token = this.tokens[this.i];
		if (token?.t === 'punct' && token.v === '(') {
			this.i++;
			const filter = this.or();
			this.expect(')');
			return filter;
		}
		return this.comparison();
	}

	private comparison(): Filter {
		const path = this.attrPath();
		// A value path on its own (`members[value eq "…"]`) is a filter too: some element matches (RFC 7644 Figure 1, valuePath).
		const next = this.tokens[this.i];
		if (
			path.valueFilter &&
			!path.sub &&
			!(
				next?.t === 'word' &&
				(COMPARE_OPS.has(next.v.toLowerCase()) || next.v.toLowerCase() === 'pr')
			)
		) {
			return { kind: 'present', path };
		}
		const opToken = this.tokens[this.i++];
		const op = opToken?.t === 'word' ? opToken.v.toLowerCase() : '';
		if (op === 'pr') return { kind: 'present', path };
		if (!COMPARE_OPS.has(op))
			throw badRequest(`Unknown filter operator "${opToken?.v ?? ''}"`, 'invalidFilter');
		const valueToken = this.tokens[this.i++];
		if (!valueToken || valueToken.t === 'punct')
			throw badRequest('A filter comparison has no value', 'invalidFilter');
		return { kind: 'compare', path, op: op as CompareOp, value: literal(valueToken) };
	}

	/** `name`, `name.sub`, `name[filter]`, `name[filter].sub`. Schema URN prefixes are dropped. */
	attrPath(): AttrPath {
		const token = this.tokens[this.i++];
		if (token?.t !== 'word' || !/^[A-Za-z$:_.\d-]+$/.test(token.v))
			throw badRequest('A filter comparison has no attribute', 'invalidFilter');
		const path = splitName(token.v);
		const next = this.tokens[this.i];
		if (next?.t === 'punct' && next.v === '[') {
			if (path.sub) throw badRequest(`Invalid attribute path "${token.v}["`, 'invalidFilter');
			this.i++;
			path.valueFilter = this.or();
			this.expect(']');
			const after = this.tokens[this.i];
			if (after?.t === 'word' && after.v.startsWith('.')) {
				path.sub = after.v.slice(1);
				this.i++;
			}
		}
		return path;
	}

	atEnd(): boolean {
		return this.i >= this.tokens.length;
	}
}

/** The core schemas, whose URN before an attribute name only repeats where it already is. */
export const CORE_SCHEMAS = new Set([
	'urn:ietf:params:scim:schemas:core:2.0:user',
	'urn:ietf:params:scim:schemas:core:2.0:group',
]);

/**
 * `name.givenName` → { attr: 'name', sub: 'givenName' }; a core schema's URN prefix is dropped, an
 * extension's is kept: `urn:…:enterprise:2.0:User:employeeNumber` → { schema: 'urn:…:enterprise:2.0:User', attr: 'employeeNumber' }.
 */
export function splitName(text: string): AttrPath {
	const lastColon = text.toLowerCase().startsWith('urn:') ? text.lastIndexOf(':') : -1;
	const bare = lastColon >= 0 ? text.slice(lastColon + 1) : text;
	const prefix = lastColon >= 0 ? text.slice(0, lastColon) : '';
	const [attr, sub, ...rest] = bare.split('.');
	if (!attr || rest.length > 0 || sub === '')
		throw badRequest(`Invalid attribute path "${text}"`, 'invalidFilter');
	const path: AttrPath = { attr };
	if (prefix && !CORE_SCHEMAS.has(prefix.toLowerCase())) path.schema = prefix;
	if (sub) path.sub = sub;
	return path;
}

function literal(token: Token): Literal {
	if (token.t === 'string') return token.v;
	const word = token.v.toLowerCase();
	if (word === 'true') return true;
	if (word === 'false') return false;
	if (word === 'null') return null;
	if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(token.v)) return Number(token.v);
	throw badRequest(`Invalid filter value "${token.v}"`, 'invalidFilter');
}

export function parseFilter(text: string): Filter {
	return new Parser(tokenize(text)).parse();
}

/** A PATCH path (RFC 7644 §3.5.2): an attribute path, optionally with a value filter and a sub-attribute. */
export function parsePath(text: string): AttrPath {
	const parser = new Parser(tokenize(text));
	let path: AttrPath;
	try {
		path = parser.attrPath();
	} catch {
		throw badRequest(`Invalid path "${text}"`, 'invalidPath');
	}
	if (!parser.atEnd()) throw badRequest(`Invalid path "${text}"`, 'invalidPath');
	return path;
}

/** A property of `record` by case-insensitive name (RFC 7643 §2.1). */
export function findKey(record: IDataObject, name: string): string | undefined {
	if (name in record) return name;
	const lower = name.toLowerCase();
	return Object.keys(record).find((key) => key.toLowerCase() === lower);
}

export function getAttr(record: IDataObject, name: string): unknown {
	const key = findKey(record, name);
	return key === undefined ? undefined : record[key];
}

/** The values a path reaches in `record` (several for a multi-valued attribute), with how to compare them. */
function valuesAt(record: IDataObject, path: AttrPath): unknown[] {
	const container = path.schema ? getAttr(record, path.schema) : record;
	let values = isObject(container) ? toList(getAttr(container, path.attr)) : [];
	if (path.valueFilter) {
		const filter = path.valueFilter;
		values = values.filter((v) => isObject(v) && matches(v, filter));
	}
	if (path.sub) {
		const sub = path.sub;
		values = values.flatMap((v) => (isObject(v) ? toList(getAttr(v, sub)) : []));
	} else if (!path.valueFilter) {
		// `emails eq "x"` on a multi-valued complex attribute compares its `value` (RFC 7644 §3.4.2.2).
		values = values.map((v) => (isObject(v) && 'value' in v ? v.value : v));
	}
	return values;
}

function toList(value: unknown): unknown[] {
	if (value === undefined) return [];
	return Array.isArray(value) ? value : [value];
}

export function isObject(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compare(actual: unknown, op: CompareOp, expected: Literal, caseExact: boolean): boolean {
	if (typeof actual === 'string' && typeof expected === 'string') {
		const a = caseExact ? actual : actual.toLowerCase();
		const e = caseExact ? expected : expected.toLowerCase();
		switch (op) {
			case 'eq':
				return a === e;
			case 'ne':
				return a !== e;
			case 'co':
				return a.includes(e);
			case 'sw':
				return a.startsWith(e);
			case 'ew':
				return a.endsWith(e);
			case 'gt':
				return a > e;
			case 'ge':
				return a >= e;
			case 'lt':
				return a < e;
			case 'le':
				return a <= e;
		}
	}
	if (op === 'eq') return actual === expected;
	if (op === 'ne') return actual !== expected;
	if (typeof actual === 'number' && typeof expected === 'number') {
		if (op === 'gt') return actual > expected;
		if (op === 'ge') return actual >= expected;
		if (op === 'lt') return actual < expected;
		if (op === 'le') return actual <= expected;
	}
	return false;
}

/** `id`, `externalId` and a group's member IDs are case-exact (RFC 7643 §3.1, §4.2); everything else here is not. */
function isCaseExact(path: AttrPath): boolean {
	const attr = path.attr.toLowerCase();
	if (path.sub) return attr === 'members' && path.sub.toLowerCase() === 'value';
	return CASE_EXACT.has(attr) || attr === 'value';
}

export function matches(record: IDataObject, filter: Filter): boolean {
	switch (filter.kind) {
		case 'and':
			return matches(record, filter.left) && matches(record, filter.right);
		case 'or':
			return matches(record, filter.left) || matches(record, filter.right);
		case 'not':
			return !matches(record, filter.filter);
		case 'present':
			return valuesAt(record, filter.path).some(
				(v) => v !== null && v !== '' && !(Array.isArray(v) && v.length === 0),
			);
		case 'compare': {
			const values = valuesAt(record, filter.path);
			const caseExact = isCaseExact(filter.path);
			// `ne` holds when no value equals; the other operators when any value satisfies them.
			if (filter.op === 'ne') return !values.some((v) => compare(v, 'eq', filter.value, caseExact));
			return values.some((v) => compare(v, filter.op, filter.value, caseExact));
		}
	}
}
