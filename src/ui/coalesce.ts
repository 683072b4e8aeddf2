/**
 * Coalesces bursts of calls into at most one run per interval: the first call of a quiet period
 * runs on the next tick, later ones wait for the interval to pass. A service printing 100,000
 * lines a second costs the UI one timer check per line and 20 redraws a second.
 */
export interface Coalescer {
  /** Asks for a run; cheap, call it as often as you like. */
  request(): void;
  /** Cancels a pending run. */
  cancel(): void;
}

/**
 * `intervalMs` may be a function, asked after each run for the least time before the next one
 * (the UI slows down under a flood of lines).
 */
export function coalesce(
  run: () => void,
  intervalMs: number | (() => number),
  now: () => number = () => performance.now(),
): Coalescer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = Number.NEGATIVE_INFINITY;
  let interval = typeof intervalMs === 'number' ? intervalMs : 0;
  const fire = () => {
    timer = undefined;
    last = now();
    run();
    if (typeof intervalMs === 'function') interval = intervalMs();
  };
  return {
    request() {
      if (timer !== undefined) return;
      timer = setTimeout(fire, Math.max(0, last + interval - now()));
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
