import { CATALOG } from '../../nodes/AlibabaIdaas/catalog';
import { buildRequest } from '../../nodes/AlibabaIdaas/request/build';
import { ParameterError } from '../../nodes/AlibabaIdaas/request/validation';
import { createRandom, hostileValue, seedFromEnv } from '../support/random';

/**
 * Every operation gets random and malformed values for every parameter. Each attempt must end in
 * a ParameterError (naming a field) or a request whose path has no unescaped segment, whose
 * query and body hold only catalog parameters, and which is valid JSON. Nothing else may throw.
 */

const connection = { baseUrl: 'https://idaas.example.com', instanceId: 'idaas_fuzz', applicationId: 'app_fuzz' };
const ROUNDS_PER_OPERATION = 400;
const seed = seedFromEnv('FUZZ_SEED');

describe(`request fuzzing (seed ${seed}, FUZZ_SEED to replay)`, () => {
	const totals = { rejected: 0, built: 0 };

	afterAll(() => {
		// eslint-disable-next-line no-console
		console.log(`fuzz: ${totals.rejected} rejected with a field error, ${totals.built} valid requests`);
	});

	it.each(CATALOG.map((op) => [op.apiName, op] as const))('%s', (_, op) => {
		const random = createRandom(seed ^ op.apiName.length * 7919);
		for (let round = 0; round < ROUNDS_PER_OPERATION; round++) {
			const values: Record<string, unknown> = {};
			for (const param of op.params) {
				if (random.chance(0.8)) values[param.name] = hostileValue(random);
			}
			let request;
			try {
				request = buildRequest(op, values, connection);
			} catch (error) {
				expect(error).toBeInstanceOf(ParameterError);
				expect((error as ParameterError).label.length).toBeGreaterThan(0);
				totals.rejected++;
				continue;
			}
			totals.built++;
			const url = new URL(request.url);
			expect(url.origin).toBe('https://idaas.example.com');
			expect(url.search).toBe('');
			expect(url.hash).toBe('');
			const templateSegments = op.path.split('/');
			const segments = request.url.slice(connection.baseUrl.length).split('/');
			expect(segments).toHaveLength(templateSegments.length);
			segments.forEach((segment, index) => {
				const template = templateSegments[index];
				if (template.startsWith('{')) {
					expect(segment).toMatch(/^[A-Za-z0-9_-]+$/);
				} else {
					expect(segment).toBe(template);
				}
			});
			const names = new Set(op.params.map((p) => p.name));
			for (const key of Object.keys(request.qs)) expect(names.has(key)).toBe(true);
			for (const key of Object.keys(request.body ?? {})) expect(names.has(key)).toBe(true);
			for (const key of Object.keys(request.form ?? {})) expect(names.has(key)).toBe(true);
			expect(() => JSON.stringify(request.body)).not.toThrow();
			for (const param of op.params.filter((p) => p.required && p.in !== 'path')) {
				// Operations sent as a form carry every non-path parameter there (sendAs).
				const where = op.sendAs ? (request.form ?? {}) : param.in === 'query' ? request.qs : request.body ?? {};
				expect(where[param.name]).toBeDefined();
			}
		}
	});
});
