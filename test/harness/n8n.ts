import {
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PollContext,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AlibabaIdaasApi } from '../../credentials/AlibabaIdaasApi.credentials';
import { getOperation } from '../../nodes/AlibabaIdaas/catalog';
import { TOKEN_OPT_IN, recordOutput } from '../setup/leakGuard';
import { TestCredentialsHelper } from './credentialsHelper';

/**
 * Runs this package's nodes inside n8n's own execution code (n8n-core's WorkflowExecute,
 * PollContext and LoadOptionsContext), against real HTTP. Only the credentials store is ours.
 */

export const CREDENTIAL_ID = 'cred-idaas-1';

export { emulatorCredential } from './credential';

/** Whether a node parameter is `true`, directly or through an expression that needs no input data. */
function resolvesToTrue(workflow: Workflow, node: INode, value: unknown): boolean {
	if (typeof value !== 'string' || !value.startsWith('=')) return value === true;
	try {
		return workflow.expression.getSimpleParameterValue(node, value, 'manual', {}) === true;
	} catch {
		return false;
	}
}

export interface ExecuteResult {
	items: INodeExecutionData[];
	run: IRun;
	/** The node's error when the execution failed. */
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
}

type AnyNodeType = INodeType | IVersionedNodeType;

class SingleNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, AnyNodeType>) {}

	getByName(name: string): AnyNodeType {
		return this.types[name];
	}

	getByNameAndVersion(name: string, version?: number): INodeType {
		const type = this.types[name];
		// n8n's own nodes (e.g. HTTP Request, used by the benchmarks) are versioned.
		return 'nodeVersions' in type ? type.getNodeType(version) : type;
	}

	getKnownTypes() {
		return {};
	}
}

export class N8nHarness {
	readonly credentials = new TestCredentialsHelper({ alibabaIdaasApi: new AlibabaIdaasApi() });

	private executionCounter = 0;

	constructor(credentialData: ICredentialDataDecryptedObject) {
		this.credentials.setCredential(CREDENTIAL_ID, 'alibabaIdaasApi', {
			accessToken: '',
			...credentialData,
		});
	}

	/** The credential row as n8n's database would hold it now. */
	get storedCredential(): ICredentialDataDecryptedObject {
		return this.credentials.stored(CREDENTIAL_ID);
	}

	node(type: string, parameters: INodeParameters, extra: Partial<INode> = {}): INode {
		return {
			id: `node-${type}`,
			name: 'IDaaS',
			type,
			typeVersion: 1,
			position: [0, 0],
			parameters,
			credentials: { alibabaIdaasApi: { id: CREDENTIAL_ID, name: 'IDaaS test' } },
			...extra,
		};
	}

	private additionalData(hooks?: ExecutionLifecycleHooks): IWorkflowExecuteAdditionalData {
		return {
			credentialsHelper: this.credentials,
			hooks,
			variables: {},
			restApiUrl: 'http://127.0.0.1/rest',
			instanceBaseUrl: 'http://127.0.0.1/',
			formWaitingBaseUrl: '',
			webhookBaseUrl: '',
			webhookWaitingBaseUrl: '',
			webhookTestBaseUrl: '',
			currentNodeExecutionIndex: 0,
			evalLlmMockHandler: undefined,
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	private workflow(nodeType: AnyNodeType, node: INode, staticData?: IDataObject): Workflow {
		return new Workflow({
			id: 'wf-test',
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: new SingleNodeTypes({ [node.type]: nodeType }),
			staticData,
			settings: { executionOrder: 'v1' },
		});
	}

	/** Executes one action node on the given input items, as a manual run would. */
	async execute(
		nodeType: AnyNodeType,
		parameters: INodeParameters,
		options: {
			items?: IDataObject[];
			continueOnFail?: boolean;
			mode?: WorkflowExecuteMode;
			/** For nodes other than ours (benchmarks run n8n's HTTP Request node). */
			typeName?: string;
			typeVersion?: number;
			keepCredentials?: boolean;
		} = {},
	): Promise<ExecuteResult> {
		const node = this.node(options.typeName ?? 'alibabaIdaas', parameters, {
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			...(options.typeVersion ? { typeVersion: options.typeVersion } : {}),
			...(options.typeName && !options.keepCredentials ? { credentials: undefined } : {}),
		});
		const workflow = this.workflow(nodeType, node);
		const executionId = String(++this.executionCounter);
		const hooks = new ExecutionLifecycleHooks(options.mode ?? 'manual', executionId, {
			id: 'wf-test',
			name: 'test',
			active: false,
			nodes: [node],
			connections: {},
			createdAt: new Date(),
			updatedAt: new Date(),
			isArchived: false,
			activeVersionId: null,
		} as never);
		let finished: (run: IRun) => void = () => {};
		const done = new Promise<IRun>((resolve) => (finished = resolve));
		hooks.addHandler('workflowExecuteAfter', (run: IRun) => finished(run));
		const additionalData = this.additionalData(hooks);
		additionalData.executionId = executionId;
		const input: INodeExecutionData[] = (options.items ?? [{}]).map((json) => ({ json }));
		const runExecutionData: IRunExecutionData = {
			resultData: { runData: {} },
			executionData: {
				metadata: {},
				contextData: {},
				waitingExecution: {},
				waitingExecutionSource: null,
				nodeExecutionStack: [{ node, data: { main: [input] }, source: null }],
			},
		} as unknown as IRunExecutionData;
		const execute = new WorkflowExecute(additionalData, options.mode ?? 'manual', runExecutionData);
		await execute.processRunExecutionData(workflow);
		const run = await done;
		const task = run.data.resultData.runData[node.name]?.[0];
		// Secrets a user explicitly asked for (the operation's opt-in: Generate Token's "Include Token
		// Values", the PAM operations' "Include Secret Values") are the one output allowed to hold
		// them; the leak guard skips outputs labelled so. The field may be an expression (the fuzz
		// test stores values so): what counts is what it gives.
		const optInName = getOperation(String(parameters.resource), String(parameters.operation))?.hooks
			?.secrets?.optIn.name;
		const optIn =
			optInName && resolvesToTrue(workflow, node, parameters[optInName]) ? ` ${TOKEN_OPT_IN}` : '';
		recordOutput(`execute ${String(parameters.resource)}.${String(parameters.operation)}${optIn}`, {
			items: task?.data?.main?.[0],
			error: task?.error ?? run.data.resultData.error,
		});
		return {
			run,
			items: task?.data?.main?.[0] ?? [],
			error: (task?.error ?? run.data.resultData.error) as ExecuteResult['error'],
		};
	}

	/**
	 * The credential's Test button, done as n8n's CredentialsTester does it: a throw-away
	 * declarative node whose only parameter routes the credential's test request, run with a
	 * `temp` parameter (which makes preAuthentication fetch a fresh token), through n8n-core's
	 * routing code.
	 */
	/** The Test button: like n8n, it reports success or the error message, never the response (a token). */
	async testCredential(): Promise<{ ok: boolean; message?: string }> {
		const test = new AlibabaIdaasApi().test;
		const tester: INodeType = {
			description: {
				displayName: 'Temp',
				name: 'credentialTest',
				group: ['transform'],
				version: 1,
				description: '',
				defaults: { name: 'Temp' },
				inputs: ['main'] as never,
				outputs: ['main'] as never,
				credentials: [{ name: 'alibabaIdaasApi', required: true }],
				properties: [
					{
						displayName: 'Temp',
						name: 'temp',
						type: 'string',
						default: '',
						routing: { request: test.request },
					},
				],
			},
		};
		const result = await this.execute(
			tester,
			{ temp: '' },
			{ typeName: 'credentialTest', keepCredentials: true },
		);
		if (!result.error) return { ok: true };
		// n8n's CredentialsTester: an HTTP answer of the test request itself is matched against the
		// responseCode rules; anything else (preAuthentication's failure) shows the error's message.
		// (The run data keeps no `cause`: an error that carries preAuthentication's failure object is told apart by it.)
		const error = result.error as ExecuteResult['error'] & {
			errorResponse?: { idaasTokenError?: unknown };
		};
		const status = error?.errorResponse?.idaasTokenError ? undefined : Number(error?.httpCode);
		const rule = test.rules?.find(
			(r) => r.type === 'responseCode' && r.properties.value === status,
		);
		return {
			ok: false,
			message: rule ? (rule.properties as { message: string }).message : error?.message,
		};
	}

	/** Runs one poll of a polling trigger; the static data object is read and written in place. */
	async poll(
		nodeType: INodeType,
		parameters: INodeParameters,
		options: { mode?: 'manual' | 'trigger'; staticData?: IDataObject } = {},
	): Promise<{ result: INodeExecutionData[][] | null; staticData: IDataObject }> {
		const node = this.node('alibabaIdaasTrigger', parameters);
		// n8n wraps static data in an observable proxy per Workflow; handing the same object back in
		// poll after poll would nest proxies, so each poll gets a plain copy, written back after,
		// the way n8n saves static data to its database between polls.
		const staticData = options.staticData ?? {};
		const workflow = this.workflow(
			nodeType,
			node,
			JSON.parse(JSON.stringify(staticData)) as IDataObject,
		);
		const context = new PollContext(
			workflow,
			node,
			this.additionalData(),
			options.mode ?? 'trigger',
			'init',
		);
		let result: INodeExecutionData[][] | null;
		try {
			result = await nodeType.poll!.call(context);
		} catch (error) {
			recordOutput('poll error', error);
			throw error;
		}
		recordOutput('poll', result);
		const saved = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
		for (const key of Object.keys(staticData)) delete staticData[key];
		Object.assign(staticData, saved);
		return { result, staticData };
	}

	/** Calls a listSearch method the way the editor does. */
	async listSearch(
		nodeType: INodeType,
		method: string,
		parameters: INodeParameters,
		filter?: string,
		paginationToken?: string,
	): Promise<INodeListSearchResult> {
		const node = this.node('alibabaIdaas', parameters);
		const workflow = this.workflow(nodeType, node);
		const context = new LoadOptionsContext(workflow, node, this.additionalData(), '');
		const search = nodeType.methods?.listSearch?.[method];
		if (!search) throw new Error(`No listSearch method ${method}`);
		try {
			const result = await search.call(context, filter, paginationToken);
			recordOutput(`listSearch ${method}`, result);
			return result;
		} catch (error) {
			recordOutput(`listSearch ${method} error`, error);
			throw error;
		}
	}
}
