/**
 * The last check of a stop: no leased port of the stack may still be held by a process of our
 * user that started after the stack's supervisor (a daemon that left its group, rewrote its
 * environment and named no pid file, say). Such a process is stopped (SIGTERM, SIGKILL after a
 * grace) and named; one that is not provably the stack's (another user's, or older than the
 * supervisor) is only named, never signalled. So no port is given back while something of the
 * stack listens on it. The supervisor runs it after each stop; the coordinator when it reaps a
 * supervisor killed with -9 (`since`: the start time of the owner the ports were leased to).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { currentUid } from '../protocol/private-fs.js';
import { startedNotBefore } from './pid-file.js';
import { findPortHolders, type ProcessHolder } from './port-holder.js';
import { processInfo, processUid } from './process-table.js';
import { signalPid } from './stop-target.js';

export interface SweptListener {
  readonly port: number;
  readonly pid: number | null;
  readonly command: string | null;
  /** True when it was the stack's (started after it, our user) and is stopped now. */
  readonly stopped: boolean;
}

export interface SweepOptions {
  /** Start time (process-table.ts) of the stack's supervisor: only what started since is taken. */
  readonly since: string | null;
  readonly graceMs: number;
}

export async function sweepListeners(ports: readonly number[], options: SweepOptions): Promise<SweptListener[]> {
  const { since, graceMs } = options;
  const found: SweptListener[] = [];
  // One look at the socket tables for all the ports (os/port-holder.ts), not two reads per port.
  const holders = await findPortHolders(ports).catch(() => new Map<number, ProcessHolder>());
  for (const port of ports) {
    const holder = holders.get(port);
    if (holder === undefined) continue;
    const { pid, command } = holder;
    const info = pid === null ? null : processInfo(pid);
    // Gone since the look (stopped here for another of the ports, say): it holds nothing now.
    if (pid !== null && info === null) continue;
    const ours =
      pid !== null &&
      pid !== process.pid &&
      info !== null &&
      startedNotBefore(info.startTime, since) &&
      (currentUid() === null || processUid(pid) === currentUid());
    if (!ours || pid === null || info === null) {
      found.push({ port, pid, command, stopped: false });
      continue;
    }
    signalPid(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (processInfo(pid)?.startTime === info.startTime && Date.now() < deadline) await sleep(25);
    if (processInfo(pid)?.startTime === info.startTime) signalPid(pid, 'SIGKILL');
    found.push({ port, pid, command, stopped: true });
  }
  // A stopped listener's socket can outlive its process by a moment (the kernel may close the
  // files of an exiting process from a work queue): wait for the ports themselves, within the
  // grace, so that nothing reads "free" for a port still in the socket table.
  const stopped = found.filter((listener) => listener.stopped).map((listener) => listener.port);
  const deadline = Date.now() + graceMs;
  while (stopped.length > 0 && Date.now() < deadline) {
    const still = await findPortHolders(stopped).catch(() => new Map<number, ProcessHolder>());
    if (still.size === 0) break;
    await sleep(25);
  }
  return found;
}
