/**
 * The stress run's shared clock: CLOCK_MONOTONIC (`process.hrtime`), which every process on the
 * machine reads alike, so the driver and its client processes can order events across
 * processes. In milliseconds, as a float (microsecond precision and better).
 */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a truthy value (returned) or `timeoutMs` passes (returns null). */
export async function pollUntil<T>(
  check: () => T | Promise<T>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<NonNullable<T> | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch {
      // Not yet (a connection refused while a coordinator restarts, say).
    }
    if (Date.now() > deadline) return null;
    await sleep(intervalMs);
  }
}
