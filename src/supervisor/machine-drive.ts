/**
 * After every event, the machine drives the stack forward: while it runs, start each pending
 * service whose dependencies are met (independent ones together), mark the stack running once
 * every service has been up, and end it when every service has ended; once it stops, stop each
 * service after the services that depend on it (reverse dependency order), then finish. Pure.
 */
import { describeExit } from './lifecycle-text.js';
import { isLive, isUp, liveDependents, unmetDependencies } from './machine-deps.js';
import { beginStop, patch, spawn } from './machine-ops.js';
import type { Effect, MachineOutcome, MachineState } from './machine-types.js';

export function drive(state: MachineState, at: number, fx: Effect[]): MachineState {
  if (!state.begun || state.finished) return state;
  let next = state.stopping ? state : advance(state, at, fx);
  if (next.stopping) next = wind(next, fx);
  return next;
}

function advance(state: MachineState, at: number, fx: Effect[]): MachineState {
  let next = state;
  for (const name of next.order) {
    const service = next.services[name]!;
    if (service.life.kind === 'pending' && unmetDependencies(next, service).length === 0) {
      next = spawn(next, name, at, fx);
    }
  }
  // `off` services (outside the active profiles) neither hold the stack up nor keep it running.
  const services = next.order.map((name) => next.services[name]!).filter((s) => s.life.kind !== 'off');
  if (next.phase === 'starting' && isUp(next)) {
    next = { ...next, phase: 'running' };
  }
  // Every service has ended by itself (tasks that completed, crashes not restarted): so has the stack.
  if (services.length > 0 && services.every((s) => s.life.kind === 'completed' || s.life.kind === 'exited')) {
    const crashed = services.find((s) => s.life.kind === 'exited');
    next = { ...next, stopping: { force: false, reason: { kind: 'ended' } } };
    if (crashed) {
      const reason = crashed.lastExit ? describeExit(crashed.lastExit) : 'exited';
      next = { ...next, phase: 'failed', failure: { service: crashed.spec.name, reason } };
    }
  }
  return next;
}

function wind(state: MachineState, fx: Effect[]): MachineState {
  let next = state;
  const force = state.stopping!.force;
  // Dependents first: a service stops once nothing that depends on it still runs.
  for (const name of [...next.order].reverse()) {
    const service = next.services[name]!;
    const { life } = service;
    if (life.kind === 'pending') next = patch(next, name, { life: { kind: 'stopped' } });
    else if (life.kind === 'backoff') {
      fx.push({ type: 'cancelTimer', service: name });
      next = patch(next, name, { life: { kind: 'stopped' } });
    } else if (life.kind === 'stopping' && life.after !== 'stop') {
      next = patch(next, name, { life: { ...life, after: 'stop' } });
    } else if ((life.kind === 'starting' || life.kind === 'up') && (force || liveDependents(next, name).length === 0)) {
      next = beginStop(next, name, 'stop', force, fx);
    }
  }
  if (next.order.some((name) => isLive(next.services[name]!.life))) return next;
  const outcome: MachineOutcome = next.failure
    ? { kind: 'failed', service: next.failure.service, reason: next.failure.reason }
    : next.stopping!.reason.kind === 'signal'
      ? { kind: 'interrupted', signal: next.stopping!.reason.signal }
      : { kind: 'clean' };
  fx.push({ type: 'finish', outcome });
  return { ...next, finished: true, phase: next.failure ? 'failed' : 'stopped' };
}
