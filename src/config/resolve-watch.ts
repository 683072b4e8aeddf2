/**
 * `watch`: glob patterns (relative to the service's cwd) whose files restart the service when
 * they change; a list (`'!pattern'` ignores) or `{ paths, ignore, debounce }`.
 */
import { checkKeys } from './check-keys.js';
import { describeValue, isPlainObject } from './describe-value.js';
import type { FieldPath, Problems } from './problems.js';
import { WATCH_KEYS, watchList, watchOptions } from './schema.js';
import type { ResolvedWatch } from './types.js';
import { parseField } from './zod-problems.js';

/** Quiet time after the last change before the restart: an editor's save (or a `git checkout`) is a burst. */
export const DEFAULT_WATCH_DEBOUNCE_MS = 300;

const EXPECTED = "a list of glob patterns (e.g. ['src/**/*.ts', '!**/*.test.ts']) or { paths, ignore, debounce }";

export function resolveWatch(raw: unknown, path: FieldPath, problems: Problems): ResolvedWatch | null {
  if (raw === undefined) return null;
  if (Array.isArray(raw)) {
    const list = parseField(watchList, raw, path, problems, EXPECTED);
    if (!list) return null;
    const paths = list.filter((pattern) => !pattern.startsWith('!'));
    const ignore = list.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1));
    if (paths.length === 0) {
      problems.add(path, 'expected at least one pattern to watch (every one starts with "!", which only ignores)');
      return null;
    }
    return { paths, ignore, debounceMs: DEFAULT_WATCH_DEBOUNCE_MS };
  }
  if (!isPlainObject(raw)) {
    problems.add(path, `expected ${EXPECTED}, found ${describeValue(raw)}`);
    return null;
  }
  checkKeys(raw, WATCH_KEYS, path, problems);
  const options = parseField(watchOptions, raw, path, problems);
  if (!options) return null;
  return {
    paths: options.paths,
    ignore: options.ignore ?? [],
    debounceMs: options.debounce ?? DEFAULT_WATCH_DEBOUNCE_MS,
  };
}
