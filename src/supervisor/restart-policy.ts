/**
 * What happens when a service's process exits: it completed, it restarts after a backoff, it stays
 * exited, or it failed (which fails the stack). Pure.
 */
import type { ResolvedRestart } from '../config/types.js';
import { describeExit, formatDuration } from './lifecycle-text.js';

/**
 * A run that stayed up this long was healthy: the failure streak starts again from zero. Ten
 * seconds, like systemd's default start-limit interval: a crash loop restarts faster than that.
 */
export const STABLE_RUN_MS = 10_000;

export type ExitDecision =
  | { readonly kind: 'completed' }
  | { readonly kind: 'restart'; readonly delayMs: number; readonly streak: number; readonly text: string }
  | { readonly kind: 'exited'; readonly text: string }
  | { readonly kind: 'failed'; readonly reason: string };

export interface ExitFacts {
  readonly restart: ResolvedRestart;
  readonly exit: { readonly code: number | null; readonly signal: string | null };
  /** How long the run had been up (ready or running) when it exited; null when it never was. */
  readonly upForMs: number | null;
  /** Failed runs in a row before this one. */
  readonly streak: number;
  /** A pending service that waits for this one and cannot start once it has exited (or null). */
  readonly blocks: string | null;
}

/** The backoff before restart number `streak` (1-based): doubles from `backoffMs`, capped. */
export function backoffDelay(restart: ResolvedRestart, streak: number): number {
  const exponent = Math.max(0, streak - 1);
  // 2 ** exponent overflows to Infinity long before it matters; Math.min caps it.
  return Math.min(restart.backoffMs * 2 ** exponent, restart.maxBackoffMs);
}

export function decideOnExit(facts: ExitFacts): ExitDecision {
  const { restart, exit } = facts;
  const clean = exit.code === 0;
  const what = describeExit(exit);
  if (clean && restart.policy !== 'always') return { kind: 'completed' };
  if (clean) {
    // `always` restarts a clean exit too, without counting it as a failure.
    return {
      kind: 'restart',
      delayMs: restart.backoffMs,
      streak: 0,
      text: `${what}, restarting in ${formatDuration(restart.backoffMs)}`,
    };
  }
  if (restart.policy === 'no') {
    if (facts.upForMs === null) return { kind: 'failed', reason: `${what} before it was ready` };
    if (facts.blocks !== null) return { kind: 'failed', reason: `${what} while "${facts.blocks}" waited for it` };
    return { kind: 'exited', text: what };
  }
  return restartAfterFailure(restart, facts.upForMs, facts.streak, what);
}

export type UnhealthyDecision = Extract<ExitDecision, { kind: 'restart' | 'failed' }>;

/**
 * A service that was stopped because it was unhealthy (its restart policy restarts failures):
 * restart it as after a failed run, with the same backoff and the same limit.
 */
export function decideOnUnhealthy(facts: Omit<ExitFacts, 'exit' | 'blocks'>): UnhealthyDecision {
  return restartAfterFailure(facts.restart, facts.upForMs, facts.streak, 'was unhealthy');
}

function restartAfterFailure(
  restart: ResolvedRestart,
  upForMs: number | null,
  before: number,
  what: string,
): UnhealthyDecision {
  const previous = upForMs !== null && upForMs >= STABLE_RUN_MS ? 0 : before;
  const streak = previous + 1;
  if (streak > restart.maxRestarts) {
    const times = restart.maxRestarts === 1 ? 'once' : `${restart.maxRestarts} times`;
    return {
      kind: 'failed',
      reason:
        restart.maxRestarts === 0
          ? `${what} (restarts are disabled: maxRestarts is 0)`
          : `${what} again after restarting ${times} in a row; giving up`,
    };
  }
  const delayMs = backoffDelay(restart, streak);
  return {
    kind: 'restart',
    delayMs,
    streak,
    text: `${what}, restarting in ${formatDuration(delayMs)} (${streak}/${restart.maxRestarts})`,
  };
}
