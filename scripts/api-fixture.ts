/**
 * Writes test/fixtures/api-operations.json: the wire facts of every Developer API operation
 * (method, path, parameters with location, type, required flag, enum and documented limits,
 * whether the Authorization header is sent, the PAM scope), and nothing else, so that the catalog
 * tests run from a clone with no metadata beside it.
 *
 * Sources, given as a folder holding both files:
 * - eiam-developerapi-2022-02-25.en.json: Alibaba's API metadata for the 36 operations it lists
 *   (published in https://github.com/dew-serverless/acs-metadata, en_us/eiam-developerapi/2022-02-25/api-docs.json);
 * - eiam-developerapi-2022-02-25.additions.json: the same shape, rebuilt from the official
 *   TypeScript SDK 1.8.0 (https://github.com/aliyun/alibabacloud-typescript-sdk, folder
 *   eiam-developerapi-20220225/src: client.ts and models/): the 14 PAM operations in `apis`, and in
 *   `changed` the older operations whose SDK text differs from the metadata.
 *
 *   npx tsx scripts/api-fixture.ts <metadata folder>
 *
 * test/catalog/fixture.test.ts rebuilds the fixture and compares when IDAAS_API_METADATA names
 * that folder.
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

export const FIXTURE = join(__dirname, '..', 'test', 'fixtures', 'api-operations.json');
export const METADATA_FILES = {
	en: 'eiam-developerapi-2022-02-25.en.json',
	additions: 'eiam-developerapi-2022-02-25.additions.json',
} as const;

/** The documented limits of a value, as the metadata spells them and the fixture keeps them. */
interface Limits {
	enum?: string[];
	maxLength?: number;
	minLength?: number;
	minimum?: number;
	maximum?: number;
	pattern?: string;
}

interface MetaSchema extends Limits {
	type?: string;
	required?: boolean;
	properties?: Record<string, MetaSchema>;
	items?: MetaSchema;
	additionalProperties?: MetaSchema;
}
interface MetaApi {
	methods: string[];
	path: string;
	parameters?: Array<{ name: string; in: string; schema: MetaSchema }>;
	'x-requiredScope'?: string | null;
	'x-responseBody'?: string;
}
interface Metadata {
	apis: Record<string, MetaApi>;
	changed?: Record<string, MetaApi>;
}

/** One parameter as the tests compare it; body fields are listed one by one, as the catalog has them. */
export interface FixtureParam extends Limits {
	name: string;
	in: 'path' | 'query' | 'body';
	type: string;
	required: boolean;
	/** Element type of an array, value type of a map. */
	items?: string;
	values?: string;
	fields?: FixtureParam[];
}

export interface FixtureOperation {
	method: string;
	path: string;
	/** Whether the SDK sends `Authorization: Bearer …`. */
	authorization: boolean;
	/** The PAM scope the SDK names, where it names one. */
	scope?: string;
	/** `sdk`: documented by the SDK only (not in the metadata copy), or changed there since. */
	source: 'metadata' | 'sdk';
	params: FixtureParam[];
}

/** Parameters every operation has, which the catalog carries outside its params. */
const IMPLICIT = new Set(['instanceId', 'applicationId', 'Authorization']);
const LIMITS: ReadonlyArray<keyof Limits> = [
	'enum',
	'maxLength',
	'minLength',
	'minimum',
	'maximum',
	'pattern',
];

function param(name: string, location: FixtureParam['in'], schema: MetaSchema): FixtureParam {
	const out: FixtureParam = {
		name,
		in: location,
		type: schema.type ?? 'string',
		required: schema.required === true,
	};
	for (const key of LIMITS)
		if (schema[key] !== undefined) Object.assign(out, { [key]: schema[key] });
	if (schema.items?.type) out.items = schema.items.type;
	if (schema.items?.enum) out.enum = schema.items.enum;
	if (schema.additionalProperties?.type) out.values = schema.additionalProperties.type;
	const nested = schema.properties ?? schema.items?.properties;
	if (nested) out.fields = Object.entries(nested).map(([field, s]) => param(field, 'body', s));
	return out;
}

function operation(api: MetaApi, source: FixtureOperation['source']): FixtureOperation {
	const params: FixtureParam[] = [];
	for (const p of api.parameters ?? []) {
		if (p.in === 'body') {
			for (const [name, field] of Object.entries(p.schema.properties ?? {}))
				params.push(param(name, 'body', field));
		} else if (!IMPLICIT.has(p.name)) {
			params.push(param(p.name, p.in as FixtureParam['in'], p.schema));
		}
	}
	const authorization = (api.parameters ?? []).some(
		(p) => p.name === 'Authorization' && p.in === 'header',
	);
	const scope = api['x-requiredScope'] ?? undefined;
	return {
		method: api.methods[0].toUpperCase(),
		path: api.path,
		authorization,
		...(scope ? { scope } : {}),
		source,
		params,
	};
}

/** The fixture from the two metadata files: the SDK's text wins where it changed an operation. */
export function buildFixture(en: Metadata, additions: Metadata): Record<string, FixtureOperation> {
	const out: Record<string, FixtureOperation> = {};
	for (const [action, api] of Object.entries(en.apis)) out[action] = operation(api, 'metadata');
	for (const [action, api] of Object.entries(additions.changed ?? {}))
		out[action] = operation(api, 'sdk');
	for (const [action, api] of Object.entries(additions.apis)) out[action] = operation(api, 'sdk');
	return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function fixtureFrom(folder: string): Record<string, FixtureOperation> {
	const read = (file: string) => JSON.parse(readFileSync(join(folder, file), 'utf8')) as Metadata;
	return buildFixture(read(METADATA_FILES.en), read(METADATA_FILES.additions));
}

export const serialize = (fixture: Record<string, FixtureOperation>) =>
	`${JSON.stringify(fixture, null, '\t')}\n`;

if (require.main === module) {
	const folder = process.argv[2] ?? process.env.IDAAS_API_METADATA;
	if (!folder) {
		console.error(
			'usage: npx tsx scripts/api-fixture.ts <folder with the en and additions metadata files>',
		);
		process.exit(2);
	}
	writeFileSync(FIXTURE, serialize(fixtureFrom(folder)));
}
