import axios from 'axios';
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AlibabaIdaasApi } from '../../credentials/AlibabaIdaasApi.credentials';
import { resolveBaseUrl } from '../../nodes/AlibabaIdaas/transport/client';

/**
 * The Test button's request is an expression that n8n evaluates without calling the node's
 * code, and it carries the client secret in its body: it must refuse every endpoint the node
 * refuses, before anything is sent.
 */

const node = {
	id: '1',
	name: 'n',
	type: 't',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};
const nodeType = { description: { properties: [] } };
const workflow = new Workflow({
	nodes: [node],
	connections: {},
	active: false,
	nodeTypes: {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	} as never,
});

function testBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const expression = new AlibabaIdaasApi().test.request.baseURL!;
	return String(
		workflow.expression.getSimpleParameterValue(node, expression, 'manual', {
			$credentials: credentials,
		} as never),
	);
}

const custom = (customEndpoint: string) => ({ region: 'custom', customEndpoint });

test.each([
	'http://10.0.0.5:8080',
	'HTTP://eiam.example.com',
	'http://127.0.0.1.evil.example',
	'http://localhost@evil.example',
	'http://127.0.0.1:8080?x=1',
	'https://user:pass@eiam.example.com',
	'ftp://eiam.example.com',
	'http://[::2]',
])('the node refuses %s, and the Test gives a URL no HTTP client connects to', (endpoint) => {
	expect(() => resolveBaseUrl('custom', endpoint)).toThrow(/customEndpoint|https|plain URL/);
	const url = testBaseUrl(custom(endpoint));
	expect(url).toMatch(/^https-required:\/\//);
});

test.each([
	'https://eiam-developerapi.cn-hangzhou.aliyuncs.com',
	'eiam-developerapi.cn-hangzhou.aliyuncs.com',
	' https://proxy.example.com/idaas/ ',
	'http://127.0.0.1:8080',
	'http://localhost:3000',
	'http://[::1]:9000',
])('the node accepts %s, and the Test goes to the same URL', (endpoint) => {
	expect(testBaseUrl(custom(endpoint))).toBe(resolveBaseUrl('custom', endpoint));
});

test('a region endpoint is https', () => {
	expect(testBaseUrl({ region: 'eiam-developerapi.ap-southeast-1.aliyuncs.com' })).toBe(
		'https://eiam-developerapi.ap-southeast-1.aliyuncs.com',
	);
});

test('the refused URL is rejected by the HTTP client without a connection', async () => {
	let connections = 0;
	const server = createServer((_req, res) => res.end('{}'));
	server.on('connection', () => connections++);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	try {
		const baseURL = testBaseUrl(custom(`http://127.0.0.1.nip.example:${port}`));
		await expect(
			axios.request({
				baseURL,
				url: '/v2/x/y/oauth2/token',
				method: 'POST',
				data: 'client_secret=planted',
			}),
		).rejects.toThrow(/Unsupported protocol https-required/);
		// The same request to the port itself would connect: the count can move.
		await axios.request({ baseURL: `http://127.0.0.1:${port}`, url: '/', method: 'GET' });
		expect(connections).toBe(1);
	} finally {
		server.close();
	}
});
