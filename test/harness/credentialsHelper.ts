import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
} from 'n8n-workflow';
import { ICredentialsHelper } from 'n8n-workflow';

import { recordSecret } from '../setup/leakGuard';

/**
 * A credentials helper with the semantics of n8n's own (packages/cli/src/credentials-helper.ts)
 * for the parts this package relies on, backed by an in-memory "database":
 * - preAuthentication runs only when the first hidden expirable field is empty or the caller says
 *   the credentials expired (or for a credential test), and its result is persisted;
 * - generic authenticate resolves `{{$credentials.x}}` into headers and query.
 * n8n's published test helper makes preAuthentication a no-op, so it could not test renewal.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	/** The stored credential rows, by credential ID. */
	readonly rows = new Map<string, { type: string; data: ICredentialDataDecryptedObject }>();

	/** How often preAuthentication actually fetched a token. */
	tokenFetches = 0;

	constructor(private readonly types: Record<string, ICredentialType>) {
		super();
	}

	setCredential(id: string, type: string, data: ICredentialDataDecryptedObject): void {
		recordSecret(data.clientSecret);
		recordSecret(data.accessToken);
		this.rows.set(id, { type, data: { ...data } });
	}

	stored(id: string): ICredentialDataDecryptedObject {
		const row = this.rows.get(id);
		if (!row) throw new Error(`No credential ${id}`);
		return row.data;
	}

	getParentTypes(): string[] {
		return [];
	}

	// n8n 2.x asks this before letting a node use a credential.
	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const type = this.types[typeName];
		const options = { ...(requestOptions as IHttpRequestOptions) };
		const authenticate = type.authenticate;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, options);
		}
		if (authenticate?.type === 'generic') {
			const resolve = (template: string) =>
				template
					.replace(/^=/, '')
					.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) =>
						String(credentials[key] ?? ''),
					);
			const { headers, qs } = authenticate.properties as {
				headers?: Record<string, string>;
				qs?: Record<string, string>;
			};
			if (headers) {
				options.headers = { ...options.headers };
				for (const [key, value] of Object.entries(headers)) options.headers[key] = resolve(value);
			}
			if (qs) {
				options.qs = { ...options.qs };
				for (const [key, value] of Object.entries(qs)) options.qs[key] = resolve(value);
			}
		}
		return options;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types[typeName];
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable || !type.preAuthentication) return undefined;
		const isTestCall = node.parameters?.temp === '';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !isTestCall) return undefined;
		// n8n hands preAuthentication nothing but httpRequest.
		const restricted: IHttpRequestHelper = {
			helpers: { httpRequest: helpers.helpers.httpRequest },
		};
		const output = await type.preAuthentication.call(restricted, credentials);
		if (output[expirable.name] === undefined) return undefined;
		this.tokenFetches++;
		recordSecret(output[expirable.name]);
		recordSecret(output.pamAccessToken);
		const id = node.credentials?.[typeName]?.id;
		if (id) {
			const row = this.rows.get(id);
			if (row) row.data = { ...row.data, ...output } as ICredentialDataDecryptedObject;
		}
		return output as ICredentialDataDecryptedObject;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these tests');
	}

	async getDecrypted(
		_additionalData: unknown,
		nodeCredentials: INodeCredentialsDetails,
	): Promise<ICredentialDataDecryptedObject> {
		return { ...this.stored(nodeCredentials.id ?? '') };
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		_type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const row = this.rows.get(nodeCredentials.id ?? '');
		if (row) row.data = { ...data };
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types[type]?.properties ?? [];
	}
}
