/**
 * Every process Styxy starts carries `STYXY_TAG=<token>:<service>` in its environment, and its
 * descendants inherit it. A process that escaped its process group (setsid) and its parent
 * (double fork) still carries the tag, so a sweep can find it: the same trick as a cgroup,
 * without needing one. Tokens are random per stack run, so a sweep never matches anything but
 * the processes of that run.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { childProcess } from './child-process.js';

export const TAG_VARIABLE = 'STYXY_TAG';

/** A fresh random token for one stack run (or one `styxy run`). */
export function newRunToken(): string {
  return randomBytes(12).toString('hex');
}

export function tagValue(token: string, service: string): string {
  return `${token}:${service}`;
}

/**
 * Pids of the processes whose environment holds a tag of `token` (of `service`, or of any
 * service), excluding the caller. Linux reads /proc/<pid>/environ; elsewhere `ps eww` (which
 * shows the environment of the user's own processes). Empty when the OS cannot tell. With
 * `among`, only those pids are looked at (Linux; `ps` lists them all anyway).
 */
export function processesTagged(token: string, service?: string, among?: readonly number[]): number[] {
  // Whole-entry match for one service (the environ block is NUL-separated), prefix for all.
  const needle = service === undefined ? `${TAG_VARIABLE}=${token}:` : `${TAG_VARIABLE}=${tagValue(token, service)}\0`;
  const result: number[] = [];
  if (process.platform === 'linux') {
    const bytes = Buffer.from(needle);
    // `among`: only these pids can carry it (stop-target.ts: those started since the token's maker).
    for (const name of among?.map(String) ?? readdirSync('/proc')) {
      if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
      const pid = Number(name);
      if (pid === process.pid) continue;
      let environ: Buffer;
      try {
        environ = readFileSync(`/proc/${name}/environ`);
      } catch {
        continue; // exited, or not ours to read
      }
      // Match at the start of an entry: the environ block is NUL-separated.
      let at = environ.indexOf(bytes);
      while (at > 0 && environ[at - 1] !== 0) at = environ.indexOf(bytes, at + 1);
      if (at >= 0) result.push(pid);
    }
    return result;
  }
  let out: string;
  try {
    out = childProcess().execFileSync('ps', ['eww', '-A', '-o', 'pid=,command='], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return [];
  }
  for (const line of out.split('\n')) {
    const plain = needle.endsWith('\0') ? `${needle.slice(0, -1)} ` : needle;
    if (!`${line} `.includes(` ${plain}`)) continue;
    const pid = Number.parseInt(line, 10);
    if (Number.isInteger(pid) && pid !== process.pid) result.push(pid);
  }
  return result;
}
