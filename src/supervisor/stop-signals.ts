/**
 * Signals for `styxy up`: SIGINT, SIGTERM and SIGHUP stop the stack gracefully; a second one
 * (Ctrl-C again) forces it. The exit code follows Unix habits: 0 after a clean stop, 1 when a
 * service failed, 128 + the signal's number after a signal (130 for Ctrl-C, 143 for SIGTERM,
 * 129 for SIGHUP), as a shell reports a program killed by that signal.
 */
import { constants } from 'node:os';
import type { StackOutcome, StopOptions } from './supervisor.js';

export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function exitCodeOf(outcome: StackOutcome): number {
  switch (outcome.kind) {
    case 'clean':
      return 0;
    case 'failed':
      return outcome.error.exitCode;
    case 'interrupted':
      return 128 + (constants.signals[outcome.signal] ?? constants.signals.SIGINT);
  }
}

/** Where signals come from: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface StopSignalsOptions {
  readonly source?: SignalSource;
  /** Told of each signal, e.g. to print "stopping… (Ctrl-C again to force)". */
  readonly onSignal?: (signal: NodeJS.Signals, forced: boolean) => void;
  /**
   * A signal this soon after the first is the same request delivered twice, not a second one.
   * @default DUPLICATE_SIGNAL_MS
   */
  readonly duplicateWindowMs?: number;
  readonly now?: () => number;
  /**
   * Whether the stack is stopping already without a signal (`q` or Ctrl-C in the UI, a failed
   * service): the first signal then forces, as a second Ctrl-C would.
   */
  readonly stopping?: () => boolean;
}

/**
 * One Ctrl-C can arrive twice: from the terminal (to the whole foreground job) and again from a
 * parent that forwards signals to its children (script runners and process managers often do).
 * Forcing on that would skip every service's grace period; a person pressing Ctrl-C again takes
 * longer than this.
 */
export const DUPLICATE_SIGNAL_MS = 400;

/**
 * Routes stop signals to `target.stop`: the first stops gracefully, a later one (outside the
 * duplicate window) forces. Installing the listeners also keeps Node from dying on them, so the
 * stack always gets its clean stop. Returns a function that removes the listeners.
 */
export function handleStopSignals(
  target: { stop(options: StopOptions): Promise<unknown> },
  options: StopSignalsOptions = {},
): () => void {
  const source: SignalSource = options.source ?? process;
  const now = options.now ?? Date.now;
  const window = options.duplicateWindowMs ?? DUPLICATE_SIGNAL_MS;
  let first: NodeJS.Signals | null = null;
  let firstAt = 0;
  const listener = (signal: NodeJS.Signals) => {
    if (first !== null && now() - firstAt < window) return;
    const forced = first !== null || options.stopping?.() === true;
    if (first === null) {
      first = signal;
      firstAt = now();
    }
    options.onSignal?.(signal, forced);
    void target.stop({ force: forced, signal: first });
  };
  for (const signal of STOP_SIGNALS) source.on(signal, listener);
  return () => {
    for (const signal of STOP_SIGNALS) source.off(signal, listener);
  };
}
