import { globalSetup } from './leakGuard';

export default globalSetup;
