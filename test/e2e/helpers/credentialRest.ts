/**
 * What the editor does with a credential, through the same REST calls: list the Credentials page
 * (`GET /rest/credentials?includeData=true`), open one (`GET /rest/credentials/:id?includeData=true`), press
 * Test (`POST /rest/credentials/test` with the masked data the editor holds) and Save (`PATCH`). n8n 2.8.4 answered
 * 500 to the first two once a number was stored in a password-typed field (our `accessTokenExpiresAt`).
 */
import type { N8nSandbox } from './n8n';

export interface OpenedCredential {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** Lists and opens the credential as the editor does; throws (with n8n's status) where n8n refuses. */
export async function openCredential(n8n: N8nSandbox, id: string): Promise<OpenedCredential> {
	const list = (await n8n.rest('/rest/credentials?includeScopes=true&includeData=true'))
		.data as OpenedCredential[];
	if (!list.some((c) => c.id === id))
		throw new Error(`credential ${id} is not on the Credentials page`);
	return (await n8n.rest(`/rest/credentials/${id}?includeData=true`)).data as OpenedCredential;
}

/** The Test button: n8n restores the masked values from the stored ones and runs the credential's test request. */
export async function testCredential(
	n8n: N8nSandbox,
	opened: OpenedCredential,
): Promise<{ status: string; message: string }> {
	const body = {
		credentials: { id: opened.id, name: opened.name, type: opened.type, data: opened.data },
	};
	return (await n8n.rest('/rest/credentials/test', { method: 'POST', body: JSON.stringify(body) }))
		.data;
}

/** Create as the editor's "Save" on a new credential does (the editor tests a credential once it is saved). */
export async function createCredential(
	n8n: N8nSandbox,
	name: string,
	data: Record<string, unknown>,
): Promise<OpenedCredential> {
	const body = { name, type: 'alibabaIdaasApi', data };
	const created = (
		await n8n.rest('/rest/credentials', { method: 'POST', body: JSON.stringify(body) })
	).data as OpenedCredential;
	return await openCredential(n8n, created.id);
}

/** Save with what the editor holds (masked secrets unchanged). */
export async function saveCredential(n8n: N8nSandbox, opened: OpenedCredential): Promise<void> {
	const body = { name: opened.name, type: opened.type, data: opened.data };
	await n8n.rest(`/rest/credentials/${opened.id}`, { method: 'PATCH', body: JSON.stringify(body) });
}

/**
 * The data a credential saved by release 0.1.0 holds after its first use: a token and its expiry as a number. An
 * upgrade must open it with no user action.
 */
export function usedByRelease010(
	data: Record<string, string>,
	token: string,
): Record<string, unknown> {
	return {
		...data,
		accessToken: token,
		accessTokenExpiresAt: Math.floor(Date.now() / 1000) + 1200,
	};
}
