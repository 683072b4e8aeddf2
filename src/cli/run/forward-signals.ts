/**
 * Signals `styxy run` passes on to its command. How depends on where the command runs:
 *
 * - stdin is not a terminal: the command runs in its own process group (spawned detached), so
 *   SIGINT, SIGTERM and SIGHUP are forwarded to that whole group.
 * - stdin is a terminal: the command stays in our process group, the terminal's foreground
 *   job, so that it can read the terminal (a background group that reads it is stopped with
 *   SIGTTIN). Ctrl-C and Ctrl-\ then reach it from the terminal directly; forwarding SIGINT
 *   and SIGQUIT too would deliver them twice (many tools treat a second Ctrl-C as "force").
 *   SIGTERM and SIGHUP, which come from elsewhere, are forwarded to its pid.
 */
import type { ChildProcess } from 'node:child_process';

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
const FROM_TERMINAL: ReadonlySet<NodeJS.Signals> = new Set(['SIGINT', 'SIGQUIT']);

/** Installs the handlers; returns a function that removes them. */
export function forwardSignals(child: ChildProcess, ownGroup: boolean): () => void {
  const handlers = FORWARDED.map((signal) => {
    const handler = () => {
      if (!ownGroup && FROM_TERMINAL.has(signal)) return;
      const pid = child.pid;
      if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(ownGroup ? -pid : pid, signal);
      } catch {
        // Already gone.
      }
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
