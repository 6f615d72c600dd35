import type { IDataObject } from 'n8n-workflow';

/**
 * SCIM errors as RFC 7644 §3.12 defines them (https://www.rfc-editor.org/rfc/rfc7644#section-3.12):
 * the Error schema, `status` as a string, and `scimType` for the 400 and 409 kinds a client acts on.
 * Every answer the trigger refuses with is one of these, so a SCIM client (IDaaS, Okta, Entra) reads
 * it the same way whatever went wrong.
 */

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The scimType values of RFC 7644 Table 9 that this service provider uses. */
export type ScimType =
	| 'invalidFilter'
	| 'tooMany'
	| 'uniqueness'
	| 'mutability'
	| 'invalidSyntax'
	| 'invalidPath'
	| 'noTarget'
	| 'invalidValue';

export class ScimError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly scimType?: ScimType,
	) {
		super(message);
		this.name = 'ScimError';
	}

	body(): IDataObject {
		const body: IDataObject = {
			schemas: [ERROR_SCHEMA],
			status: String(this.status),
			detail: this.message,
		};
		if (this.scimType) body.scimType = this.scimType;
		return body;
	}
}

export const badRequest = (message: string, scimType: ScimType = 'invalidValue') =>
	new ScimError(400, message, scimType);
export const notFound = (resource: string, id: string) =>
	new ScimError(404, `${resource} ${id} not found`);
export const conflict = (message: string) => new ScimError(409, message, 'uniqueness');
export const unauthorized = () =>
	new ScimError(401, 'Authorization failure. The authorization header is invalid or missing.');
