/**
 * The background supervisor's entry: `node dist/supervisor/background-main.js <args>` (see
 * background/supervise.ts). The compile cache first: only modules loaded after it use it, and
 * this process loads a few hundred before it starts a service (os/compile-cache.ts).
 */
import { startCompileCache } from '../os/compile-cache.js';

startCompileCache();
await import('./background/supervise.js');
