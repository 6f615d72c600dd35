import type { IHttpRequestOptions, INode } from 'n8n-workflow';

import { catalogOp } from '../../nodes/AlibabaIdaas/catalog';
import { parsedBody } from '../../nodes/AlibabaIdaas/transport/body';
import { Transport } from '../../nodes/AlibabaIdaas/transport/client';
import type { IdaasContext } from '../../nodes/AlibabaIdaas/transport/context';
import { clock } from '../../nodes/AlibabaIdaas/transport/pacing';
import type { BuiltRequest } from '../../nodes/AlibabaIdaas/transport/request';

/**
 * A page read as bytes (Transport.sendRaw / rawPages) goes the way a parsed one goes: the same
 * request to n8n's helper but for the body's type, the same retries and token renewal, and the
 * same NodeApiError (IDaaS code, message, request ID) for a failure. The fake n8n answers like
 * n8n-core's httpRequest: the bytes when asked with `encoding: 'arraybuffer'`, else axios' parse.
 */

const node: INode = {
	id: 'n',
	name: 'IDaaS Trigger',
	type: 'alibabaIdaasTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { alibabaIdaasApi: { id: 'cred-1', name: 'My tenant' } },
};

interface Answer {
	statusCode: number;
	text: string;
	headers?: Record<string, unknown>;
}

/** A transport whose n8n answers the scripted answers in turn (an accepted token: T0 or a renewed one). */
async function transportAnswering(answers: Answer[]) {
	const sent: IHttpRequestOptions[] = [];
	let generated = 0;
	const credential = {
		instanceId: 'idaas_test',
		applicationId: 'app_test',
		region: 'eiam-developerapi.cn-hangzhou.aliyuncs.com',
		clientId: 'c',
		clientSecret: 's',
		accessToken: 'T0',
		expiresAt: String(Math.floor(Date.now() / 1000) + 3600),
	};
	const answer = (options: IHttpRequestOptions) => {
		sent.push(options);
		const next = answers.shift() as Answer;
		const bytes = Buffer.from(next.text, 'utf8');
		return {
			statusCode: next.statusCode,
			headers: next.headers ?? {},
			// axios: a Buffer for responseType arraybuffer, else the text parsed when it parses.
			body: options.encoding === 'arraybuffer' ? bytes : parsedBody(bytes),
		};
	};
	const ctx = {
		getNode: () => node,
		getCredentials: async () => ({ ...credential }),
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => answer(options),
			async httpRequestWithAuthentication(
				_type: string,
				options: IHttpRequestOptions,
				extra: { credentialsDecrypted: { data: Record<string, unknown> } },
			) {
				// n8n runs the credential's preAuthentication for a blank token.
				if (extra.credentialsDecrypted.data.accessToken === '')
					extra.credentialsDecrypted.data.accessToken = `T${++generated}`;
				return answer(options);
			},
		},
	} as unknown as IdaasContext;
	const transport = await Transport.connect(ctx);
	const request: BuiltRequest = {
		op: catalogOp('ListUsers'),
		http: {
			method: 'GET',
			url: 'https://eiam-developerapi.cn-hangzhou.aliyuncs.com/v2/idaas_test/app_test/users',
			qs: {},
		},
	};
	return { transport, request, sent, generatedTokens: () => generated };
}

beforeEach(() => {
	jest.spyOn(clock, 'wait').mockImplementation(async () => {});
});
afterEach(() => jest.restoreAllMocks());

const PAGE = '{"totalCount":1,"data":[{"userId":"user_a"}],"requestId":"R0"}';

describe('Transport.sendRaw', () => {
	it('asks n8n for the bytes and hands them back unparsed', async () => {
		const { transport, request, sent } = await transportAnswering([
			{ statusCode: 200, text: PAGE },
		]);
		const bytes = await transport.sendRaw(request, {}, { pageNumber: 1 });
		expect(Buffer.isBuffer(bytes)).toBe(true);
		expect(bytes.toString('utf8')).toBe(PAGE);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({
			encoding: 'arraybuffer',
			json: false,
			qs: { pageNumber: 1 },
			headers: { accept: 'application/json' },
		});
	});

	it('renews a refused token (400 invalid_token in bytes) and sends again, as for a parsed page', async () => {
		const refused = {
			statusCode: 400,
			text: '{"error":"invalid_token","error_description":"expired"}',
		};
		const { transport, request, sent, generatedTokens } = await transportAnswering([
			refused,
			{ statusCode: 200, text: PAGE },
		]);
		expect((await transport.sendRaw(request)).toString('utf8')).toBe(PAGE);
		expect(generatedTokens()).toBe(1);
		expect(sent).toHaveLength(2);
	});

	it('retries a throttled or failed page as a parsed one is retried', async () => {
		const { transport, request, sent } = await transportAnswering([
			{ statusCode: 429, text: '{"code":"Throttling","message":"slow down"}' },
			{ statusCode: 503, text: 'Service Unavailable' },
			{ statusCode: 200, text: PAGE },
		]);
		expect((await transport.sendRaw(request)).toString('utf8')).toBe(PAGE);
		expect(sent).toHaveLength(3);
	});

	it.each([
		[
			'an IDaaS error',
			404,
			'{"code":"EntityNotExists.User","message":"no such user","requestId":"R9"}',
		],
		[
			'an error with a byte-order mark',
			400,
			'\ufeff{"code":"InvalidParameter","message":"bad","requestId":"R8"}',
		],
		['an error that is not JSON', 403, '<html>Forbidden</html>'],
		['an empty error', 404, ''],
		['an error with the request ID in a header', 404, '{"code":"NotFound","message":"gone"}'],
	])('fails with the NodeApiError a parsed page gives: %s', async (_, statusCode, text) => {
		const answer = { statusCode, text, headers: { 'x-acs-request-id': 'H1' } };
		const raw = await transportAnswering([answer]);
		const parsed = await transportAnswering([{ ...answer }]);
		const rawError = await raw.transport.sendRaw(raw.request).catch((error: unknown) => error);
		const parsedError = await parsed.transport
			.send(parsed.request)
			.catch((error: unknown) => error);
		expect(rawError).toBeInstanceOf(Error);
		const fields = (error: unknown) => {
			const e = error as Record<string, unknown>;
			return {
				name: e.name,
				message: e.message,
				description: e.description,
				httpCode: e.httpCode,
				errorResponse: e.errorResponse,
			};
		};
		expect(fields(rawError)).toStrictEqual(fields(parsedError));
		expect(String((rawError as Error).message)).not.toBe('');
	});

	it('gives no bytes for an empty successful answer', async () => {
		const { transport, request } = await transportAnswering([{ statusCode: 204, text: '' }]);
		expect((await transport.sendRaw(request)).length).toBe(0);
	});

	it('refuses an operation that is not idempotent: a lost answer could not be recovered', async () => {
		const { transport, request } = await transportAnswering([]);
		await expect(transport.sendRaw({ ...request, op: catalogOp('CreateUser') })).rejects.toThrow(
			/not idempotent/,
		);
	});
});

describe('Transport.rawPages', () => {
	it('walks the pages a parsed walk walks, reading each from its bytes', async () => {
		const page = (n: number, ids: string[]) =>
			JSON.stringify({ totalCount: 5, data: ids.map((userId) => ({ userId, n })) });
		const answers = () => [
			{ statusCode: 200, text: page(1, ['user_a', 'user_b']) },
			{ statusCode: 200, text: page(2, ['user_b', 'user_c']) },
			{ statusCode: 200, text: page(3, ['user_d']) },
		];
		const raw = await transportAnswering(answers());
		// A gateway serving 2 per page: the walk numbers pages by it, and drops user_b seen twice.
		const seen: string[] = [];
		const read = (bytes: Buffer) => {
			const body = JSON.parse(bytes.toString('utf8')) as {
				totalCount: number;
				data: Array<{ userId: string }>;
			};
			return {
				size: body.data.length,
				keyAt: (i: number) => body.data[i].userId,
				totalCount: body.totalCount,
				nextToken: undefined,
				body,
			};
		};
		for await (const { page: p, fresh } of raw.transport.rawPages(raw.request, read))
			for (const i of fresh) seen.push(p.body.data[i].userId);
		const parsed = await transportAnswering(answers());
		const listed = (await parsed.transport.list(parsed.request)).map((user) => user.userId);
		expect(seen).toStrictEqual(listed);
		expect(seen).toStrictEqual(['user_a', 'user_b', 'user_c', 'user_d']);
		expect(raw.sent.map((options) => options.qs?.pageNumber)).toStrictEqual([1, 2, 3]);
	});
});
