import type { IdKind } from './ids';
import type { ParamSpec } from './types';

/**
 * Which parameters the editor shows as resource locators, and the modes that name an object
 * instead of giving its ID: the editor draws them (description/locatorField.ts) and the request
 * layer resolves them (request/locators.ts), from these same facts.
 */

/** The mode of organizational unit and group locators that names the object instead of giving its ID. */
export const NAME_MODE = 'name';

/** What separates the names in a unit's path, in the picker and when a path is resolved. */
export const PATH_SEPARATOR = ' / ';

// Deliberately loose: the editor hint only catches the obvious mistakes; the same format check
// as for email fields runs before any request.
export const EMAIL_REGEX = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';

/** The ID kinds the editor offers a picker for. */
const LOCATOR_KINDS: readonly IdKind[] = ['user', 'organizationalUnit', 'group'];

/** Whether the node shows this parameter as a resource locator (a single user, OU or group ID). */
export function isLocatorParam(param: ParamSpec): boolean {
	return param.valueType === 'string' && param.idKind !== undefined && LOCATOR_KINDS.includes(param.idKind);
}

/** Whether the node shows this parameter as a list of resource locators (several user, OU or group IDs). */
export function isLocatorListParam(param: ParamSpec): boolean {
	return param.valueType === 'stringList' && param.idKind !== undefined && LOCATOR_KINDS.includes(param.idKind);
}
