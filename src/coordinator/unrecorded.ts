/**
 * The error of a grant the journal could not record (journal.ts: write-ahead means write-ahead):
 * `cannot record the lease: no space left on /home/me/.local/state/styxy (free some space)`.
 */
import { StyxyError } from '../protocol/errors.js';

const REASONS: Readonly<Record<string, (home: string) => readonly [reason: string, fix: string]>> = {
  ENOSPC: (home) => [`no space left on ${home}`, 'free some space'],
  EDQUOT: (home) => [`the disk quota is used up on ${home}`, 'free some space'],
  EIO: (home) => [`an I/O error on ${home}`, 'check the disk'],
  EROFS: (home) => [`${home} is on a read-only file system`, 'make it writable'],
  EACCES: (home) => [`${home} cannot be written to`, `check the permissions of ${home}`],
};

/** `what`: the thing that was not granted ("the lease", "the stack"). */
export function unrecorded(what: string, error: unknown, home: string): StyxyError {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
  const [reason, fix] = REASONS[code]?.(home) ?? [
    `writing the journal in ${home} failed (${(error as Error)?.message ?? error})`,
    'see the coordinator log',
  ];
  return new StyxyError('STYXY_STATE_WRITE_FAILED', `cannot record ${what}: ${reason} (${fix})`, {
    hint: `nothing was granted; retry once ${home} can be written again (\`styxy doctor\` checks it)`,
    details: { code: code || null, home },
    cause: error,
  });
}
