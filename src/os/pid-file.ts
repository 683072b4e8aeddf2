/**
 * A daemon's pid file, and whether the process it names may be taken as the one a command just
 * started: a daemonized server is no descendant of anything of ours (its parent exited), so
 * what makes it ours is weaker proof, all of which must hold (docs/security.md, "Daemons"):
 * the pid file is the one the config names, the process started no earlier than the command
 * that was spawned to start it, and it runs as our user (any user when we are root: root can
 * signal anything anyway, and `runuser -u postgres -- pg_ctl start` must work).
 */
import { lstatSync, readFileSync, unlinkSync } from 'node:fs';
import { currentUid } from '../protocol/private-fs.js';
import { isAlive, processInfo, processUid } from './process-table.js';
import type { ProcessRecord } from './stop-target.js';

/** Pid files are a few bytes; a larger one is not a pid file. */
const MAX_PID_FILE_BYTES = 4096;

/** The pid on the first line of `path`, or null (missing, empty, not a number, not a regular file). */
export function readPidFile(path: string): number | null {
  try {
    const stat = lstatSync(path);
    if (!stat.isFile() || stat.size > MAX_PID_FILE_BYTES) return null;
    const first = readFileSync(path, 'utf8').split('\n', 1)[0]!.trim();
    if (!/^\d+$/.test(first)) return null;
    const pid = Number(first);
    return pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Removes a pid file whose process is gone (a crash's leftover), so a stale pid — perhaps reused
 * by now — is never read as the new daemon's. A file naming a live process is left alone (the
 * program itself will say it is running already).
 */
export function removeStalePidFile(path: string): void {
  const pid = readPidFile(path);
  if (pid === null || isAlive(pid)) return;
  try {
    unlinkSync(path);
  } catch {
    // Not ours to remove (permissions): the start-time check still guards against it.
  }
}

/**
 * Whether start time `later` is not before `earlier` (both from processInfo). Linux: clock ticks
 * since boot; elsewhere `ps`'s lstart. Unknown is "no": nothing is taken on a guess.
 */
export function startedNotBefore(later: string, earlier: string | null): boolean {
  if (earlier === null) return false;
  if (/^\d+$/.test(later) && /^\d+$/.test(earlier)) return BigInt(later) >= BigInt(earlier);
  const a = Date.parse(later);
  const b = Date.parse(earlier);
  return Number.isFinite(a) && Number.isFinite(b) && a >= b;
}

/**
 * The process `path` names, as a record, when it may be taken as started by the command that
 * started at `launchedAt` (see above); null otherwise.
 */
export function daemonFromPidFile(path: string, launchedAt: string | null): ProcessRecord | null {
  const pid = readPidFile(path);
  if (pid === null || pid === process.pid) return null;
  const info = processInfo(pid);
  if (!info || !startedNotBefore(info.startTime, launchedAt)) return null;
  const uid = currentUid();
  if (uid !== null && uid !== 0 && processUid(pid) !== uid) return null;
  return { pid, pgid: info.pgid, startTime: info.startTime };
}
