/**
 * `styxy daemon start|stop|status [--json]`: manage this user's coordinator (one subcommand each).
 *
 * - `start` starts one unless one runs; prints its status.
 * - `stop` asks it to exit (its state is kept; running supervisors start a new one and re-claim
 *   their ports). It also stops a coordinator of another protocol version, which is what the
 *   version-mismatch error tells users to do.
 * - `status` exits 0 when a coordinator runs and 1 when none does (`running: false` in JSON).
 */
import { connectCoordinator, withRunningCoordinator } from '../../client/coordinator-client.js';
import { processInfo } from '../../os/process-table.js';
import type { DaemonStatus } from '../../protocol/coordinator-protocol.js';
import { isStyxyError, StyxyError } from '../../protocol/errors.js';
import { homePaths } from '../../protocol/home.js';
import { readLockFile } from '../../protocol/lock-file.js';
import { compareBuild } from '../../protocol/version.js';
import { printJson } from '../output.js';
import { COORDINATOR_REBUILD_FIX, coordinatorBuildNote } from '../stack/build-note.js';

interface Options {
  readonly json?: boolean;
}

/** A stopping coordinator first reaps owners that just died (up to 4 s, coordinator/main.ts). */
const STOP_WAIT_MS = 8000;

function notRunningStatus(): DaemonStatus {
  return { running: false, pid: null, socket: homePaths().socket, version: null, uptimeMs: null, leases: 0, stacks: 0 };
}

/** The coordinator's status; null when none runs (with `autoStart`, one is started first). */
async function currentStatus(autoStart: boolean): Promise<DaemonStatus | null> {
  if (!autoStart)
    return withRunningCoordinator(
      (client) => client.status(),
      () => null,
    );
  const client = await connectCoordinator({ kind: 'cli', pipelined: true });
  try {
    return await client.status();
  } finally {
    await client.close();
  }
}

function describe(status: DaemonStatus): string {
  if (!status.running) return `coordinator: not running (socket ${status.socket})`;
  const uptime = status.uptimeMs === null ? '' : `, up ${Math.round(status.uptimeMs / 1000)} s`;
  return (
    `coordinator: running, pid ${status.pid}, styxy ${status.version}, protocol ${status.protocol ?? '?'}${uptime}\n` +
    `socket: ${status.socket}\n` +
    `leases: ${status.leases}, stacks: ${status.stacks}, connections: ${status.connections ?? '?'}` +
    (compareBuild(status.build ?? null) === 'same'
      ? ''
      : `\nnote: ${coordinatorBuildNote(status)}; ${COORDINATOR_REBUILD_FIX}`)
  );
}

export async function start(options: Options): Promise<number> {
  const before = await currentStatus(false);
  const now = before ?? (await currentStatus(true));
  if (!now) throw new StyxyError('STYXY_COORDINATOR_UNAVAILABLE', 'the coordinator did not start');
  if (options.json) printJson(now);
  else process.stdout.write(`${before ? 'already running' : 'started'}\n${describe(now)}\n`);
  return 0;
}

export async function status(options: Options): Promise<number> {
  const current = (await currentStatus(false)) ?? notRunningStatus();
  if (options.json) printJson(current);
  else process.stdout.write(`${describe(current)}\n`);
  return current.running ? 0 : 1;
}

export async function stop(options: Options): Promise<number> {
  const report = (result: { stopped: boolean; pid: number | null }, text: string) => {
    if (options.json) printJson(result);
    else process.stdout.write(`${text}\n`);
    return 0;
  };
  try {
    return await withRunningCoordinator(
      async (client) => {
        const { stacks } = await client.status();
        const pid = client.coordinatorPid;
        await client.shutdown();
        await waitGone(pid);
        const note =
          stacks > 0 ? ` (${stacks} stack(s) running: their supervisors start a new one and keep their ports)` : '';
        return report({ stopped: true, pid }, `stopped the coordinator (pid ${pid})${note}`);
      },
      () => report({ stopped: false, pid: null }, 'coordinator: not running'),
    );
  } catch (error) {
    if (!(isStyxyError(error) && error.code === 'STYXY_PROTOCOL_MISMATCH')) throw error;
    // Another version: it will not take our requests, but it is ours to stop (it holds our lock).
    const holder = readLockFile(homePaths().lock);
    const pid = error.details?.coordinatorPid ?? (typeof holder === 'object' ? holder?.pid : undefined);
    if (typeof pid !== 'number') throw error;
    await terminate(pid);
    return report({ stopped: true, pid }, `stopped the coordinator (pid ${pid}, another protocol version)`);
  }
}

/** SIGTERM to the coordinator named in the lock (and only to it), then waits for it to exit. */
async function terminate(pid: number): Promise<void> {
  const holder = readLockFile(homePaths().lock);
  if (typeof holder !== 'object' || holder?.pid !== pid) {
    throw new StyxyError(
      'STYXY_COORDINATOR_UNAVAILABLE',
      `pid ${pid} does not hold ${homePaths().lock}; not stopping it`,
    );
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {}
  await waitGone(pid);
}

async function waitGone(pid: number): Promise<void> {
  const deadline = Date.now() + STOP_WAIT_MS;
  // processInfo, not kill(0): a zombie waiting for its parent to reap it counts as gone.
  while (processInfo(pid) !== null) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
