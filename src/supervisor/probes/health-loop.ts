/**
 * Health checks after ready (config `health`): one attempt every `intervalMs` (the first one
 * interval after ready), each bounded by `timeoutMs`, each verdict handed to `report` — the
 * machine counts the misses. Runs until `signal` aborts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HealthSpec } from '../launch-spec.js';
import type { Attempt } from './attempt.js';
import { commandAttempt } from './command.js';
import { httpAttempt } from './http.js';
import { tcpAttempt } from './tcp.js';

export interface HealthContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

export async function runHealthChecks(
  spec: HealthSpec,
  context: HealthContext,
  signal: AbortSignal,
  report: (attempt: Attempt) => void,
): Promise<void> {
  for (;;) {
    try {
      await sleep(spec.intervalMs, undefined, { signal });
    } catch {
      return; // cancelled
    }
    const attempt = await healthAttempt(spec, context, signal);
    if (signal.aborted) return;
    report(attempt);
  }
}

function healthAttempt(spec: HealthSpec, context: HealthContext, signal: AbortSignal): Promise<Attempt> {
  switch (spec.kind) {
    case 'tcp':
      return tcpAttempt(spec.port, spec.timeoutMs, signal);
    case 'http':
      return httpAttempt(spec.port, spec.path, spec.timeoutMs, signal);
    case 'command':
      return commandAttempt(spec.command, context, spec.timeoutMs, signal);
  }
}
