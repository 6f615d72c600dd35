import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { catalogOp } from '../catalog';
import { IdaasClient } from '../transport/client';

/**
 * Organizational units for the From List picker, labelled with their path ("Acme / Sales / EMEA")
 * because sibling units in different branches often share a name. There is no "list all units"
 * call: the tree is walked depth-first from the application's provisioning scope (the only units
 * it may see). The pagination token is the rest of the walk (units still to list and expand,
 * with their labels), so the next page continues without walking again.
 */

type Pending = [id: string, label: string];

const RESULTS_PER_CALL = 100;
const REQUESTS_PER_CALL = 40;

/** The scope's top units: those without an ancestor that is itself in the scope. */
async function scopeRoots(client: IdaasClient): Promise<Pending[]> {
	const scope = await client.call(catalogOp('GetApplicationProvisioningScope'), {});
	const ids = (Array.isArray(scope.organizationalUnitIds) ? scope.organizationalUnitIds : []).filter(
		(id): id is string => typeof id === 'string',
	);
	const inScope = new Set(ids);
	const roots: Pending[] = [];
	for (const id of ids) {
		const parents = await client.call(catalogOp('ListOrganizationalUnitParentIds'), { organizationalUnitId: id });
		const ancestors = Array.isArray(parents.parentIds) ? (parents.parentIds as string[]) : [];
		if (ancestors.some((parent) => parent !== id && inScope.has(parent))) continue;
		const ou = await client.call(catalogOp('GetOrganizationalUnit'), { organizationalUnitId: id });
		roots.push([id, String(ou.organizationalUnitName ?? id)]);
	}
	return roots.sort((a, b) => a[1].localeCompare(b[1]));
}

function parseToken(token: string | undefined): Pending[] | undefined {
	if (!token) return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(token);
	} catch {
		return undefined;
	}
	return Array.isArray(parsed) ? (parsed as Pending[]) : undefined;
}

export async function getOrganizationalUnits(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await IdaasClient.create(this);
	const needle = (filter ?? '').trim().toLowerCase();
	const matches = (label: string, id: string) => !needle || label.toLowerCase().includes(needle) || id.toLowerCase() === needle;
	const results: INodeListSearchResult['results'] = [];
	// Depth-first, emitting each unit as it is taken off the stack: the list reads like the tree.
	const stack = parseToken(paginationToken) ?? (await scopeRoots(client));
	const list = catalogOp('ListOrganizationalUnits');
	let requests = 0;
	while (stack.length > 0 && results.length < RESULTS_PER_CALL && requests < REQUESTS_PER_CALL) {
		const [id, label] = stack.shift() as Pending;
		if (matches(label, id)) results.push({ name: label, value: id });
		const children: IDataObject[] = [];
		for await (const page of client.pages(client.prepare(list, { parentId: id }))) {
			requests++;
			children.push(...page);
		}
		children.sort((a, b) => String(a.organizationalUnitName).localeCompare(String(b.organizationalUnitName)));
		stack.unshift(
			...children.map((child): Pending => {
				const childId = String(child.organizationalUnitId);
				return [childId, `${label} / ${String(child.organizationalUnitName ?? childId)}`];
			}),
		);
	}
	return { results, paginationToken: stack.length > 0 ? JSON.stringify(stack) : undefined };
}
