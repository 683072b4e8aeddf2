/** One rotating log file per service in `dir` (background stacks), or null without a dir. */
import { join } from 'node:path';
import { ensurePrivateDir } from '../protocol/private-fs.js';
import { LogFile } from './log-file.js';

export function openLogFiles(dir: string | null, services: readonly string[]): Map<string, LogFile> | null {
  if (dir === null) return null;
  ensurePrivateDir(dir, { parents: true });
  return new Map(
    services.map((name) => [
      name,
      new LogFile(join(dir, `${name}.log`), {
        onError: (error) => process.emitWarning(`styxy: writing ${name}.log failed: ${error.message}`),
      }),
    ]),
  );
}
