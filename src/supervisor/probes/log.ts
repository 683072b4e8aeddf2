/**
 * Log readiness: a line of the service's output since this start (stdout or stderr) matches the
 * regular expression. Event-driven: it passes the moment such a line arrives.
 */
import type { LogLine } from '../../protocol/stack.js';

export interface LogSource {
  /** Lines of this run already in the ring. */
  readonly backlog: () => readonly LogLine[];
  /** Calls `listener` with each new line of the service; returns an unsubscribe function. */
  readonly follow: (listener: (line: LogLine) => void) => () => void;
}

/** Resolves true on a match, false when `signal` aborts first (timeout or cancel). */
export function waitForLogLine(pattern: RegExp, source: LogSource, signal: AbortSignal): Promise<boolean> {
  const matches = (line: LogLine) => line.stream !== 'styxy' && pattern.test(line.text);
  return new Promise((resolve) => {
    if (source.backlog().some(matches)) return resolve(true);
    if (signal.aborted) return resolve(false);
    const finish = (result: boolean) => {
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => finish(false);
    const unsubscribe = source.follow((line) => {
      if (matches(line)) finish(true);
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
