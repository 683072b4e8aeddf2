/**
 * The processes a bench run started, found where they cannot hide: /proc. bench/run.ts puts a
 * token of its own in its environment (RUN_TAG) before any module runs; every process it starts
 * (coordinators, background supervisors, services, concurrently and its shells, tmux) inherits it,
 * setsid or double-forked or not. So one scan finds whatever a failed or interrupted module left,
 * and the run ends with none. Linux only (/proc), as the benches are.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The environment variable holding this run's token. */
export const RUN_TAG = 'STYXY_BENCH_RUN';

/** True when `environ` (a /proc/<pid>/environ buffer: NUL-separated) holds an entry starting with `prefix`. */
export function environHas(environ: Buffer, prefix: string): boolean {
  if (environ.subarray(0, prefix.length).equals(Buffer.from(prefix))) return true;
  return environ.includes(Buffer.from(`\0${prefix}`));
}

function isZombie(pid: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Live pids (this process excluded) with an environment entry starting with `prefix`, e.g. `STYXY_HOME=/tmp/x`. */
export function processesWithEnv(prefix: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (environHas(readFileSync(`/proc/${name}/environ`), prefix) && !isZombie(name)) found.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** The processes this bench run started that still run (empty outside `npm run bench`). */
export function runProcesses(): number[] {
  const token = process.env[RUN_TAG];
  return token ? processesWithEnv(`${RUN_TAG}=${token}`) : [];
}

/** SIGKILLs every pid; returns how many were still there. */
export function killAll(pids: readonly number[]): number {
  let killed = 0;
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // Gone already.
    }
  }
  return killed;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(String(pid));
  } catch {
    return false;
  }
}

/** Peak resident memory of `pid` (VmHWM in /proc/<pid>/status), in MB. */
export function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(match[1]) / 1024;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it returns something truthy; throws after `timeoutMs`. */
export async function until<T>(
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs: number,
  what: string,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
