/**
 * The coordinator's real effects: binding probes, the process table, killing, finding the
 * program behind a port. Tests replace these with fakes (coordinator.ts takes them injected).
 */
import { ownProcessGuard } from '../os/kill-guard.js';
import { findPortHolder } from '../os/port-holder.js';
import { sweepListeners } from '../os/port-sweep.js';
import { isAlive, isDying, processInfo, processStartTime } from '../os/process-table.js';
import { describeStopCommandResult, runStopCommand } from '../os/stop-command.js';
import { stopTarget } from '../os/stop-target.js';
import { createPortProbe } from './bind-probe.js';
import type { CoordinatorEffects, KillTarget } from './context.js';
import { daemonProblem, helloPidProblem, impossibleOwner, reportedPidProblem } from './verify-pid.js';

/** Grace between SIGTERM and SIGKILL when reaping a dead owner's processes. */
export const REAP_GRACE_MS = 1000;

/**
 * `helloDir`: the real path of `$STYXY_HOME/hello` (where clients put their pid proofs); `log`:
 * the coordinator's log, told of a reaped stack's stop command that did not run or exit 0.
 */
export function liveEffects(helloDir: string, log: (line: string) => void = () => {}): CoordinatorEffects {
  return {
    probe: createPortProbe(),
    // Where the OS will not tell start times (no /proc, no `ps`), a live pid still counts as
    // alive: owners then live as long as their pid, without the pid-reuse guard.
    startTimeOf: (pid) => processStartTime(pid) ?? (isAlive(pid) ? 'unknown' : null),
    groupOf: (pid) => processInfo(pid)?.pgid ?? null,
    ownerProblem: impossibleOwner,
    helloProblem: (pid, proof) => helloPidProblem(pid, proof, helloDir),
    processProblem: reportedPidProblem,
    verifyDaemon: daemonProblem,
    kill: async (targets: readonly KillTarget[]) => {
      // Stop commands first (`pg_ctl stop` shuts its server down cleanly), all at once.
      await Promise.all(
        targets.flatMap((target) =>
          target.stops.map(async (stop) => {
            const result = await runStopCommand(stop);
            if (result.kind !== 'exited' || result.code !== 0) {
              log(
                `reaping: stop command ${[stop.file, ...stop.args].join(' ')} ${describeStopCommandResult(result, stop.timeoutMs)}`,
              );
            }
          }),
        ),
      );
      const guard = ownProcessGuard();
      await Promise.all(
        targets.map((target) =>
          stopTarget(
            { groups: target.groups, guard, ...(target.token === null ? {} : { token: target.token }) },
            { signal: 'SIGTERM', timeoutMs: REAP_GRACE_MS, killWaitMs: 2000 },
          ),
        ),
      );
    },
    holderOf: findPortHolder,
    sweepPorts: (ports, since) => sweepListeners(ports, { since, graceMs: REAP_GRACE_MS }),
    dying: isDying,
    signal: (pid, startTime, signal) => {
      if (!ownProcessGuard({ spareParents: false })(pid)) return false;
      if (startTime !== null && (processStartTime(pid) ?? 'unknown') !== startTime) return false;
      try {
        process.kill(pid, signal);
        return true;
      } catch {
        return false;
      }
    },
    now: Date.now,
  };
}
