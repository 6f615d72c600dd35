/**
 * Errors the emulator answers with. Codes and messages follow the zh API metadata's error
 * tables; codes the sources do not give are marked ASSUMPTION where they are made.
 */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

/** `userId` → `UserId`, `grant_type` → `GrantType`: the documented `MissingParameter.<Param>` style. */
export function pascal(name: string): string {
	return name
		.split('_')
		.map((part) => part.charAt(0).toUpperCase() + part.slice(1))
		.join('');
}

export const missing = (param: string) =>
	new ApiError(
		400,
		`MissingParameter.${pascal(param)}`,
		`The specified parameter:${pascal(param)} is required!`,
	);

export const invalid = (param: string, why?: string) =>
	new ApiError(
		400,
		`InvalidParameter.${pascal(param)}`,
		`The specified parameter:${pascal(param)} is invalid.${why ? ` ${why}` : ''}`,
	);

/** `ResourceNotFound.User` (404, documented for GetUser/PatchUser/...). */
export const notFound = (resource: string, id: string, status = 404) =>
	new ApiError(
		status,
		`ResourceNotFound.${resource}`,
		`The specified ${resource} resource: ${id} not found.`,
	);

/**
 * ASSUMPTION: duplicates answer 400 `ResourceDuplicated.<Field>`, the style documented for
 * `ResourceDuplicated.OrganizationalUnitName`; no source gives the codes for username, email,
 * phone or external ID conflicts.
 */
export const duplicated = (field: string, value: string) =>
	new ApiError(
		400,
		`ResourceDuplicated.${pascal(field)}`,
		`The specified ${pascal(field)} resource: ${value} already exist!`,
	);

/**
 * Documented word for word, including `organizationUnitId` (not the API's usual
 * `organizationalUnitId`): "organizationUnitId : ou_… not in provisioning scope!" (the error
 * tables of CreateUser and the OU operations).
 */
export const ouNotInScope = (ouId: string) =>
	new ApiError(
		400,
		'OrganizationUnitIdNotInScopes',
		`organizationUnitId : ${ouId} not in provisioning scope!`,
	);

export const invalidToken = (message = 'Access token is not valid') =>
	new ApiError(400, 'invalid_token', message);

/** Management-op error body: both spellings, since the SDK runtime reads either (@alicloud/openapi-client src/client.ts). */
export function managementBody(error: ApiError, requestId: string): Record<string, string> {
	return {
		code: error.code,
		message: error.message,
		requestId,
		Code: error.code,
		Message: error.message,
		RequestId: requestId,
	};
}

/** `/oauth2/*` error body: OAuth style, which Alibaba's IDaaS SDKs parse first (github.com/cloud-idaas client SDKs), plus the ACS style. */
export function oauthBody(error: ApiError, requestId: string): Record<string, string> {
	return {
		error: error.code,
		error_description: error.message,
		request_id: requestId,
		code: error.code,
		message: error.message,
		requestId,
	};
}
