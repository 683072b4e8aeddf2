/**
 * `node_modules/.bin` folders to put first on a service's PATH, as npm does for scripts: the
 * service's folder's and every ancestor's, nearest first, so `vite` or `tsx` in a command finds
 * the project's copy.
 */
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export function binDirs(from: string, exists: (path: string) => boolean = existsSync): string[] {
  const dirs: string[] = [];
  for (let dir = from; ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', '.bin');
    if (exists(bin)) dirs.push(bin);
    if (dirname(dir) === dir) return dirs;
  }
}

/** The env key that holds the search path (`Path` on Windows when spelled so). */
export function pathKey(env: Readonly<Record<string, string | undefined>>): string {
  return Object.keys(env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH';
}

/** `dirs` in front of `current`, skipping ones already at the front. */
export function prependPath(dirs: readonly string[], current: string | undefined): string {
  const rest = current ? current.split(delimiter) : [];
  return [...dirs, ...rest.filter((entry) => !dirs.includes(entry))].join(delimiter);
}
