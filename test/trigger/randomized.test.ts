import { randomizedSuite } from './randomized';

// 500 rounds here and 500 in randomized-b.test.ts (run in parallel): 1,000 per `npm test`.
randomizedSuite('a');
