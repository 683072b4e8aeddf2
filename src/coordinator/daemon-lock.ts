/**
 * One coordinator per STYXY_HOME: a lock file created with O_EXCL that holds the owner's pid and
 * start time. A lock whose process is gone (a crashed coordinator) is broken safely: only while
 * holding a second, short-lived "breaker" lock, and only if it still is the very file found
 * stale (same inode, same content), so two starters can never both break and both win.
 */
import { closeSync, lstatSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { isSameProcess, processStartTime } from '../os/process-table.js';
import { readLockFile } from '../protocol/lock-file.js';
import { openOwnFile } from '../protocol/private-fs.js';

export type LockResult =
  | { readonly kind: 'acquired'; readonly lock: DaemonLock }
  | { readonly kind: 'held'; readonly pid: number };

export interface DaemonLock {
  /** True while the lock file is still ours (false once the home was deleted or it was replaced). */
  stillHeld(): boolean;
  release(): void;
}

/** A lock file younger than this without content is still being written by its creator. */
const FRESH_MS = 2000;
/** A breaker older than this was left by a process that died mid-break. */
const STALE_BREAKER_MS = 5000;

function tryCreate(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openOwnFile(path, 'create');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function identity(path: string): string | null {
  try {
    const stat = lstatSync(path);
    return `${stat.dev}:${stat.ino}:${readFileSync(path, 'utf8')}`;
  } catch {
    return null;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - lstatSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Removes the stale lock seen as `seen`, under the breaker. True when the caller should retry now. */
function breakStale(path: string, seen: string): boolean {
  const breaker = `${path}.break`;
  if (!tryCreate(breaker, `${process.pid}\n`)) {
    if (ageMs(breaker) > STALE_BREAKER_MS) {
      try {
        unlinkSync(breaker);
      } catch {}
      return true;
    }
    return false; // someone else is breaking it: wait, then look again
  }
  try {
    if (identity(path) === seen) unlinkSync(path);
  } finally {
    try {
      unlinkSync(breaker);
    } catch {}
  }
  return true;
}

export async function acquireDaemonLock(path: string, deadlineMs = 10_000): Promise<LockResult> {
  const content = `${process.pid} ${processStartTime(process.pid) ?? '-'}\n`;
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (tryCreate(path, content)) return { kind: 'acquired', lock: ownLock(path, content) };
    const seen = identity(path);
    const holder = readLockFile(path);
    if (holder === 'gone') continue;
    if (holder && isSameProcess(holder.pid, holder.startTime)) return { kind: 'held', pid: holder.pid };
    const stale = holder !== null || ageMs(path) > FRESH_MS;
    if (stale && seen !== null && breakStale(path, seen)) continue;
    if (Date.now() > deadline) throw new Error(`could not take the lock ${path} (held or being broken)`);
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
  }
}

function ownLock(path: string, content: string): DaemonLock {
  const stillHeld = () => {
    try {
      return readFileSync(path, 'utf8') === content;
    } catch {
      return false;
    }
  };
  return {
    stillHeld,
    release() {
      if (!stillHeld()) return;
      try {
        unlinkSync(path);
      } catch {}
    },
  };
}
