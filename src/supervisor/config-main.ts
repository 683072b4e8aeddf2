/**
 * The config loader's process (config-child.ts): `node dist/supervisor/config-main.js <request>` loads the project config as `styxy up` does, sends the resolved config (or the
 * error) to its parent, and exits. The compile cache first: only modules loaded after it use it.
 * Its parent wrote the request (folder, files, home), so it is not checked again here.
 */
import { startCompileCache } from '../os/compile-cache.js';
import type { ConfigAnswer, ConfigRequest } from './background/config-child.js';

startCompileCache();
const request = JSON.parse(process.argv[2] ?? 'null') as ConfigRequest;
// A JS or TS config's loader boots while the loader's own modules load (config/prewarm.ts).
(await import('../config/prewarm.js')).prewarmFor(request.cwd, request.file);
const { loadProjectConfig } = await import('../config/load.js');
const { isStyxyError, StyxyError } = await import('../protocol/errors.js');

function answer(message: ConfigAnswer): void {
  // Exits once the message is written: nothing else may keep this process (a config's timer).
  process.send?.(message, () => process.exit(0));
}

try {
  const config = await loadProjectConfig({ cwd: request.cwd, file: request.file, home: request.home });
  answer({ ok: true, config });
} catch (error) {
  const failure = isStyxyError(error)
    ? error
    : new StyxyError('STYXY_INTERNAL', `loading the config failed: ${(error as Error)?.stack ?? error}`);
  answer({ ok: false, error: failure.toWire() });
}
