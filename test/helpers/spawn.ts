/** For tests that call spawnService / spawnPtyService directly. */
import { join } from 'node:path';
import type { LaunchSpec } from '../../src/supervisor/launch-spec.js';

/** A service `fallback` that runs `/bin/sh -c SCRIPT` in `cwd`, with only PATH in its environment. */
export function shSpec(cwd: string, script: string): LaunchSpec {
  return {
    service: 'fallback',
    file: '/bin/sh',
    args: ['-c', script],
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdin: 'null',
    daemon: null,
  } as unknown as LaunchSpec;
}

/**
 * Runs `body` with TMPDIR naming a folder that does not exist (below `root`), so that nothing can
 * be made in `os.tmpdir()` (the FIFOs of os/output-pipes.ts), then puts TMPDIR back as it was.
 */
export async function withoutTmpFolder<T>(root: string, body: () => Promise<T>): Promise<T> {
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = join(root, 'no-such-folder');
  try {
    return await body();
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  }
}
