/**
 * Ctrl-C (or SIGTERM, SIGHUP) in the middle of `npm run bench`: the modules' `finally` blocks
 * never run, so this does their work at once, synchronously — SIGKILL for every process of the
 * run (found by the run's token, lib/processes.ts: coordinators, background supervisors and
 * services included, whatever group or session they are in), then the temporary folders the
 * modules registered are deleted — and the process exits 128 + n.
 */
import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { killAll, runProcesses } from './processes.ts';

const folders = new Set<string>();

/** Deletes `dir` if the run is interrupted; returns the function that forgets it. */
export function removeOnAbort(dir: string): () => void {
  folders.add(dir);
  return () => folders.delete(dir);
}

/** Kills every process of the run, a few times over (one may be starting another meanwhile). */
export function killRunProcesses(): number {
  let killed = 0;
  for (let sweep = 0; sweep < 3; sweep++) {
    const found = runProcesses();
    if (found.length === 0) break;
    killed += killAll(found);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  return killed;
}

export function installAbortHandlers(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      const killed = killRunProcesses();
      for (const dir of folders) rmSync(dir, { recursive: true, force: true });
      process.stderr.write(
        `\nbench: interrupted (${signal}); killed ${killed} process(es), removed ${folders.size} folder(s)\n`,
      );
      process.exit(128 + constants.signals[signal]);
    });
  }
}
