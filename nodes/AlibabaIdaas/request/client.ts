import type { IDataObject } from 'n8n-workflow';

import type { Lookups, OperationSpec } from '../catalog';
import { catalogOp, isPamOperation } from '../catalog';
import type { CallOptions } from '../transport/client';
import { Transport } from '../transport/client';
import type { PreparedRequest } from './build';
import { checked, prepareRequest } from './build';

/**
 * The transport with request preparation on top: what the node, the trigger and the list searches
 * talk to IDaaS with, made by `IdaasClient.connect(ctx)`. Values are checked against the catalog
 * and built into a request here; the transport below only sends built requests
 * (transport/client.ts), so it never reaches back up.
 */
export class IdaasClient extends Transport {
	/**
	 * Checks values against the catalog and builds the request; bad input throws a NodeOperationError naming the
	 * field. A PAM operation sent without a Token choice (a step of a composed operation, such as Offboard's token
	 * revocation) carries the PAM client token, as the PAM operations do by default.
	 */
	prepare(
		op: OperationSpec,
		values: Record<string, unknown>,
		itemIndex?: number,
		token?: Pick<PreparedRequest, 'tokenSource'> & { bearer?: string },
	): PreparedRequest {
		const tokenSource =
			token?.tokenSource ?? (op.auth === 'bearer' && isPamOperation(op) ? 'pamClient' : undefined);
		return checked(
			this.node,
			() => prepareRequest(op, values, this.connection, token?.bearer, tokenSource),
			itemIndex,
		);
	}

	/** Prepares and sends one operation. */
	async call(
		op: OperationSpec,
		values: Record<string, unknown>,
		options: CallOptions = {},
	): Promise<IDataObject> {
		return await this.send(this.prepare(op, values, options.itemIndex), options);
	}

	/** The look-ups an operation's hooks may make (catalog Lookups), sent by this client on behalf of the item. */
	lookups(itemIndex: number): Lookups {
		return {
			instanceId: this.connection.instanceId,
			findId: async (apiName, values) =>
				await this.findId(this.prepare(catalogOp(apiName), values, itemIndex), { itemIndex }),
			get: async (apiName, values) => await this.call(catalogOp(apiName), values, { itemIndex }),
			list: async (apiName, values) =>
				await this.list(this.prepare(catalogOp(apiName), values, itemIndex), { itemIndex }),
		};
	}
}
