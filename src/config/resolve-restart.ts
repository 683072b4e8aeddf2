/** `restart` and the stop options: policies, backoff, signals, with their defaults. */
import { constants } from 'node:os';
import { checkKeys } from './check-keys.js';
import { describeValue, isPlainObject } from './describe-value.js';
import type { FieldPath, Problems } from './problems.js';
import { RESTART_KEYS, RESTART_POLICIES, restartOptions, restartPolicy, stopTimeout } from './schema.js';
import { closest, quoteList } from './suggest.js';
import type { ResolvedRestart } from './types.js';
import { parseField } from './zod-problems.js';

export const DEFAULT_RESTART: ResolvedRestart = { policy: 'no', maxRestarts: 5, backoffMs: 500, maxBackoffMs: 10_000 };
export const DEFAULT_STOP_SIGNAL: NodeJS.Signals = 'SIGTERM';
export const DEFAULT_STOP_TIMEOUT_MS = 5_000;

export function resolveRestart(raw: unknown, path: FieldPath, problems: Problems): ResolvedRestart {
  if (raw === undefined) return DEFAULT_RESTART;
  if (typeof raw === 'string') {
    const policy = parseField(restartPolicy, raw, path, problems);
    return policy ? { ...DEFAULT_RESTART, policy } : DEFAULT_RESTART;
  }
  if (!isPlainObject(raw)) {
    problems.add(
      path,
      `expected ${quoteList(RESTART_POLICIES)} or { policy, maxRestarts, backoff, maxBackoff }, found ${describeValue(raw)}`,
    );
    return DEFAULT_RESTART;
  }
  checkKeys(raw, RESTART_KEYS, path, problems);
  const options = parseField(restartOptions, raw, path, problems);
  if (!options) return DEFAULT_RESTART;
  const restart: ResolvedRestart = {
    policy: options.policy,
    maxRestarts: options.maxRestarts ?? DEFAULT_RESTART.maxRestarts,
    backoffMs: options.backoff ?? DEFAULT_RESTART.backoffMs,
    maxBackoffMs: options.maxBackoff ?? Math.max(DEFAULT_RESTART.maxBackoffMs, options.backoff ?? 0),
  };
  if (restart.maxBackoffMs < restart.backoffMs) {
    problems.add(
      [...path, 'maxBackoff'],
      `expected a number >= backoff (${restart.backoffMs}), found number ${restart.maxBackoffMs}`,
    );
  }
  return restart;
}

/** Signal names this platform knows (`SIGTERM`, `SIGINT`, …). */
const SIGNALS = Object.keys(constants.signals);

export function resolveStopSignal(raw: unknown, path: FieldPath, problems: Problems): NodeJS.Signals {
  if (raw === undefined) return DEFAULT_STOP_SIGNAL;
  if (typeof raw === 'string' && SIGNALS.includes(raw)) return raw as NodeJS.Signals;
  const guess =
    typeof raw === 'string'
      ? SIGNALS.includes(`SIG${raw.toUpperCase()}`)
        ? `SIG${raw.toUpperCase()}`
        : closest(raw, SIGNALS)
      : undefined;
  problems.add(
    path,
    `expected a signal name such as "SIGTERM", "SIGINT" or "SIGHUP", found ${describeValue(raw)}${guess ? `; did you mean "${guess}"?` : ''}`,
  );
  return DEFAULT_STOP_SIGNAL;
}

export function resolveStopTimeout(raw: unknown, path: FieldPath, problems: Problems): number {
  if (raw === undefined) return DEFAULT_STOP_TIMEOUT_MS;
  return parseField(stopTimeout, raw, path, problems, 'a whole number of milliseconds >= 0') ?? DEFAULT_STOP_TIMEOUT_MS;
}
