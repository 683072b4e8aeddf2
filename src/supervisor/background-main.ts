/**
 * The background supervisor's entry: `node dist/supervisor/background-main.js <args>` (see
 * background/supervise.ts). The Node version first (the CLI that spawns it with its own Node
 * checked already; this is for a hand-run), then the chunks it may load later, kept in memory
 * so that an upgrade cannot take them away (os/kept-chunks.ts), then the compile cache: only
 * modules loaded after it use it, and this process loads a few hundred before it starts a
 * service (os/compile-cache.ts).
 */
import { keepChunks } from '../os/kept-chunks.js';
import { exitIfNodeTooOld } from '../os/node-version.js';

exitIfNodeTooOld();
keepChunks('supervisor/background-main.js');
const { startCompileCache } = await import('../os/compile-cache.js');
startCompileCache();
// The config loads in a child process of its own (background/config-child.ts) while the
// supervisor's modules load here.
try {
  const { decodeArgs } = await import('./background/launch.js');
  const args = decodeArgs(process.argv.slice(2));
  const { styxyHome } = await import('../protocol/home.js');
  const request = { cwd: args.cwd, file: args.config ?? undefined, home: styxyHome() };
  (await import('./background/config-child.js')).loadConfigAhead(request);
} catch {
  // Arguments it cannot read: supervise.js reports them.
}
await import('./background/supervise.js');
