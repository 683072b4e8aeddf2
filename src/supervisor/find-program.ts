/** Where `sh` would find a program: a path (relative to `cwd`), or the first PATH entry that has it. */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, resolve } from 'node:path';

export function findProgram(file: string, path: string | undefined, cwd: string): string | null {
  if (file.includes('/')) return runnable(isAbsolute(file) ? file : resolve(cwd, file));
  for (const dir of (path ?? '').split(delimiter)) {
    const found = runnable(resolve(cwd, dir || '.', file));
    if (found) return found;
  }
  return null;
}

function runnable(candidate: string): string | null {
  try {
    if (!statSync(candidate).isFile()) return null;
    accessSync(candidate, constants.X_OK);
    return candidate;
  } catch {
    return null;
  }
}
