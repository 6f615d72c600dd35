import { globalTeardown } from './leakGuard';

export default globalTeardown;
