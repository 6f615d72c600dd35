import type { OperationSpec, ParamSpec } from '../../nodes/AlibabaIdaas/catalog';
import { CATALOG, ID_PREFIX, labelOf } from '../../nodes/AlibabaIdaas/catalog';
import {
	Field,
	ParameterError,
	buildRequest,
	requiredWithMet,
} from '../../nodes/AlibabaIdaas/request/build';
import type { Random } from '../support/random';
import { createRandom, hostileValue, seedFromEnv } from '../support/random';

/**
 * Every operation of the catalog, three ways:
 * - valid: values built from each parameter's rules (ID prefix, format, enum, range, length,
 *   "required when"); each must become a request, whose path has no unescaped segment, whose query
 *   and body hold only catalog parameters and every required one, and which is valid JSON.
 *   Every operation must get valid requests (counted per operation below).
 * - one field broken: a valid set with exactly one value breaking one rule (an e-mail, phone or
 *   username format, a number out of range, an enum, an ID prefix, a length, a required value
 *   left out); it must be refused with a ParameterError naming that field, before any request
 *   exists. Deleting a format or range check fails this part.
 * - hostile: random and malformed values for every parameter; each attempt ends in a request as
 *   above or a ParameterError naming one of the operation's fields. Nothing else may throw.
 */

const connection = {
	baseUrl: 'https://idaas.example.com',
	instanceId: 'idaas_fuzz',
	applicationId: 'app_fuzz',
};
const ROUNDS_PER_OPERATION = 100;
const seed = seedFromEnv('FUZZ_SEED');

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function chars(random: Random, alphabet: string, min: number, max: number): string {
	return Array.from(
		{ length: random.int(min, max) },
		() => alphabet[random.int(0, alphabet.length - 1)],
	).join('');
}

/** A string the catalog accepts for `param`. */
function validText(random: Random, param: ParamSpec): string {
	const max = param.maxLength ?? 64;
	if (param.enum) return random.pick(param.enum);
	if (param.idKind)
		return (
			ID_PREFIX[param.idKind] +
			chars(random, `${ALNUM}_-`, 4, Math.min(24, max - ID_PREFIX[param.idKind].length))
		);
	if (param.in === 'path') return chars(random, `${ALNUM}_-`, 1, 24);
	switch (param.format) {
		case 'email':
			return `${chars(random, `${ALNUM}._+-`, 1, 12)}@${chars(random, ALNUM, 1, 10)}.${chars(random, 'abcdefghijklmnopqrstuvwxyz', 2, 6)}`;
		case 'phoneNumber':
			return chars(random, '0123456789', 6, 15);
		case 'phoneRegion':
			return chars(random, '0123456789', 1, 4);
		case 'username':
			return chars(random, `${ALNUM}_.@-`, 1, Math.min(40, max));
	}
	// Free text: letters, spaces, punctuation and non-Latin script, trimmed as the node trims it.
	return (
		`${chars(random, ALNUM, 1, 1)}${chars(random, `${ALNUM} .,:;!?'"/名字é`, 0, Math.min(40, max) - 1)}`.trim() ||
		'x'
	);
}

/** A value the catalog accepts for `param`, in one of the shapes users and expressions give. */
function validValue(random: Random, param: ParamSpec): unknown {
	switch (param.valueType) {
		case 'string':
			return validText(random, param);
		case 'integer': {
			const min = param.min ?? 0;
			const value = random.int(min, param.max ?? min + 10_000);
			return random.chance(0.2) ? String(value) : value;
		}
		case 'boolean':
			return random.chance(0.5);
		case 'stringList': {
			const entry = { ...param, valueType: 'string' as const, maxLength: undefined };
			const list = Array.from({ length: random.int(1, 3) }, () => validText(random, entry));
			return random.chance(0.3) && !param.enum ? list.join(',') : list;
		}
		case 'object':
			if (param.mapValues) return { [chars(random, ALNUM, 1, 8)]: chars(random, ALNUM, 1, 8) };
			return validValues(random, param.fields ?? []);
		case 'objectList':
			return Array.from({ length: random.int(1, 2) }, () =>
				validValues(random, param.fields ?? []),
			);
	}
}

/** Every required parameter, some optional ones, and whatever their "required when" conditions then ask for. */
function validValues(random: Random, params: readonly ParamSpec[]): Record<string, unknown> {
	const values: Record<string, unknown> = {};
	for (const param of params) {
		if (param.required || (!param.requiredWith && random.chance(0.6)))
			values[param.name] = validValue(random, param);
	}
	for (const param of params) {
		if (
			param.requiredWith &&
			values[param.name] === undefined &&
			(requiredWithMet(param.requiredWith, values) || random.chance(0.3))
		) {
			values[param.name] = validValue(random, param);
		}
	}
	return values;
}

/** Every way to break one top-level parameter's rules, each with a name for the count (none when it has none). */
function breakings(random: Random, param: ParamSpec): Array<{ rule: string; value: unknown }> {
	const rules: Array<{ rule: string; value: unknown }> = [];
	if (param.required)
		rules.push({ rule: 'required', value: random.pick([undefined, '', '  ', []]) });
	if (param.valueType === 'string' || (param.valueType === 'stringList' && !param.enum)) {
		const list = (value: string) => (param.valueType === 'stringList' ? [value] : value);
		if (param.format === 'email')
			rules.push({
				rule: 'email format',
				value: list(
					random.pick([
						'jane',
						'jane@',
						'@example.com',
						'jane@example',
						'ja ne@example.com',
						'jane@exa_mple.com',
					]),
				),
			});
		if (param.format === 'phoneNumber')
			rules.push({
				rule: 'phone format',
				value: list(
					random.pick(['12345', '1234567890123456', '138-0000-0000', '+8613800000000', 'phone']),
				),
			});
		if (param.format === 'phoneRegion')
			rules.push({ rule: 'phone region format', value: list(random.pick(['+86', '12345', 'cn'])) });
		if (param.format === 'username')
			rules.push({
				rule: 'username format',
				value: list(random.pick(['jane doe', 'jane/doe', 'jane#1', 'jäne', 'jane!'])),
			});
		if (param.enum) rules.push({ rule: 'enum', value: list('not_an_option') });
		if (param.idKind)
			rules.push({ rule: 'ID prefix', value: list(`zz_${chars(random, ALNUM, 4, 12)}`) });
		if (param.idKind || param.in === 'path')
			rules.push({
				rule: 'ID alphabet',
				value: list(`${param.idKind ? ID_PREFIX[param.idKind] : ''}a/b`),
			});
		if (param.maxLength !== undefined && param.valueType === 'string')
			rules.push({ rule: 'length', value: 'a'.repeat(param.maxLength + 1) });
	}
	if (param.valueType === 'integer') {
		if (param.min !== undefined)
			rules.push({ rule: 'minimum', value: param.min - random.int(1, 1000) });
		if (param.max !== undefined)
			rules.push({ rule: 'maximum', value: param.max + random.int(1, 1000) });
		rules.push({ rule: 'whole number', value: random.pick([1.5, 'ten', true]) });
	}
	if (param.valueType === 'boolean')
		rules.push({ rule: 'boolean', value: random.pick(['yes', 1, 'TRUE']) });
	return rules;
}

/** Builds the request and checks its shape; the problems found, none when it is sound. */
function checkRequest(op: OperationSpec, values: Record<string, unknown>): void {
	const request = buildRequest(op, values, connection);
	const problems: string[] = [];
	const url = new URL(request.url);
	if (url.origin !== connection.baseUrl || url.search !== '' || url.hash !== '')
		problems.push(`URL ${request.url}`);
	const templateSegments = op.path.split('/');
	const segments = request.url.slice(connection.baseUrl.length).split('/');
	if (segments.length !== templateSegments.length) problems.push(`segments ${request.url}`);
	segments.forEach((segment, index) => {
		const template = templateSegments[index] ?? '';
		if (template.startsWith('{') ? !/^[A-Za-z0-9_-]+$/.test(segment) : segment !== template)
			problems.push(`segment ${index}: ${segment}`);
	});
	const names = new Set(op.params.map((p) => p.name));
	for (const key of [
		...Object.keys(request.qs),
		...Object.keys(request.body ?? {}),
		...Object.keys(request.form ?? {}),
	]) {
		if (!names.has(key)) problems.push(`not a catalog parameter: ${key}`);
	}
	try {
		JSON.stringify(request.body);
	} catch {
		problems.push('body is not JSON');
	}
	for (const param of op.params.filter((p) => p.required && p.in !== 'path')) {
		// Operations sent as a form (sendAs) carry every non-path parameter there.
		const where = op.sendAs
			? (request.form ?? {})
			: param.in === 'query'
				? request.qs
				: (request.body ?? {});
		if (where[param.name] === undefined) problems.push(`required ${param.name} missing`);
	}
	if (problems.length > 0) throw new Error(problems.join('; '));
}

/** The ParameterError `build` throws; fails the test when it throws anything else or nothing. */
function refusal(build: () => unknown, label: () => string): ParameterError {
	let thrown: unknown;
	try {
		build();
	} catch (error) {
		thrown = error;
	}
	if (!(thrown instanceof ParameterError))
		expect({ label: label(), error: String(thrown) }).toEqual({
			label: label(),
			error: 'a ParameterError',
		});
	return thrown as ParameterError;
}

/** The top-level parameter a field error names ("Credential Content: API Key (credentialContent.apiKey)" names credentialContent). */
function namedParam(error: ParameterError): string {
	if (!(error.field instanceof Field)) expect(error.field).toBeInstanceOf(Field);
	const field = error.field as Field;
	// The message names the field as the editor labels it, and its key.
	if (!error.message.includes(field.toString())) expect(error.message).toContain(field.toString());
	return field.key.split(/[.[]/)[0];
}

describe(`request fuzzing (seed ${seed}, FUZZ_SEED to replay)`, () => {
	const counts = new Map<
		string,
		{
			valid: number;
			broken: number;
			hostileBuilt: number;
			hostileRefused: number;
			rules: Set<string>;
		}
	>();

	afterAll(() => {
		const rows = [...counts].map(
			([name, c]) =>
				`${name}: ${c.valid} valid, ${c.broken} broken (${[...c.rules].sort().join(', ')}), hostile ${c.hostileBuilt} built / ${c.hostileRefused} refused`,
		);
		console.log(
			`request fuzz, ${ROUNDS_PER_OPERATION} rounds per operation and kind:\n${rows.join('\n')}`,
		);
	});

	it.each(CATALOG.map((op) => [op.apiName, op] as const))('%s', (name, op) => {
		const random = createRandom(
			seed ^ [...name].reduce((hash, c) => Math.imul(hash, 31) + c.charCodeAt(0), 7),
		);
		const count = {
			valid: 0,
			broken: 0,
			hostileBuilt: 0,
			hostileRefused: 0,
			rules: new Set<string>(),
		};
		counts.set(name, count);
		for (let round = 0; round < ROUNDS_PER_OPERATION; round++) {
			const values = validValues(random, op.params);
			const label = () => `${name} round ${round}: ${JSON.stringify(values).slice(0, 400)}`;
			try {
				checkRequest(op, values);
			} catch (error) {
				expect({ label: label(), refused: (error as Error).message }).toEqual({
					label: label(),
					refused: undefined,
				});
			}
			count.valid++;

			// Round by round through every (field, rule) pair, so every rule is broken whatever the seed; the values are random.
			const breakable = op.params.flatMap((param) =>
				breakings(random, param).map((broken) => ({ param, broken })),
			);
			if (breakable.length > 0) {
				const { param, broken } = breakable[round % breakable.length];
				const { rule, value } = broken;
				const bad = { ...values, [param.name]: value };
				// The fields a given value makes required (a phone number's region) are given too, validly.
				for (const other of op.params) {
					if (
						other.requiredWith &&
						bad[other.name] === undefined &&
						requiredWithMet(other.requiredWith, bad)
					)
						bad[other.name] = validValue(random, other);
				}
				const error = refusal(
					() => buildRequest(op, bad, connection),
					() => `${label()}; ${param.name} breaks ${rule}: ${JSON.stringify(value)?.slice(0, 80)}`,
				);
				const named = namedParam(error);
				if (named !== param.name || !error.message.includes(labelOf(param))) {
					expect({ label: label(), rule, named, message: error.message }).toEqual({
						label: label(),
						rule,
						named: param.name,
						message: expect.stringContaining(labelOf(param)),
					});
				}
				count.broken++;
				count.rules.add(rule);
			}

			const hostile: Record<string, unknown> = {};
			for (const param of op.params)
				if (random.chance(0.8)) hostile[param.name] = hostileValue(random);
			let built = true;
			try {
				buildRequest(op, hostile, connection);
			} catch (error) {
				built = false;
				if (!(error instanceof ParameterError)) expect(error).toBeInstanceOf(ParameterError);
				const named = namedParam(error as ParameterError);
				if (!op.params.some((p) => p.name === named))
					expect(op.params.map((p) => p.name)).toContain(named);
				count.hostileRefused++;
			}
			if (built) {
				try {
					checkRequest(op, hostile);
				} catch (error) {
					expect({
						hostile: JSON.stringify(hostile).slice(0, 400),
						problems: (error as Error).message,
					}).toEqual({ problems: undefined });
				}
				count.hostileBuilt++;
			}
		}
		// Every operation builds a valid request every round, and every rule it has is broken at least once.
		expect(count.valid).toBe(ROUNDS_PER_OPERATION);
		const rulesOf = new Set(
			op.params.flatMap((param) => breakings(createRandom(0), param).map(({ rule }) => rule)),
		);
		expect([...count.rules].sort()).toEqual([...rulesOf].sort());
	});
});
