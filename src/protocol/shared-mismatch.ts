/**
 * Two definitions of one shared service (same key) that differ: the coordinator refuses the
 * second stack's registration with this error (coordinator/shared.ts), and `up --dry-run` says
 * beforehand that `up -d` would be refused (cli/up/dry-run.ts), in the same words.
 */
import type { SharedUse } from './coordinator-protocol.js';
import { StyxyError } from './errors.js';

/** The first field in which two definitions of one shared service differ, as `field: a vs b`; null when equal. */
export function definitionDifference(a: SharedUse['definition'], b: SharedUse['definition']): string | null {
  for (const field of ['command', 'cwd'] as const) {
    if (a[field] !== b[field]) return `${field}: ${a[field]} vs ${b[field]}`;
  }
  for (const field of ['env', 'ports'] as const) {
    const names = new Set([...Object.keys(a[field]), ...Object.keys(b[field])]);
    for (const name of [...names].sort()) {
      const x = a[field][name];
      const y = b[field][name];
      if (x !== y) return `${field}.${name}: ${x ?? '(not set)'} vs ${y ?? '(not set)'}`;
    }
  }
  return null;
}

/** STYXY_SHARED_MISMATCH for `use` against `other`, defined by the stack `stack` (its project and name). */
export function sharedMismatch(
  use: SharedUse,
  other: SharedUse,
  stack: { readonly project: string; readonly name: string },
  difference: string,
): StyxyError {
  return new StyxyError(
    'STYXY_SHARED_MISMATCH',
    `shared service "${use.service}" is defined differently in ${use.definition.file} and in ${other.definition.file} ` +
      `(used by stack ${stack.project}/${stack.name}): ${difference}`,
    {
      hint: `make the two definitions agree, or give one of them a key of its own: shared: { key: '${use.service}-2' }`,
      details: { service: use.service, key: use.key, files: [use.definition.file, other.definition.file] },
    },
  );
}
