/**
 * End to end: the IDaaS node as an AI agent's tool, in real n8n 2.8.4 (Node 20) and 2.41.1 (Node 24).
 *
 * n8n's AI Agent (3.1) with an OpenAI Chat Model whose credential's Base URL points at a stand-in for the Chat
 * Completions / Responses APIs (helpers/chatModel.ts, scripted tool calls) runs through `n8n execute` against the
 * emulator. Asserted: what the model was sent (tool names, descriptions, argument schemas, tool results, and no
 * secret), the emulator's state after the agent's create, and a malformed ID: on 2.41.1 it reaches the model as a
 * readable error; on 2.8.4 it stops the workflow unless the tool node's On Error is Continue, which hands the
 * model the error item instead.
 *
 * E2E_SKIP_LATEST=1 skips 2.41.1 (as n8n-latest.e2e.test.ts).
 */
import { recordOutput, recordSecret } from '../setup/leakGuard';
import {
	agentAnswer,
	agentWorkflow,
	exampleForCli,
	fromAi,
	idFromAi,
	OPENAI_CREDENTIAL,
	ToolNode,
} from './helpers/agentWorkflow';
import { ChatModelStandIn, ModelRequest, startChatModelStandIn } from './helpers/chatModel';
import { DemoEmulator, startDemoEmulator } from './helpers/emulator';
import { describeE2E, ensureBuilt, ensureN8n, loadExample, N8nSandbox } from './helpers/n8n';
import { credentialRefs } from './helpers/workflows';

jest.setTimeout(240_000);

const IDAAS_CREDENTIAL = { id: 'agentE2eIdaas001', name: 'IDaaS (emulator)' };
const OPENAI_KEY = 'sk-standin-agent-e2e-0000000000000000';

/** The four tools, as a user attaches them: a read, a lookup by username, a create. */
const GET_USER: ToolNode = {
	name: 'Get user',
	parameters: { resource: 'user', operation: 'get', userId: idFromAi('User') },
};
const FIND_USER: ToolNode = {
	name: 'Find user by username',
	parameters: { resource: 'user', operation: 'getIdByUsername', username: fromAi('Username') },
};
const CREATE_USER: ToolNode = {
	name: 'Create user',
	parameters: {
		resource: 'user',
		operation: 'create',
		username: fromAi('Username'),
		primaryOrganizationalUnitId: idFromAi('Organizational_Unit'),
		displayName: fromAi('Display_Name'),
	},
};

const MAIN = 'MAIN-SCRIPT';
const MALFORMED = 'MALFORMED-SCRIPT';
const MALFORMED_CONTINUE = 'MALFORMED-CONTINUE-SCRIPT';
const EXAMPLE = 'EXAMPLE-SCRIPT';
const newUsername = (version: string) => `agent.created.${version.replace(/\./g, '')}`;

function scripts(version: string) {
	const answer = (results: string[]) => `RESULTS ${JSON.stringify(results)}`;
	return {
		[MAIN]: [
			{ tool: 'Find_user_by_username', args: { Username: 'alice.chen' } },
			{ tool: 'Get_user', args: { User: 'user_demoalicechen01' } },
			{
				tool: 'Create_user',
				args: {
					Username: newUsername(version),
					Organizational_Unit: 'ou_demoengineering01',
					Display_Name: 'Agent Created',
				},
			},
			{ answer },
		],
		// An ID a model makes up: no user_ prefix.
		[MALFORMED]: [{ tool: 'Get_user', args: { User: '12345' } }, { answer }],
		[MALFORMED_CONTINUE]: [{ tool: 'Get_user', args: { User: '12345' } }, { answer }],
		// The shipped example, asked "who is in Engineering?": scope → its child units → the unit's users.
		[EXAMPLE]: [
			{ tool: 'Get_provisioning_scope', args: {} },
			{ tool: 'List_organizational_units', args: { Parent_Organizational_Unit: 'ou_demoroot01' } },
			{
				tool: 'List_users_in_an_organizational_unit',
				args: { Organizational_Unit: 'ou_demoengineering01' },
			},
			{ answer },
		],
	};
}

const VERSIONS: Array<{ version: string; responsesApi: boolean }> = [
	{ version: '2.8.4', responsesApi: false },
	...(process.env.E2E_SKIP_LATEST === '1' ? [] : [{ version: '2.41.1', responsesApi: true }]),
];

describeE2E('IDaaS as an AI agent tool', () => {
	describe.each(VERSIONS)('n8n $version', ({ version, responsesApi }) => {
		let emulator: DemoEmulator;
		let model: ChatModelStandIn;
		let n8n: N8nSandbox;
		const workflow = (id: string, prompt: string, tools: ToolNode[]) =>
			agentWorkflow({ id, prompt, tools, idaasCredential: IDAAS_CREDENTIAL, responsesApi });
		const ids = {
			main: 'agentE2eMain0001',
			malformed: 'agentE2eBadId001',
			continued: 'agentE2eBadId002',
		};

		beforeAll(async () => {
			ensureBuilt();
			const paths = ensureN8n(version);
			emulator = await startDemoEmulator();
			model = await startChatModelStandIn(scripts(version));
			n8n = await N8nSandbox.create(paths, `agent-${version}`);
			const data = emulator.credentialData();
			recordSecret(data.clientSecret);
			recordSecret(OPENAI_KEY);
			await n8n.importCredentials([
				...[IDAAS_CREDENTIAL, ...credentialRefs(loadExample('ask-the-directory'))].map((ref) => ({
					...ref,
					type: 'alibabaIdaasApi',
					data,
				})),
				{
					...OPENAI_CREDENTIAL,
					type: 'openAiApi',
					data: { apiKey: OPENAI_KEY, url: model.baseUrl },
				},
			]);
			await n8n.importWorkflows([
				workflow(ids.main, `${MAIN}: who is alice.chen, and add Agent Created to Engineering`, [
					GET_USER,
					FIND_USER,
					CREATE_USER,
				]),
				workflow(ids.malformed, `${MALFORMED}: look up user 12345`, [GET_USER]),
				workflow(ids.continued, `${MALFORMED_CONTINUE}: look up user 12345`, [
					{ ...GET_USER, onError: 'continueRegularOutput' },
				]),
				exampleForCli(
					loadExample('ask-the-directory'),
					`${EXAMPLE}: who is in Engineering?`,
					responsesApi,
				),
			]);
		}, 20 * 60_000);

		afterAll(async () => {
			for (const t of emulator?.issuedTokens() ?? []) recordSecret(t);
			// Everything a model was sent, for the leak guard: no client secret, token or API key.
			recordOutput(
				`e2e agent ${version}: model requests`,
				model?.requests.map((r) => r.body),
			);
			await n8n?.dispose();
			await model?.close();
			await emulator?.close();
		});

		const run = async (id: string) => {
			const r = await n8n.execute(id);
			recordOutput(`e2e agent ${version} ${id}`, r.result.stdout);
			return r;
		};
		const toolsSent = (requests: ModelRequest[]) => requests[0].tools;

		test('the agent reads, looks up and creates through the IDaaS tools', async () => {
			const { code, run: result } = await run(ids.main);
			expect(code).toBe(0);
			const requests = model.requestsOf(MAIN);
			expect(requests.map((r) => r.api)).toEqual(
				Array(4).fill(responsesApi ? 'responses' : 'chat'),
			);

			// The tools, as the model sees them: named after the nodes, described from the catalog.
			const tools = toolsSent(requests);
			expect(tools.map((t) => t.name).sort()).toEqual([
				'Create_user',
				'Find_user_by_username',
				'Get_user',
			]);
			const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
			expect(byName.Get_user.description).toBe(
				'Get a user (User: a user ID, user_…; returns the user with its ID) in Alibaba Cloud IDaaS',
			);
			expect(byName.Find_user_by_username.description).toBe(
				'Get a user ID by username (Username; returns userId: user_…) in Alibaba Cloud IDaaS',
			);
			expect(byName.Create_user.description).toBe(
				'Create a user (Username; Organizational Unit: an organizational unit ID, ou_…; Display Name; returns userId: user_…) in Alibaba Cloud IDaaS',
			);
			// The arguments are the $fromAI keys, all required strings.
			expect(byName.Create_user.parameters).toMatchObject({
				type: 'object',
				properties: {
					Username: { type: 'string' },
					Organizational_Unit: { type: 'string' },
					Display_Name: { type: 'string' },
				},
			});
			expect([...byName.Create_user.parameters.required].sort()).toEqual([
				'Display_Name',
				'Organizational_Unit',
				'Username',
			]);
			expect(Object.keys(byName.Get_user.parameters.properties)).toEqual(['User']);

			// What came back to the model, call by call.
			const results = requests[3].toolResults.map((t) => JSON.parse(t));
			expect(results[0]).toEqual([{ username: 'alice.chen', userId: 'user_demoalicechen01' }]);
			expect(results[1]).toEqual([
				expect.objectContaining({
					userId: 'user_demoalicechen01',
					username: 'alice.chen',
					displayName: 'Alice Chen',
				}),
			]);
			const created = emulator.findUser({ username: newUsername(version) });
			expect(created).toMatchObject({
				displayName: 'Agent Created',
				primaryOrganizationalUnitId: 'ou_demoengineering01',
				status: 'enabled',
			});
			expect(results[2]).toEqual([
				expect.objectContaining({ userId: created!.userId, username: newUsername(version) }),
			]);
			expect(agentAnswer(result)).toContain(created!.userId);
		});

		test('the ask-the-directory example answers "who is in Engineering?" through its tools', async () => {
			const example = loadExample('ask-the-directory');
			const { code, run: result } = await run(example.id);
			expect(code).toBe(0);
			const requests = model.requestsOf(EXAMPLE);
			expect(
				toolsSent(requests)
					.map((t) => t.name)
					.sort(),
			).toEqual([
				'Disable_user',
				'Find_user_by_username',
				'Get_provisioning_scope',
				'Get_user',
				'List_organizational_units',
				'List_users_in_an_organizational_unit',
			]);
			expect(toolsSent(requests).find((t) => t.name === 'Disable_user')?.description).toBe(
				'Disable a user (User: a user ID, user_…; returns success: true) in Alibaba Cloud IDaaS',
			);
			// The confirmation rule travels in the system message.
			expect(JSON.stringify(requests[0].body)).toContain(
				'Never disable anyone without that \\"yes\\"',
			);
			const [scope, units, members] = requests[3].toolResults.map((t) => JSON.parse(t));
			expect(scope[0].organizationalUnitIds).toEqual(['ou_demoroot01']);
			expect(units.map((u: any) => u.organizationalUnitName)).toContain('Engineering');
			expect(members.map((u: any) => u.username)).toContain('alice.chen');
			expect(
				members.every((u: any) => typeof u.userId === 'string' && u.userId.startsWith('user_')),
			).toBe(true);
			expect(agentAnswer(result)).toContain('alice.chen');
			expect(emulator.findUser({ username: 'alice.chen' })?.status).toBe('enabled');
		});

		if (version === '2.8.4') {
			test('2.8.4: a malformed ID stops the workflow (On Error: Stop), naming the field and its key', async () => {
				const { code, result } = await run(ids.malformed);
				expect(code).toBe(1);
				expect(result.stdout).toContain(
					'User (userId) must be a user ID starting with user_, got "12345"',
				);
				// The model called the tool once and never saw a result.
				expect(model.requestsOf(MALFORMED)).toHaveLength(1);
			});

			test('2.8.4: with On Error "Continue" the model receives the error and answers', async () => {
				const { code, run: result } = await run(ids.continued);
				expect(code).toBe(0);
				const [, second] = model.requestsOf(MALFORMED_CONTINUE);
				expect(JSON.parse(second.toolResults[0])).toEqual([
					{
						error:
							'User (userId) must be a user ID starting with user_, got "12345". Check the "User" field.',
					},
				]);
				expect(agentAnswer(result)).toContain('User (userId) must be a user ID');
			});
		} else {
			test('2.41.1: a malformed ID reaches the model as a readable error, and the agent answers', async () => {
				const { code, run: result } = await run(ids.malformed);
				expect(code).toBe(0);
				const [, second] = model.requestsOf(MALFORMED);
				// 2.41 hands the model the node's error as an item, whatever the tool node's On Error says.
				expect(JSON.parse(second.toolResults[0])).toEqual([
					{
						error:
							'User (userId) must be a user ID starting with user_, got "12345". Check the "User" field.',
					},
				]);
				expect(emulator.requestsTo('12345')).toBe(0);
				expect(agentAnswer(result)).toContain('User (userId) must be a user ID');
			});
		}
	});
});
