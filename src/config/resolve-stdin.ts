/** What a service reads: an open pipe (the default) or nothing (`'null'`, EOF at once). */
import type { FieldPath, Problems } from './problems.js';
import { stdinMode } from './schema.js';
import type { StdinMode } from './types.js';
import { parseField } from './zod-problems.js';

export const DEFAULT_STDIN: StdinMode = 'pipe';

export function resolveStdin(raw: unknown, path: FieldPath, problems: Problems): StdinMode {
  if (raw === undefined) return DEFAULT_STDIN;
  return parseField(stdinMode, raw, path, problems) ?? DEFAULT_STDIN;
}
