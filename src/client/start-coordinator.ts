/**
 * Starting the coordinator: a detached `node dist/coordinator/main.js` of its own session, its
 * output going to `$STYXY_HOME/coordinator.log`. Correctness does not depend on this file (the
 * daemon's own lock keeps it to one per home); the spawn lock here only keeps fifty clients that
 * start at once from launching fifty daemons that would all but one exit at once.
 */
import { closeSync, lstatSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { childProcess } from '../os/child-process.js';
import { isSameProcess } from '../os/process-table.js';
import { TAG_VARIABLE } from '../os/tag.js';
import type { HomePaths } from '../protocol/home.js';
import { readLockFile } from '../protocol/lock-file.js';
import { packageFile } from '../protocol/package-root.js';
import { openOwnFile } from '../protocol/private-fs.js';

/** A spawn younger than this is still starting; later clients wait for it instead of spawning. */
const SPAWN_FRESH_MS = 3000;

/** The daemon's entry: the built one, also when the sources run (tests). */
export function coordinatorEntry(): string {
  return packageFile('dist/coordinator/main.js');
}

function spawnLockPath(paths: HomePaths): string {
  return join(paths.home, 'coordinator.spawn');
}

/** True while a live coordinator holds the daemon lock (it is starting or serving). */
export function coordinatorHoldsLock(paths: HomePaths): boolean {
  const holder = readLockFile(paths.lock);
  return typeof holder === 'object' && holder !== null && isSameProcess(holder.pid, holder.startTime);
}

/** A coordinator this process spawned: its pid, and how it ended once it has. */
export interface SpawnedCoordinator {
  readonly pid: number | undefined;
  /** Null while it runs; else how it ended (`exit 1`, `SIGKILL`, or the spawn error). */
  readonly ended: () => string | null;
}

/**
 * Spawns a coordinator unless one holds the lock or another client spawned one a moment ago
 * (then null).
 */
export function startCoordinator(paths: HomePaths, env: NodeJS.ProcessEnv = process.env): SpawnedCoordinator | null {
  if (coordinatorHoldsLock(paths)) return null;
  const spawnLock = spawnLockPath(paths);
  let fd: number;
  try {
    fd = openOwnFile(spawnLock, 'create');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (ageMs(spawnLock) < SPAWN_FRESH_MS) return null;
    try {
      unlinkSync(spawnLock);
    } catch {}
    return startCoordinator(paths, env);
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return spawnDaemon(paths, env);
}

/** Removes the spawn lock once the coordinator answers (or starting it failed). */
export function clearSpawnLock(paths: HomePaths): void {
  const spawnLock = spawnLockPath(paths);
  try {
    if (readFileSync(spawnLock, 'utf8') === `${process.pid}\n`) unlinkSync(spawnLock);
  } catch {}
}

function spawnDaemon(paths: HomePaths, env: NodeJS.ProcessEnv): SpawnedCoordinator {
  const log = openOwnFile(paths.log, 'append');
  try {
    const childEnv: NodeJS.ProcessEnv = { ...env, STYXY_HOME: paths.home };
    // A coordinator started from inside a service must not carry its tag: a sweep of that
    // service's processes would kill the coordinator too.
    delete childEnv[TAG_VARIABLE];
    const child = childProcess().spawn(process.execPath, [coordinatorEntry()], {
      detached: true,
      stdio: ['ignore', log, log],
      env: childEnv,
      // Not the caller's folder: a daemon must not keep a worktree busy.
      cwd: paths.home,
    });
    let ended: string | null = null;
    // Reported by the caller when the coordinator does not answer in time.
    child.on('error', (error) => {
      ended ??= `could not be started: ${error.message}`;
    });
    child.on('exit', (code, signal) => {
      ended ??= signal ? `was killed by ${signal}` : `exited with code ${code}`;
    });
    child.unref();
    return { pid: child.pid, ended: () => ended };
  } finally {
    closeSync(log);
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - lstatSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
