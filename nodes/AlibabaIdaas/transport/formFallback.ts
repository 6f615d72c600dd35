import type { Logger } from 'n8n-workflow';

import type { OperationSpec } from '../catalog';
import type { HttpRequest } from './request';
import { isMissingParameter, parseErrorResponse } from './errors';
import type { Exchanged, Sender } from './session';

/**
 * Operations with `sendAs: 'formOrQuery'` (catalog/types.ts): the request goes as a form body, which keeps its
 * secrets out of the URL; when the server answers that a parameter is missing (it read the query string only,
 * where the SDK puts them), it is sent once more with the parameters in the query string. The log line names
 * the operation and the parameters, never their values.
 */
export class QueryFallback implements Sender {
	constructor(
		private readonly inner: Sender,
		private readonly op: OperationSpec,
		private readonly logger: Logger,
	) {}

	async send(request: HttpRequest): Promise<Exchanged> {
		const answer = await this.inner.send(request);
		if (
			!request.form ||
			!('statusCode' in answer) ||
			!isMissingParameter(parseErrorResponse(answer.statusCode, answer.body))
		)
			return answer;
		this.logger.warn(
			`IDaaS read no ${this.op.apiName} parameter from the form body; sending it once more with ${Object.keys(request.form).sort().join(', ')} in the query string, as Alibaba's SDK does`,
		);
		const { form, ...rest } = request;
		return await this.inner.send({ ...rest, qs: { ...request.qs, ...form } });
	}
}
