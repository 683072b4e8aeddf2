/**
 * The pauses between a probe's attempts. A service is usually up within a second of its start,
 * and every link of a dependency chain (`web` waits for `api` to be ready) waits for its check to
 * notice: a pause that has grown to 100 or 200 ms by then adds that much to the start of the
 * stack, per link (measured with bench/stack-start.ts). So:
 * - TCP and HTTP attempts, which cost well under a millisecond when refused, repeat every
 *   FIRST_PAUSE_MS for the first FAST_WINDOW_MS of the probe;
 * - after that, and from the start for a command check (a process per attempt), the pause
 *   doubles from FIRST_PAUSE_MS up to the probe's `interval`.
 * No pause is ever longer than `interval`.
 */
import type { ProbeSpec } from '../launch-spec.js';

export const FIRST_PAUSE_MS = 25;
export const FAST_WINDOW_MS = 1000;

/** Returns the pause before the next attempt, given the ms since the probe started. */
export type PauseSchedule = (elapsedMs: number) => number;

export function pauseSchedule(kind: ProbeSpec['kind'], intervalMs: number): PauseSchedule {
  const first = Math.min(FIRST_PAUSE_MS, intervalMs);
  const cheap = kind === 'tcp' || kind === 'http';
  let doubling = first;
  return (elapsedMs) => {
    if (cheap && elapsedMs < FAST_WINDOW_MS) return first;
    const pause = doubling;
    doubling = Math.min(doubling * 2, intervalMs);
    return pause;
  };
}
