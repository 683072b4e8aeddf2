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

export function coalesce(run: () => void, intervalMs: number, now: () => number = () => performance.now()): Coalescer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = Number.NEGATIVE_INFINITY;
  const fire = () => {
    timer = undefined;
    last = now();
    run();
  };
  return {
    request() {
      if (timer !== undefined) return;
      timer = setTimeout(fire, Math.max(0, last + intervalMs - now()));
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
