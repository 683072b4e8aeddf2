import { describe, expect, it } from 'vitest';
import { backoffDelay, decideOnExit, STABLE_RUN_MS } from '../../../src/supervisor/restart-policy.js';

const restart = { policy: 'on-failure' as const, maxRestarts: 5, backoffMs: 500, maxBackoffMs: 10_000 };

describe('restart policy', () => {
  it.each([
    [1, 500],
    [2, 1000],
    [3, 2000],
    [5, 8000],
    [6, 10_000],
    [2000, 10_000],
  ])('restart %i waits %i ms', (streak, delay) => {
    expect(backoffDelay(restart, streak)).toBe(delay);
  });

  it('counts a failure after a stable run as the first of a new streak', () => {
    const decision = decideOnExit({
      restart,
      exit: { code: 1, signal: null },
      upForMs: STABLE_RUN_MS,
      streak: 4,
      blocks: null,
    });
    expect(decision).toMatchObject({ kind: 'restart', streak: 1, delayMs: 500 });
  });

  it('maxRestarts 0 never restarts, and says so', () => {
    const decision = decideOnExit({
      restart: { ...restart, maxRestarts: 0 },
      exit: { code: null, signal: 'SIGSEGV' },
      upForMs: 5,
      streak: 0,
      blocks: null,
    });
    expect(decision).toEqual({
      kind: 'failed',
      reason: 'was killed by SIGSEGV (restarts are disabled: maxRestarts is 0)',
    });
  });
});
