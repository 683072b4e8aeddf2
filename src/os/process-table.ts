/**
 * What the OS says about processes: is a pid alive, when did it start, who are its children.
 * Linux reads /proc (no subprocess, no `ps`); other Unixes ask `ps` when it exists and degrade
 * to "unknown" when it does not, so a missing `ps` never crashes a stop or a reap.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { childProcess } from './child-process.js';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /**
   * When the process started, as an opaque string comparable for equality only (clock ticks
   * since boot on Linux, `ps`'s lstart elsewhere). Together with the pid it names one process:
   * a reused pid has another start time.
   */
  readonly startTime: string;
}

const hasProc = process.platform === 'linux';

/** True while `pid` exists (EPERM means it exists but belongs to someone else). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `pid` has a SIGKILL pending (Linux: the `ShdPnd:`/`SigPnd:` masks of
 * /proc/<pid>/status): killed, and gone as soon as the kernel runs it again. `kill()` queues the
 * signal before it returns, but the process may not have exited yet (measured: 16 of 40 idle
 * children still showed as running right after it). The shared mask keeps it until the process
 * is released, zombie included. Elsewhere: false.
 */
export function isDying(pid: number): boolean {
  if (!hasProc || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const masks = status.matchAll(/^(?:ShdPnd|SigPnd):\s*([0-9a-f]+)$/gm);
    return [...masks].some((match) => (BigInt(`0x${match[1]}`) & SIGKILL_BIT) !== 0n);
  } catch {
    return false;
  }
}

/** Bit of signal 9 (SIGKILL) in a /proc pending-signal mask (signal n is bit n - 1). */
const SIGKILL_BIT = 1n << 8n;

/** Parses /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses. */
export function parseProcStat(text: string, zombies = false): ProcessInfo | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number.parseInt(text, 10);
  // After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  // utime stime cutime cstime priority nice num_threads itrealvalue starttime …
  const fields = text.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const pgid = Number(fields[2]);
  const startTime = fields[19];
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isInteger(pgid) || !startTime) return null;
  // A zombie has exited: it holds no port and cannot be signalled into doing anything.
  if (fields[0] === 'Z' && !zombies) return null;
  return { pid, ppid, pgid, startTime };
}

/** One process's facts, or null when it does not exist (or is a zombie). */
export function processInfo(pid: number): ProcessInfo | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (hasProc) {
    try {
      return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return null;
    }
  }
  return listProcesses().find((info) => info.pid === pid) ?? null;
}

/** The start time of `pid`, or null when it is not running. */
export function processStartTime(pid: number): string | null {
  return processInfo(pid)?.startTime ?? null;
}

/**
 * The start time of a child just spawned, even when it has exited already (a zombie, not yet
 * reaped: a command that forks a daemon and exits can be that quick). Linux; elsewhere as
 * processStartTime.
 */
export function childStartTime(pid: number): string | null {
  if (!hasProc) return processStartTime(pid);
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), true)?.startTime ?? null;
  } catch {
    return null;
  }
}

/** True when `pid` runs and is the same process that had `startTime` (not a reused pid). */
export function isSameProcess(pid: number, startTime: string | null | undefined): boolean {
  const info = processInfo(pid);
  if (!info) return false;
  return startTime == null || info.startTime === startTime;
}

/** Every process the OS shows us. Empty when it cannot tell (no /proc, no `ps`). */
export function listProcesses(): ProcessInfo[] {
  if (hasProc) {
    const result: ProcessInfo[] = [];
    for (const name of readdirSync('/proc')) {
      if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
      try {
        const info = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
        if (info) result.push(info);
      } catch {
        // Exited while we looked.
      }
    }
    return result;
  }
  return listWithPs();
}

function listWithPs(): ProcessInfo[] {
  let out: string;
  try {
    out = childProcess().execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat=,lstart='], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, LC_ALL: 'C' },
    });
  } catch {
    return [];
  }
  const result: ProcessInfo[] = [];
  for (const line of out.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.+?)\s*$/.exec(line);
    if (!match || match[4]!.startsWith('Z')) continue;
    result.push({ pid: Number(match[1]), ppid: Number(match[2]), pgid: Number(match[3]), startTime: match[5]! });
  }
  return result;
}

/**
 * The real uid `pid` runs as; null when it is gone or the OS will not tell. Linux: the `Uid:`
 * line of /proc/<pid>/status; elsewhere `ps`.
 */
export function processUid(pid: number): number | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (hasProc) {
    try {
      const match = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match ? Number(match[1]) : null;
    } catch {
      return null;
    }
  }
  try {
    const out = childProcess()
      .execFileSync('ps', ['-o', 'ruid=', '-p', String(pid)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      .trim();
    return /^\d+$/.test(out) ? Number(out) : null;
  } catch {
    return null;
  }
}

/** The parents of `pid`, nearest first, up to pid 1 (or where the chain breaks). */
export function ancestorsOf(pid: number): number[] {
  const table = hasProc ? null : new Map(listProcesses().map((info) => [info.pid, info]));
  const result: number[] = [];
  let current = pid;
  for (let depth = 0; depth < 256; depth++) {
    const info = table ? table.get(current) : processInfo(current);
    if (!info || info.ppid <= 0 || result.includes(info.ppid)) break;
    result.push(info.ppid);
    if (info.ppid === 1) break;
    current = info.ppid;
  }
  return result;
}

/** Every descendant of `pid` (children, grandchildren…) in `table`, nearest first. */
export function descendantsOf(pid: number, table: readonly ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const info of table) {
    const list = children.get(info.ppid);
    if (list) list.push(info);
    else children.set(info.ppid, [info]);
  }
  const result: ProcessInfo[] = [];
  const queue = [pid];
  const seen = new Set<number>([pid]);
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      result.push(child);
      queue.push(child.pid);
    }
  }
  return result;
}
