import type { Lookups } from '../catalog';
import { catalogOp } from '../catalog';
import type { IdaasClient } from '../request/client';

/** The requests a hook may make, sent by this execution's client on behalf of the item. */
export function lookupsFor(client: IdaasClient, itemIndex: number): Lookups {
	return {
		instanceId: client.connection.instanceId,
		findId: async (apiName, values) => await client.findId(client.prepare(catalogOp(apiName), values, itemIndex), { itemIndex }),
		get: async (apiName, values) => await client.call(catalogOp(apiName), values, { itemIndex }),
		list: async (apiName, values) => await client.list(client.prepare(catalogOp(apiName), values, itemIndex), { itemIndex }),
	};
}
