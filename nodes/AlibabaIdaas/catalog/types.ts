import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { IdKind } from './ids';

/**
 * The shape of the operation catalog: the one description of the IDaaS Developer API
 * (Eiam-developerapi 2022-02-25) that the node's pickers and requests, the emulator's router
 * and the README's operation table are all built from.
 *
 * Sources that comments across the package name:
 * - API metadata (en, zh): https://github.com/dew-serverless/acs-metadata, files
 *   en_us/eiam-developerapi/2022-02-25/api-docs.json and zh_cn/… (the zh one has the error tables);
 *   their wire facts are kept in test/fixtures/api-operations.json.
 * - TypeScript SDK 1.8.0: https://github.com/aliyun/alibabacloud-typescript-sdk, folder
 *   eiam-developerapi-20220225/src (client.ts, models/).
 * - Go SDK: https://github.com/alibabacloud-go/eiam-developerapi-20220225 (client/client.go, client/*_model.go).
 * - C++ SDK: https://github.com/aliyun/alibabacloud-cpp-sdk, eiam-developerapi-20220225/include/alibabacloud/EiamDeveloperapi20220225.hpp
 * - Alibaba's IDaaS client SDKs: https://github.com/cloud-idaas (idaas-java-pam-client-sdk and the core SDKs).
 * - Docs: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/ (one page per
 *   operation, api-eiam-developerapi-2022-02-25-<operation in lower case>).
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export type ParamLocation = 'path' | 'query' | 'body';

/**
 * `stringList` is a JSON array of strings (e.g. `userIds`); `objectList` an array of objects
 * (e.g. `customFields`); `object` a nested object (e.g. `passwordInitializationConfig`), or, with
 * `mapValues` instead of `fields`, a free map of names to values (e.g. a JWT's `customClaims`).
 */
export type ParamType = 'string' | 'integer' | 'boolean' | 'stringList' | 'objectList' | 'object';

/** Text checks done before a request; see request/build.ts. */
export type TextFormat = 'email' | 'phoneNumber' | 'phoneRegion' | 'username';

export interface ParamSpec {
	/** Wire name, exactly as the API spells it. */
	name: string;
	in: ParamLocation;
	valueType: ParamType;
	required?: boolean;
	/**
	 * Required only together with another field ("phoneRegion is required if phoneNumber is set").
	 * Enforced by the node's validation and by the emulator.
	 */
	requiredWith?: string;
	enum?: readonly string[];
	description: string;
	/** Label in the n8n editor; defaults to a title-cased `name`. */
	displayName?: string;
	/** An ID of this kind (single value, or every item of a `stringList`). */
	idKind?: IdKind;
	format?: TextFormat;
	maxLength?: number;
	/** A beginning the API reserves (compared in any letter case): a value starting with it is refused. */
	reservedPrefix?: string;
	min?: number;
	max?: number;
	/** A secret the node must never echo (passwords, client secrets, tokens). */
	sensitive?: boolean;
	/**
	 * Filled from the credential, not shown in the node (the OAuth endpoints take the client ID
	 * and secret as parameters).
	 */
	fromCredential?: 'clientId' | 'clientSecret';
	/** Shown as a top-level field in the node even though the API marks it optional. */
	prominent?: boolean;
	/** Default in the editor. */
	default?: string | number | boolean;
	/** Example shown in the empty field in the editor ("e.g. jane.doe"). */
	placeholder?: string;
	/** Object fields of an `objectList`/`object` parameter. */
	fields?: readonly ParamSpec[];
	/** An `object` that is a free map (no `fields`): what its values may be. */
	mapValues?: 'string' | 'any';
}

/**
 * How a list operation pages. `pageNumber`: pageNumber/pageSize with totalCount
 * (ListUsers, ListOrganizationalUnits). `nextToken`: nextToken/maxResults (ListGroups,
 * ListGroupsForUser, ListUsersForGroup).
 */
export type Pagination =
	| { style: 'pageNumber'; sizeParam: 'pageSize'; maxPageSize: number; defaultPageSize: number }
	| { style: 'nextToken'; sizeParam: 'maxResults'; maxPageSize: number; defaultPageSize: number };

/**
 * `bearer`: the application's access token (client credentials).
 * `userBearer`: an end user's access token, given as a parameter (GetUserInfo).
 * `pamBearer`: a token with the PAM scope, given as a parameter (ObtainCloudAccountRoleAccessCredential,
 *   as released in 0.1.0).
 * `none`: no Authorization header (the OAuth endpoints).
 *
 * An operation with a PAM scope (`urn:cloud:idaas:pam|…`) lets the user choose its token (PamTokenSource),
 * whatever its `auth`: `auth` then only says what node version 1 sent (pamTokenDefault).
 */
export type AuthKind = 'bearer' | 'userBearer' | 'pamBearer' | 'none';

/**
 * The token a PAM operation sends. `pamClient`: the credential's PAM client token, as Alibaba's PAM client
 * gets it (transport/pamToken.ts). `application`: the application's Developer-API token (what these
 * operations sent before there was a choice). `field`: a token given in the node (an expression, e.g. from an
 * earlier Generate by Authorization Server step).
 */
export type PamTokenSource = 'pamClient' | 'application' | 'field';

export type Resource =
	| 'user'
	| 'organizationalUnit'
	| 'group'
	| 'application'
	| 'token'
	| 'cloudAccountRole'
	| 'credential'
	| 'authenticationToken'
	| 'oauthAuthorizationSession';

/**
 * What a success response holds:
 * `object`: one record (or the field named by responseKey);
 * `list`: records under responseKey, with pagination;
 * `none`: nothing useful (the API returns 200 with `{}` or no body).
 */
export type ResponseKind = 'object' | 'list' | 'none';

export interface OperationSpec {
	/** The API's name of the operation, as in the SDKs and the metadata (x-acs-action), e.g. CreateUser. */
	apiName: string;
	resource: Resource;
	/** n8n operation value, unique within the resource. */
	operation: string;
	/** Operation picker label. */
	displayName: string;
	/** What n8n's nodes panel and AI tools list for the operation (its option's `action`), e.g. "Create a user". */
	panelText: string;
	description: string;
	method: HttpMethod;
	/** Path template with `{instanceId}`, `{applicationId}` and the operation's own path params. */
	path: string;
	auth: AuthKind;
	params: readonly ParamSpec[];
	response: ResponseKind;
	/** The response field holding the result (`data` for lists, `userId` for lookups, ...). */
	responseKey?: string;
	pagination?: Pagination;
	/**
	 * The permission the application needs, as granted in the console. `undefined`: no scope
	 * is documented (the emulator then requires none).
	 */
	scope?: string;
	/** What comes back, in words, for an AI agent's model, where the generic wording would say too little (description/toolText.ts). */
	toolReturns?: string;
	/** In neither the API metadata nor the current SDKs; documented only by Go SDK v1.0.2 (client/client.go). */
	legacy?: boolean;
	/**
	 * Whether repeating the request is harmless (GET, PATCH, DELETE, idempotent actions).
	 * Retries after 5xx or a dropped connection only happen for these.
	 */
	idempotent: boolean;
	/** The kind of object the operation returns or acts on, for simplify and error hints. */
	subject?: 'user' | 'organizationalUnit' | 'group';
	/**
	 * Where the parameters go when the metadata and the SDK put them in the query string but a secret
	 * (client secret, code, token, password) would then sit in URLs that proxies and logs keep (RFC 6749
	 * sections 2.3.1 and 4.1.3, RFC 7009 section 2.1 define form posts). `in` keeps saying where the metadata
	 * puts them; each entry gives its evidence.
	 * `form`: every parameter except path ones in an application/x-www-form-urlencoded body (documented by
	 *   IDaaS for the operation).
	 * `formOrQuery`: a form body, undocumented by IDaaS for the operation; should the server answer that a
	 *   parameter is missing (it read the query string only), the request is sent once more the SDK's way,
	 *   parameters in the query string, and the fallback is logged without values (transport/formFallback.ts).
	 * Absent: as the metadata says.
	 */
	sendAs?: 'form' | 'formOrQuery';
	/** What this operation does beyond the generic path; see OperationHooks. */
	hooks?: OperationHooks;
}

/**
 * An operation's own behaviour, kept with its catalog entry so that generic code never asks for
 * an operation by name.
 */
export interface OperationHooks {
	/**
	 * For a create whose response was lost (5xx, dropped connection): given the values sent, a
	 * look-up that finds the object this request made and returns the response the create would
	 * have given, or undefined to send it again. Undefined when the values name nothing to find
	 * (the create is then not sent again). Asked only once an answer is lost; `sentAt` (Date.now()
	 * just before the create was first sent) lets the look-up tell an object this request made from
	 * one that was there before (which makes the create a conflict, not a success).
	 */
	recover?: (
		values: Readonly<Record<string, unknown>>,
		lookups: Lookups,
		sentAt: number,
	) => (() => Promise<IDataObject | undefined>) | undefined;
	/** Response fields holding secrets, withheld from the output unless the user opts in. */
	secrets?: SecretOutput;
	/** Node fields beyond the wire parameters, and what they make the operation do once IDaaS has answered. */
	followUp?: FollowUp;
	/**
	 * For a request IDaaS refused with `code`: what the error should add, from look-ups (who already
	 * holds a duplicate username), or undefined to leave it as it is.
	 */
	explainFailure?: (
		code: string,
		values: Readonly<Record<string, unknown>>,
		lookups: Lookups,
	) => Promise<FailureExplanation | undefined>;
	/** Names the output carries beside the IDs it echoes, for the next Slack or e-mail step (output/names.ts). */
	names?: OutputNames;
}

/**
 * What an operation may do after its answer (e.g. wait for a person's approval and fetch again), driven by
 * node fields of its own. Runs in the same item, with the same client and token.
 */
export interface FollowUp {
	/** Top-level node fields, shown for this operation only (the description adds displayOptions). */
	fields: readonly INodeProperties[];
	/** The fields' values checked before any request: a message naming the field, or undefined. */
	check(options: Readonly<Record<string, unknown>>): string | undefined;
	/** The item's final answer, given the first one and the fields' values. */
	run(
		answer: IDataObject,
		options: Readonly<Record<string, unknown>>,
		calls: FollowUpCalls,
	): Promise<IDataObject>;
}

/** The requests and the clock a follow-up uses (tests give a fake clock). */
export interface FollowUpCalls {
	/** The operation again, with the values it was first sent with. */
	again(): Promise<IDataObject>;
	/** Another operation, with the same token. */
	call(apiName: string, values: Record<string, unknown>): Promise<IDataObject>;
	/** Milliseconds since some fixed moment. */
	now(): number;
	wait(ms: number): Promise<void>;
}

/** An outcome IDaaS reported inside a successful answer (a refused approval, a session that expired), or a time limit. */
export class OperationOutcomeError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly description?: string,
	) {
		super(message);
		this.name = 'OperationOutcomeError';
	}
}

/** Where an operation's output has IDs to name: parameters for a write, record fields for a list. */
export interface OutputNames {
	/** A user ID, or a list of them: each user's username, display name and email go beside it. */
	user?: string;
	/**
	 * Read a user (GetUser, once per user per execution) whom neither the request nor the input
	 * item names; otherwise only what the node already knows is added.
	 */
	readUser?: boolean;
	/** From node version 1.2, one output item per user of a list (`user`) instead of one for all. */
	itemPerUser?: boolean;
	/** A group ID: its name goes beside it (`groupName`). */
	group?: string;
	/** An organizational unit ID, or a list: their names go beside them (`organizationalUnitName(s)`). */
	units?: string;
}

/** Words added to an API error: after its message, and before its description. */
export interface FailureExplanation {
	message: string;
	description: string;
}

/** The requests a hook may make, through the same client and for the same item. */
export interface Lookups {
	/** The ID an ID look-up answers, or undefined when no object matches. */
	findId(apiName: string, values: Record<string, unknown>): Promise<string | undefined>;
	/** The record a get operation answers. */
	get(apiName: string, values: Record<string, unknown>): Promise<IDataObject>;
	/** Every record of a list operation. */
	list(apiName: string, values: Record<string, unknown>): Promise<IDataObject[]>;
	/** The credential's instance ID: the source ID of objects created in IDaaS itself (build_in). */
	readonly instanceId: string;
}

/**
 * Execution data is stored and shown to anyone who can open the workflow's executions, so
 * secrets an operation returns are replaced by a marker unless the user switches on `optIn`.
 */
export interface SecretOutput {
	/** The documented secret fields, named in the node's texts; a dotted path for a nested one (`credentialContent.apiKeyContent.apiKey`). */
	fields: readonly string[];
	/**
	 * The only response fields output as they are (dotted paths; a list's elements share its
	 * path). Every other value is replaced by the marker: a secret under a field name IDaaS adds
	 * later, in another letter case, in a list or in a new credential type stays withheld.
	 */
	shown: readonly string[];
	/** The node's boolean field that lets them through (only a real `true` does). */
	optIn: { name: string; displayName: string; description: string };
	/** The warning shown while it is on. */
	notice: { name: string; text: string };
}
