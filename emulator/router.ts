import { CATALOG } from '../nodes/AlibabaIdaas/catalog';
import type { OperationSpec } from '../nodes/AlibabaIdaas/catalog';

export interface RouteMatch {
	op: OperationSpec;
	/** Decoded path parameters, by their catalog names (instanceId, applicationId, userId, ...). */
	params: Record<string, string>;
}

export type RouteResult = RouteMatch | { methodNotAllowed: string[] } | undefined;

interface Route {
	op: OperationSpec;
	pattern: RegExp;
	names: string[];
}

/** Compiles a catalog path template (`/v2/{instanceId}/.../users/{userId}`) into a regex. */
function compile(op: OperationSpec): Route {
	const names: string[] = [];
	const source = op.path
		.split(/(\{[^}]+\})/)
		.map((part) => {
			const name = /^\{([^}]+)\}$/.exec(part)?.[1];
			if (!name) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
			names.push(name);
			return '([^/]+)';
		})
		.join('');
	return { op, pattern: new RegExp(`^${source}/?$`), names };
}

/**
 * The routing table, built from the catalog so that a path exists here exactly when the node can
 * call it. Templates with fewer parameters come first, so `/users/_/actions/getUserIdByEmail`
 * never reads as the user `_`.
 */
export class Router {
	private readonly routes: Route[];

	constructor(operations: readonly OperationSpec[] = CATALOG) {
		this.routes = operations.map(compile).sort((a, b) => a.names.length - b.names.length);
	}

	/** Throws URIError for a malformed percent-encoding in a path parameter. */
	match(method: string, pathname: string): RouteResult {
		const allowed: string[] = [];
		for (const route of this.routes) {
			const found = route.pattern.exec(pathname);
			if (!found) continue;
			if (route.op.method !== method) {
				allowed.push(route.op.method);
				continue;
			}
			const params: Record<string, string> = {};
			route.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1])));
			return { op: route.op, params };
		}
		return allowed.length ? { methodNotAllowed: [...new Set(allowed)] } : undefined;
	}
}
