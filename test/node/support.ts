/**
 * The node tests run on the shared emulator set-up (test/harness/emulatorEnv.ts): one emulator (demo
 * seed unless told otherwise) and one harness per test file, over real HTTP. This file only adds the
 * resource locator modes the node tests use beyond the fault tests.
 */

export type { Env } from '../harness/emulatorEnv';
export { byId, fromList, node, outputs as json, startEnv } from '../harness/emulatorEnv';

/** An expression: n8n's own pre-run checks (required, locator regex) skip it, so the node's checks are what answer. */
export const expr = (value: unknown) => `={{ ${JSON.stringify(value)} }}`;

export const byUsername = (value: string) => ({ __rl: true, mode: 'username', value });
export const byEmail = (value: string) => ({ __rl: true, mode: 'email', value });
