import type { FieldPath, Problems } from './problems.js';
import { closest, quoteList } from './suggest.js';

/**
 * Unknown keys are errors (a misspelt option would otherwise be silently ignored), each with a
 * suggestion when one is close (`dependOn` → `dependsOn`) and the known keys otherwise.
 */
export function checkKeys(
  object: Record<string, unknown>,
  known: readonly string[],
  path: FieldPath,
  problems: Problems,
): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const match = closest(key, known);
    problems.add(
      [...path, key],
      match === undefined
        ? `unknown option; expected one of ${quoteList(known)}`
        : `unknown option; did you mean "${match}"?`,
    );
  }
}
