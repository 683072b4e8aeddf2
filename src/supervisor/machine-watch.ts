/**
 * Watched files changed (config `watch`): the service restarts on the same ports, and says why
 * (`restarting: src/app.ts changed`). A running or starting one is stopped and started again; one
 * waiting out a crash's backoff, or that exited or completed, starts at once (the change may be
 * the fix). One stopped by hand, failed or not started yet is left as it is. Dependents with
 * `restart: true` follow (machine-cascade.ts). Pure.
 */
import { restartDependents } from './machine-cascade.js';
import { beginStop, patch, spawn } from './machine-ops.js';
import type { Effect, MachineState } from './machine-types.js';

export function filesChanged(
  state: MachineState,
  name: string,
  change: string,
  at: number,
  fx: Effect[],
): MachineState {
  const service = state.services[name]!;
  const { life } = service;
  const counts = { restarts: service.restarts + 1, streak: 0 };
  let next: MachineState;
  if (life.kind === 'starting' || life.kind === 'up') {
    fx.push({ type: 'log', service: name, text: `restarting: ${change}` });
    next = patch(beginStop(state, name, 'start', false, fx), name, counts);
  } else if (life.kind === 'backoff' || life.kind === 'exited' || life.kind === 'completed') {
    if (life.kind === 'backoff') fx.push({ type: 'cancelTimer', service: name });
    fx.push({ type: 'log', service: name, text: `restarting: ${change}` });
    next = spawn(state, name, at, fx, counts);
  } else return state;
  return restartDependents(next, name, fx);
}
