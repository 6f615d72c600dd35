import { readFileSync } from 'fs';
import { join } from 'path';

import { CATALOG, RESOURCES, getOperation, findOperation } from '../../nodes/AlibabaIdaas/catalog';

/**
 * The catalog against Alibaba's machine-readable API description: every operation there must be
 * here with the same method, path and parameter locations (and the same body fields).
 */

interface MetaParam {
	name: string;
	in: string;
	schema: { type?: string; required?: boolean; enum?: string[]; properties?: Record<string, { type?: string; required?: boolean }> };
}
interface MetaApi {
	methods: string[];
	path: string;
	parameters?: MetaParam[];
}

const metadataPath = join(__dirname, '../../../shared/api-metadata/eiam-developerapi-2022-02-25.en.json');
const metadata = JSON.parse(readFileSync(metadataPath, 'utf8')) as { apis: Record<string, MetaApi> };
const metaApis = Object.entries(metadata.apis);

/** Parameters every operation has, which the catalog carries outside `params`. */
const IMPLICIT = new Set(['instanceId', 'applicationId', 'Authorization']);

describe('operation catalog', () => {
	it('describes the 36 metadata operations plus the two documented elsewhere', () => {
		expect(metaApis).toHaveLength(36);
		expect(CATALOG).toHaveLength(38);
		const extra = CATALOG.map((op) => op.apiName).filter((action) => !(action in metadata.apis));
		expect(extra.sort()).toEqual(['GetUserPasswordPolicy', 'ObtainCloudAccountRoleAccessCredential']);
	});

	it('has unique actions and unique resource/operation pairs', () => {
		expect(new Set(CATALOG.map((op) => op.apiName)).size).toBe(CATALOG.length);
		expect(new Set(CATALOG.map((op) => `${op.resource}:${op.operation}`)).size).toBe(CATALOG.length);
		for (const op of CATALOG) {
			expect(getOperation(op.resource, op.operation)).toBe(op);
			expect(RESOURCES.map((r) => r.value)).toContain(op.resource);
		}
	});

	describe.each(metaApis)('%s', (action, api) => {
		const op = findOperation(action)!;

		it('is in the catalog with the same method and path', () => {
			expect(op).toBeDefined();
			expect(op.method).toBe(api.methods[0].toUpperCase());
			expect(op.path).toBe(api.path);
		});

		it('has every parameter at the same location with the same required flag and enum', () => {
			const expected: Array<[string, string, boolean]> = [];
			for (const param of api.parameters ?? []) {
				if (param.in === 'body') {
					for (const [name, field] of Object.entries(param.schema.properties ?? {})) {
						expected.push([name, 'body', field.required === true]);
					}
				} else if (!IMPLICIT.has(param.name)) {
					expected.push([param.name, param.in, param.schema.required === true]);
				}
			}
			const actual = op.params.map((p): [string, string, boolean] => [p.name, p.in, p.required === true]);
			// UpdateUserPassword's password is optional in the metadata; the catalog requires it on
			// purpose (the operation means nothing without it), so compare names and places there.
			const relaxed = (list: Array<[string, string, boolean]>) =>
				list.map(([name, place, required]) => [name, place, action === 'UpdateUserPassword' ? false : required]);
			expect(relaxed(actual).sort()).toEqual(relaxed(expected).sort());
			for (const param of api.parameters ?? []) {
				if (param.schema.enum) {
					expect(op.params.find((p) => p.name === param.name)?.enum).toEqual(param.schema.enum);
				}
			}
		});

		it('sends the Authorization header exactly when the metadata requires it', () => {
			const needsAuth = (api.parameters ?? []).some((p) => p.name === 'Authorization' && p.in === 'header');
			expect(op.auth !== 'none').toBe(needsAuth);
			if (action === 'GetUserInfo') expect(op.auth).toBe('userBearer');
		});
	});

	it('pages the five list operations the documented way', () => {
		const paging = Object.fromEntries(
			CATALOG.filter((op) => op.pagination).map((op) => [op.apiName, op.pagination!.style]),
		);
		expect(paging).toEqual({
			ListUsers: 'pageNumber',
			ListOrganizationalUnits: 'pageNumber',
			ListGroups: 'nextToken',
			ListGroupsForUser: 'nextToken',
			ListUsersForGroup: 'nextToken',
		});
		for (const op of CATALOG.filter((o) => o.pagination)) {
			expect(op.response).toBe('list');
			expect(op.responseKey).toBe('data');
			expect(op.pagination!.maxPageSize).toBe(100);
		}
	});

	it('names the documented permission scopes', () => {
		expect(findOperation('ListUsers')!.scope).toBe('urn:alibaba:idaas:scope:user:read_all');
		expect(findOperation('CreateUser')!.scope).toBe('urn:alibaba:idaas:scope:user:manage_all');
		expect(findOperation('CreateOrganizationalUnit')!.scope).toBe(
			'urn:alibaba:idaas:scope:organizational_unit:manage_all',
		);
		expect(findOperation('GetApplicationProvisioningScope')!.scope).toBeUndefined();
	});

	it('only marks reads, patches, deletes and set-like actions as safe to repeat', () => {
		const unsafe = CATALOG.filter((op) => !op.idempotent).map((op) => op.apiName).sort();
		expect(unsafe).toEqual([
			'CreateGroup',
			'CreateOrganizationalUnit',
			'CreateUser',
			'GenerateDeviceCode',
			'GenerateToken',
		]);
	});
});
