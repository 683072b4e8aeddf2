/**
 * Runs a service's readiness probe: attempts (every `interval` at most, sooner at first) until one
 * passes or `timeout` runs out. A timeout fails the service, with what was checked and the last attempt's reason.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbeSpec } from '../launch-spec.js';
import { formatDuration } from '../lifecycle-text.js';
import type { Attempt } from './attempt.js';
import { commandAttempt } from './command.js';
import { httpAttempt } from './http.js';
import { type LogSource, waitForLogLine } from './log.js';
import { pauseSchedule } from './pause-schedule.js';
import { tcpAttempt } from './tcp.js';

/** Longest single attempt, per kind (a probe never waits past its own deadline either). */
const ATTEMPT_MS = { tcp: 1000, http: 2000, command: 10_000 } as const;

export interface ProbeContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly logs: LogSource;
}

/** `{ ok: true }`, `{ ok: false, reason }` on timeout, or null when cancelled through `signal`. */
export async function runProbe(probe: ProbeSpec, context: ProbeContext, signal: AbortSignal): Promise<Attempt | null> {
  if (probe.kind === 'none') return { ok: true };
  const timedOut = (last: string | null) => ({
    ok: false as const,
    reason: `ready check timed out after ${formatDuration(probe.timeoutMs)} (${describeProbe(probe)})${last ? `: ${last}` : ''}`,
  });
  if (probe.kind === 'log') {
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(probe.timeoutMs)]);
    if (await waitForLogLine(probe.pattern, context.logs, deadline)) return { ok: true };
    return signal.aborted ? null : timedOut('no line matched');
  }
  const start = Date.now();
  const deadline = start + probe.timeoutMs;
  const nextPause = pauseSchedule(probe.kind, probe.intervalMs);
  let last: string | null = null;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return timedOut(last);
    const limit = Math.min(remaining, ATTEMPT_MS[probe.kind]);
    const started = Date.now();
    const attempt =
      probe.kind === 'tcp'
        ? await tcpAttempt(probe.port, limit, signal)
        : probe.kind === 'http'
          ? await httpAttempt(probe.port, probe.path, limit, signal)
          : await commandAttempt(probe.command, context, limit, signal);
    if (signal.aborted) return null;
    if (attempt.ok) return attempt;
    // An attempt cut short by the deadline says little ("no answer within 4 ms"): the reason of
    // the last full attempt tells the user more.
    const cutShort = limit < ATTEMPT_MS[probe.kind] && Date.now() - started >= limit;
    if (!cutShort || last === null) last = attempt.reason;
    const pause = Math.min(nextPause(Date.now() - start), deadline - Date.now());
    if (pause <= 0) return timedOut(last);
    try {
      await sleep(pause, undefined, { signal });
    } catch {
      return null; // cancelled
    }
  }
}

/** `TCP connect to :8001`, `HTTP GET :8001/health`, `a log line matching /ready/`, `` `pg_isready` exits 0 ``. */
export function describeProbe(probe: ProbeSpec): string {
  switch (probe.kind) {
    case 'none':
      return 'none';
    case 'tcp':
      return `TCP connect to :${probe.port}`;
    case 'http':
      return `HTTP GET :${probe.port}${probe.path}`;
    case 'log':
      return `a log line matching ${probe.pattern}`;
    case 'command':
      return `\`${probe.command}\` exits 0`;
  }
}
