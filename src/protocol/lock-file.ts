/**
 * The coordinator's lock file (`$STYXY_HOME/coordinator.lock`) holds `<pid> <start time>`: the
 * coordinator writes it (coordinator/daemon-lock.ts); clients read it to see whether one is
 * starting, and `styxy daemon stop` to find one that does not answer.
 */
import { readFileSync } from 'node:fs';

export interface LockHolder {
  readonly pid: number;
  /** The holder's start time as the OS tells it (os/process-table.ts), null when unknown. */
  readonly startTime: string | null;
}

/** The holder named in a lock file; null when unreadable or half-written; 'gone' when absent. */
export function readLockFile(path: string): LockHolder | null | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : null;
  }
  const match = /^(\d+)(?: (\S+))?\n?$/.exec(text);
  if (!match) return null;
  return { pid: Number(match[1]), startTime: match[2] === undefined || match[2] === '-' ? null : match[2] };
}
