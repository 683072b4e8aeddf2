/**
 * The last check of a stop: no leased port of the stack may still be held by a process of our
 * user that started after the supervisor (a daemon that left its group, rewrote its environment
 * and named no pid file, say). Such a process is stopped (SIGTERM, SIGKILL after a grace) and
 * named; one that is not provably the stack's (another user's, or older than the stack) is only
 * named, never signalled. So no port is given back while something of the stack listens on it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startedNotBefore } from '../os/pid-file.js';
import { findPortHolder } from '../os/port-holder.js';
import { processInfo, processStartTime, processUid } from '../os/process-table.js';
import { signalPid } from '../os/stop-target.js';
import { currentUid } from '../protocol/private-fs.js';

export interface SweptListener {
  readonly port: number;
  readonly pid: number | null;
  readonly command: string | null;
  /** True when it was the stack's (started after it, our user) and is stopped now. */
  readonly stopped: boolean;
}

const supervisorStart = processStartTime(process.pid);

export async function sweepListeners(ports: readonly number[], graceMs = 2000): Promise<SweptListener[]> {
  const found: SweptListener[] = [];
  for (const port of ports) {
    const holder = await findPortHolder(port).catch(() => null);
    if (holder === null) continue;
    const { pid, command } = holder;
    const info = pid === null ? null : processInfo(pid);
    const ours =
      pid !== null &&
      pid !== process.pid &&
      info !== null &&
      startedNotBefore(info.startTime, supervisorStart) &&
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
  return found;
}
