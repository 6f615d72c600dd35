import { randomizedSuite } from './randomized';

randomizedSuite('b');
