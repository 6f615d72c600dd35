import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { TOKEN_OPT_IN, findLeaks } from './leakGuard';

describe('leak guard', () => {
	it('finds a recorded secret inside any recorded output, and nothing when there is none', () => {
		const folder = mkdtempSync(join(tmpdir(), 'leak-test-'));
		try {
			writeFileSync(join(folder, 'secrets-1.txt'), 'AT-super-secret-token\nclient-secret-123\n');
			writeFileSync(
				join(folder, 'outputs-2.jsonl'),
				`${JSON.stringify({ label: 'clean', text: '{"userId":"user_1"}' })}\n`,
			);
			expect(findLeaks(folder)).toEqual([]);
			writeFileSync(
				join(folder, 'outputs-3.jsonl'),
				`${JSON.stringify({ label: 'execute user.get', text: '{"error":"Bearer AT-super-secret-token refused"}' })}\n`,
			);
			expect(findLeaks(folder)).toEqual(['execute user.get: contains a secret starting AT-s…']);
			// Only an output whose token values the user explicitly requested may hold a token.
			writeFileSync(
				join(folder, 'outputs-4.jsonl'),
				`${JSON.stringify({ label: `execute token.generate ${TOKEN_OPT_IN}`, text: '{"access_token":"AT-super-secret-token"}' })}\n`,
			);
			expect(findLeaks(folder)).toEqual(['execute user.get: contains a secret starting AT-s…']);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});
});
