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

export interface SignalForwarding {
  /** The command to forward to. */
  attach(child: ChildProcess): void;
  /** Removes the handlers. */
  stop(): void;
}

/**
 * Installs the handlers. Call it before spawning the command: the command can print, and whoever
 * waits for that can signal us, before `spawn` has even returned here (on a busy machine this
 * process may not run again for a while), and a signal without a handler would kill us with the
 * default action instead of reaching the command. (A handler runs on the event loop, so never
 * between the spawn and the `attach` that follows it.)
 */
export function forwardSignals(ownGroup: boolean): SignalForwarding {
  let child: ChildProcess | null = null;
  const handlers = FORWARDED.map((signal) => {
    const handler = () => {
      if (!ownGroup && FROM_TERMINAL.has(signal)) return;
      const pid = child?.pid;
      if (pid === undefined || child!.exitCode !== null || child!.signalCode !== null) return;
      try {
        process.kill(ownGroup ? -pid : pid, signal);
      } catch {
        // Already gone.
      }
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return {
    attach(spawned) {
      child = spawned;
    },
    stop() {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}
