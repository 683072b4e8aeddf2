/**
 * What a service reads: an open pipe (the default), nothing (`stdin: 'null'`, EOF at once), or a
 * pseudo-terminal (`tty: true`).
 */
import type { FieldPath, Problems } from './problems.js';
import { stdinMode, tty as ttySchema } from './schema.js';
import type { StdinMode } from './types.js';
import { parseField } from './zod-problems.js';

export const DEFAULT_STDIN: StdinMode = 'pipe';

export function resolveInput(
  rawStdin: unknown,
  rawTty: unknown,
  path: FieldPath,
  problems: Problems,
): { stdin: StdinMode; tty: boolean } {
  const stdin =
    rawStdin === undefined
      ? DEFAULT_STDIN
      : (parseField(stdinMode, rawStdin, [...path, 'stdin'], problems) ?? DEFAULT_STDIN);
  const tty =
    rawTty === undefined
      ? false
      : (parseField(ttySchema, rawTty, [...path, 'tty'], problems, 'true or false') ?? false);
  if (tty && stdin === 'null') {
    problems.add([...path, 'stdin'], "expected no stdin with tty: true (the terminal is its stdin), found 'null'");
  }
  return { stdin, tty };
}
