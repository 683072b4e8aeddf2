/**
 * The processes of a stress run, found where they cannot hide: /proc. Every process the run
 * starts (clients, coordinators, supervisors, services and whatever they fork) inherits a
 * STYXY_HOME under the run's folder, so one scan finds them all at the end, however they were
 * left; services also carry their stack's STYXY_TAG.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { processInfo } from '../../dist/os/process-table.js';

export { processesTagged } from '../../dist/os/tag.js';

/** True while `pid` runs (a zombie has exited: it counts as gone). */
export function running(pid: number): boolean {
  return processInfo(pid) !== null;
}

/** Pids (other than this process) with an environment entry starting with `prefix`. */
export function processesWithEnv(prefix: string): number[] {
  const needle = Buffer.from(`\0${prefix}`);
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${name}/environ`)]);
      if (environ.includes(needle) && running(Number(name))) found.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** Every live process of a STYXY_HOME under `root` (pass a home, or the run's root with a trailing slash). */
export function processesOfHome(homeOrRoot: string): number[] {
  return processesWithEnv(`STYXY_HOME=${homeOrRoot}`);
}

/** The command line of `pid` (empty when gone). */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** True when `pid` is a coordinator daemon. */
export function isCoordinator(pid: number): boolean {
  const command = commandOf(pid);
  return command.startsWith('styxy-coordinator') || command.includes('coordinator/main.js');
}

export function kill(pid: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Starts `node --experimental-strip-types SCRIPT ...args` (a worker of stress/workers/). */
export function spawnWorker(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdio: 'pipe' | 'ignore' = 'pipe',
): ChildProcess {
  return spawn(process.execPath, ['--experimental-strip-types', '--no-warnings', script, ...args], {
    env,
    stdio: [stdio, stdio, stdio],
  });
}
