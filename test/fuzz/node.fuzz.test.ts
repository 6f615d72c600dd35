import type { INodeParameters, INodeProperties } from 'n8n-workflow';

import { getOperation, findOperation } from '../../nodes/AlibabaIdaas/catalog';
import { AlibabaIdaas } from '../../nodes/AlibabaIdaas/AlibabaIdaas.node';
import { type Env, startEnv, withLiveToken } from '../faults/support';
import type { Random } from '../support/random';
import { createRandom, hostileValue, seedFromEnv } from '../support/random';

/**
 * The whole node, inside n8n's WorkflowExecute, with random and malformed values in every field
 * of every resource/operation. Each case must end in a NodeOperationError before any request that
 * names the field to fix, a successful run, or a NodeApiError from the API that is not one of the
 * API's own parameter checks (InvalidParameter.*, MissingParameter.*: a value the node should have
 * refused before sending); never in a crash (TypeError and the like, also when wrapped). Every
 * request that reaches the emulator must match its catalog path template segment by segment, with
 * ID segments that need no escaping.
 */

const seed = seedFromEnv('FUZZ_SEED');
const CASES_PER_OPERATION = 12;
const description = new AlibabaIdaas().description;

interface Target {
	resource: string;
	operation: string;
	properties: INodeProperties[];
}

function shownFor(property: INodeProperties, resource: string, operation: string): boolean {
	const show = property.displayOptions?.show;
	if (!show) return false;
	if (show.resource && !show.resource.includes(resource)) return false;
	if (show.operation && !show.operation.includes(operation)) return false;
	return Boolean(show.resource || show.operation);
}

const TARGETS: Target[] = description.properties
	.filter((property) => property.name === 'operation')
	.flatMap((property) =>
		(property.options ?? []).map((option) => {
			const resource = String(property.displayOptions?.show?.resource?.[0]);
			const operation = String((option as { value: string }).value);
			return {
				resource,
				operation,
				properties: description.properties.filter(
					(p) => p.name !== 'operation' && shownFor(p, resource, operation),
				),
			};
		}),
	);

/** A value as the editor stores it: literal, or through an expression (which skips n8n's checks). */
function stored(random: Random, value: unknown): unknown {
	if (value === undefined || !random.chance(0.4)) return value;
	return `={{ ${JSON.stringify(value)} }}`;
}

function fieldValue(random: Random, property: INodeProperties): unknown {
	switch (property.type) {
		case 'resourceLocator':
			// Only through an expression: the editor never stores null for a locator, and n8n's own
			// parameter check (not this node) throws a TypeError on one.
			if (random.chance(0.15))
				return `={{ ${JSON.stringify(hostileValue(random)) ?? 'undefined'} }}`;
			return {
				__rl: true,
				mode: random.chance(0.8)
					? random.pick(['id', 'list', 'username', 'email'])
					: hostileValue(random),
				value: stored(random, hostileValue(random)),
			};
		case 'collection': {
			const out: Record<string, unknown> = {};
			for (const option of (property.options ?? []) as INodeProperties[]) {
				if (random.chance(0.4)) out[option.name] = fieldValue(random, option);
			}
			return random.chance(0.1) ? hostileValue(random) : out;
		}
		case 'fixedCollection': {
			const group = (property.options ?? [])[0] as
				| { name: string; values: INodeProperties[] }
				| undefined;
			if (!group || random.chance(0.2))
				return random.chance(0.5) ? {} : { values: hostileValue(random) };
			const entry = () =>
				Object.fromEntries(
					group.values.filter(() => random.chance(0.7)).map((v) => [v.name, fieldValue(random, v)]),
				);
			return {
				[group.name]: property.typeOptions?.multipleValues
					? Array.from({ length: random.int(0, 3) }, entry)
					: entry(),
			};
		}
		case 'options':
			if (random.chance(0.6))
				return random.pick((property.options ?? []).map((o) => (o as { value: unknown }).value));
			return stored(random, hostileValue(random));
		default:
			return stored(random, hostileValue(random));
	}
}

function caseParameters(random: Random, target: Target): INodeParameters {
	const parameters: Record<string, unknown> = {
		resource: target.resource,
		operation: target.operation,
	};
	for (const property of target.properties) {
		if (random.chance(0.85)) parameters[property.name] = fieldValue(random, property);
	}
	// Keep Return All mostly off: a walk of every page is slow and proves nothing more.
	if ('returnAll' in parameters && random.chance(0.7)) parameters.returnAll = false;
	if (random.chance(0.1))
		parameters.options = { concurrency: stored(random, hostileValue(random)) };
	for (const key of Object.keys(parameters))
		if (parameters[key] === undefined) delete parameters[key];
	return parameters as INodeParameters;
}

/** Every field label and key the editor shows for a target, nested ones included: what an error may name. */
function fieldNames(properties: readonly INodeProperties[]): string[] {
	return properties.flatMap((property) => [
		property.displayName,
		property.name,
		...fieldNames(
			((property.options ?? []) as Array<INodeProperties & { values?: INodeProperties[] }>).flatMap(
				(option) => (option.values ? option.values : 'type' in option ? [option] : []),
			),
		),
	]);
}

/** The IDaaS code of the API's own parameter checks in a NodeApiError's message ("… [InvalidParameter.Email]"). */
const API_PARAMETER_CHECK = /\[((?:InvalidParameter|MissingParameter)\.[^\]]*)\]/;

/**
 * Parameter checks only the server can make: they depend on what IDaaS holds, not on the value.
 * Any other InvalidParameter or MissingParameter after a request fails the case.
 */
const SERVER_ONLY_CHECKS: Record<string, string> = {
	'InvalidParameter.Password': "the instance's password policy",
	'InvalidParameter.NextToken': 'a page token the server issued',
	'InvalidParameter.CredentialProviderIdentifier':
		'the type of the credential provider IDaaS holds',
	'InvalidParameter.Issuer': 'the issuers the credential provider allows',
};

/**
 * Checks the node could make from the value alone but does not yet (found by this fuzz): listed so
 * the fuzz stays green while they are open, and removed when the node checks them.
 */
const OPEN_GAPS: Record<string, string> = {
	'InvalidParameter.SessionUri':
		'Get OAuth Authorization Session: a session URI starts with urn:ietf:params:oauth:request_uri:',
	'InvalidParameter.Audiences': 'Generate JWT: an audience may not start with the reserved prefix',
	'InvalidParameter.CredentialType':
		'Create User Exclusive Credential: only api_key can be created',
	'MissingParameter.ApiKey':
		'Create User Exclusive Credential: an api_key credential needs its API key',
};

/** The API's parameter check a message reports, unless the node cannot know it beforehand. */
function apiOnlyCheck(message: string): string | undefined {
	const code = API_PARAMETER_CHECK.exec(message)?.[1];
	return code !== undefined && !(code in SERVER_ONLY_CHECKS) && !(code in OPEN_GAPS)
		? code
		: undefined;
}

const CRASH =
	/Cannot read prop|Cannot set prop|is not a function|is not iterable|is not defined|Maximum call stack|Invalid array length|Cannot convert/;
/** Text the API echoed back that shows an object was sent as a string. */
const STRINGIFIED = /\[object Object\]/;

let env: Env;
const totals = {
	cases: 0,
	rejectedByNode: 0,
	rejectedByN8n: 0,
	succeeded: 0,
	apiErrors: 0,
	requests: 0,
	badPaths: [] as string[],
};

beforeAll(async () => {
	env = await startEnv();
	env.emu.faults.onRequest(checkPath);
});
afterAll(async () => {
	console.log(
		`node fuzz (seed ${seed}, FUZZ_SEED to replay): ${totals.cases} cases over ${TARGETS.length} operations; ` +
			`${totals.rejectedByNode} NodeOperationError before any request, ${totals.rejectedByN8n} refused by n8n's own parameter checks, ` +
			`${totals.succeeded} succeeded, ${totals.apiErrors} NodeApiError; ${totals.requests} requests reached the emulator`,
	);
	await env.close();
});

function checkPath(event: { action: string; path: string }): void {
	const op = findOperation(event.action);
	const template = op?.path.split('/') ?? [];
	const segments = event.path.split('/');
	const ok =
		op !== undefined &&
		segments.length === template.length &&
		segments.every((segment, i) =>
			template[i].startsWith('{') ? /^[A-Za-z0-9_-]+$/.test(segment) : segment === template[i],
		);
	if (!ok) totals.badPaths.push(`${event.action} ${event.path}`);
}

test('the node found the operations to fuzz', () => {
	expect(TARGETS.length).toBeGreaterThanOrEqual(25);
	for (const target of TARGETS) {
		// Composed operations (upsert, reconcile, set members, offboard) are not catalog entries.
		const custom = ['upsert', 'reconcile', 'setMembers', 'offboard'].includes(target.operation);
		expect(custom || getOperation(target.resource, target.operation) !== undefined).toBe(true);
	}
});

describe(`node fuzzing (seed ${seed}, FUZZ_SEED to replay)`, () => {
	test.each(TARGETS.map((target) => [`${target.resource}.${target.operation}`, target] as const))(
		'%s',
		async (name, target) => {
			const random = createRandom(
				seed ^ [...name].reduce((hash, c) => Math.imul(hash, 31) + c.charCodeAt(0), 7),
			);
			// The node's own fields and those every operation has (Options: Concurrency).
			const names = fieldNames([
				...target.properties,
				...description.properties.filter((p) => !p.displayOptions),
			]).filter((n) => n.length > 2);
			for (let round = 0; round < CASES_PER_OPERATION; round++) {
				env.emu.reset();
				env.emu.faults.onRequest(checkPath);
				withLiveToken(env);
				const parameters = caseParameters(random, target);
				const continueOnFail = random.chance(0.2);
				const label = `${name} round ${round}: ${JSON.stringify(parameters).slice(0, 600)}`;
				totals.cases++;
				let result;
				try {
					result = await env.run(parameters, { continueOnFail });
				} catch (error) {
					// n8n refused the workflow (parameter issues) before the node ran; its own parameter
					// code (issue check, new Workflow) throws TypeErrors on values the editor never stores
					// (null locators, a multiple-values fixed collection of `values: false`).
					const inN8nCheck = /at (WorkflowExecute\.checkForWorkflowIssues|new Workflow) /.test(
						(error as Error).stack ?? '',
					);
					expect({ label, name: (error as Error).name, inN8nCheck }).toEqual({
						label,
						name: inN8nCheck ? (error as Error).name : 'WorkflowHasIssuesError',
						inN8nCheck,
					});
					expect({ label, requests: env.emu.stats.total }).toEqual({ label, requests: 0 });
					totals.rejectedByN8n++;
					continue;
				}
				const requests = env.emu.stats.total;
				totals.requests += requests;
				expect({ label, unknownRoutes: env.emu.stats.requests['(unknown)'] }).toEqual({
					label,
					unknownRoutes: undefined,
				});
				expect({ label, badPaths: totals.badPaths }).toEqual({ label, badPaths: [] });
				const error =
					result.error ??
					(continueOnFail && typeof result.items[0]?.json.error === 'string'
						? { name: '(continued)', message: String(result.items[0].json.error) }
						: undefined);
				if (!error) {
					totals.succeeded++;
					continue;
				}
				expect({ label, message: error.message }).not.toEqual({
					label,
					message: expect.stringMatching(CRASH),
				});
				// A request went out and the API refused a value by its own parameter checks: the node
				// let through what it should have refused, naming the field.
				if (requests > 0)
					expect({
						label,
						message: error.message,
						apiOnlyCheck: apiOnlyCheck(error.message),
					}).toEqual({ label, message: error.message, apiOnlyCheck: undefined });
				if (error.name === '(continued)') {
					expect({ label, items: result.items.length }).toEqual({ label, items: 1 });
					expect(result.items[0].pairedItem).toEqual({ item: 0 });
					if (requests === 0) {
						expect({
							label,
							message: error.message,
							namesField: names.some((n) => error.message.includes(n)),
						}).toEqual({ label, message: error.message, namesField: true });
						totals.rejectedByNode++;
					} else totals.apiErrors++;
					continue;
				}
				expect({ label, name: error.name }).toEqual({
					label,
					name: expect.stringMatching(/^Node(Operation|Api)Error$/),
				});
				if (requests > 0)
					expect({ label, message: error.message }).not.toEqual({
						label,
						message: expect.stringMatching(STRINGIFIED),
					});
				if (error.name === 'NodeOperationError') {
					// Before any request, but for what takes a look-up: "No user has the username X", and a unit or group
					// given by name that no one (or more than one) has.
					if (
						!/^No user has the |: (no organizational unit is named|\d+ organizational units are named|no group is named|\d+ groups are named) /.test(
							error.message,
						)
					)
						expect({ label, message: error.message, requests }).toEqual({
							label,
							message: error.message,
							requests: 0,
						});
					// The error names the field to fix (its label or key).
					expect({
						label,
						message: error.message,
						namesField: names.some((n) => error.message.includes(n)),
					}).toEqual({ label, message: error.message, namesField: true });
					totals.rejectedByNode++;
				} else {
					// From the API, or from the HTTP server refusing an oversized URL or header (431/414).
					const httpCode = String((error as { httpCode?: unknown }).httpCode ?? '');
					expect({ label, answered: requests > 0 || /^(413|414|431)$/.test(httpCode) }).toEqual({
						label,
						answered: true,
					});
					totals.apiErrors++;
				}
			}
		},
	);
});
