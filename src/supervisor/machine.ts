/**
 * The supervisor's state machine: `step(state, event) → { state, effects }`, a pure function.
 * Events that belong to an older run of a service (a late probe result, the exit of a process
 * that was already replaced) are recognised by their run number and change nothing but the
 * bookkeeping of that process.
 */
import { describeExit, formatDuration, portsSuffix } from './lifecycle-text.js';
import { restartDependents } from './machine-cascade.js';
import { blockedDependent } from './machine-deps.js';
import { drive } from './machine-drive.js';
import { health } from './machine-health.js';
import { beginStop, fail, freshHealth, markUp, patch, spawn } from './machine-ops.js';
import type { Effect, MachineEvent, MachineState, StepResult } from './machine-types.js';
import { filesChanged } from './machine-watch.js';
import { decideOnExit, decideOnUnhealthy, type ExitDecision } from './restart-policy.js';

export { initialState, statusOf } from './machine-ops.js';

export function step(state: MachineState, event: MachineEvent): StepResult {
  const fx: Effect[] = [];
  const applied = apply(state, event, fx);
  return { state: drive(applied, event.at, fx), effects: fx };
}

function apply(state: MachineState, event: MachineEvent, fx: Effect[]): MachineState {
  if (event.type === 'start') return state.begun ? state : { ...state, begun: true };
  if (event.type === 'activate') return activate(state, event, fx);
  if (event.type === 'stopStack') return stopStack(state, event.force, event, fx);
  const service = state.services[event.service];
  if (!service || !state.begun || state.finished) return state;
  const { life } = service;
  const name = event.service;
  const current = 'run' in event && event.run === service.runs;
  switch (event.type) {
    case 'spawned': {
      fx.push({ type: 'reportProcess', service: name, pid: event.pid });
      if (!current) return state;
      const next = patch(state, name, { pid: event.pid, startedAt: event.at, everStarted: true });
      if (life.kind !== 'starting') return next; // stopping already: the stop effect handles it
      if (service.spec.checked) {
        fx.push({ type: 'probe', service: name, run: event.run });
        fx.push({ type: 'log', service: name, text: `starting (pid ${event.pid})` });
        return next;
      }
      fx.push({ type: 'log', service: name, text: `running${portsSuffix(service.spec.ports)} (pid ${event.pid})` });
      return markUp(next, name, event.run, event.at, event.at, fx);
    }
    case 'daemonized':
      if (!current || (life.kind !== 'starting' && life.kind !== 'up')) return state;
      fx.push({ type: 'log', service: name, text: `daemon running (pid ${event.pid})` });
      return patch(state, name, { pid: event.pid });
    case 'spawnFailed':
      if (!current || life.kind !== 'starting') return state;
      return fail(state, name, `could not start: ${event.message}`, fx);
    case 'exited':
      fx.push({ type: 'reportExit', service: name, pid: event.pid });
      if (!current) return state;
      return exited(state, name, event, fx);
    case 'probeReady': {
      if (!current || life.kind !== 'starting') return state;
      const took = event.at - (service.startedAt ?? life.startedAt);
      fx.push({
        type: 'log',
        service: name,
        text: `ready${portsSuffix(service.spec.ports)} in ${formatDuration(took)}`,
      });
      return markUp(state, name, life.run, life.startedAt, event.at, fx);
    }
    case 'probeFailed':
      if (!current || life.kind !== 'starting') return state;
      return fail(state, name, event.reason, fx);
    case 'healthChecked':
      if (!current || life.kind !== 'up') return state;
      return health(state, name, event, fx);
    case 'filesChanged':
      return state.stopping ? state : filesChanged(state, name, event.change, event.at, fx);
    case 'restartDue':
      if (life.kind !== 'backoff' || life.run !== event.run || state.stopping) return state;
      return spawn(state, name, event.at, fx, { restarts: service.restarts + 1 });
    case 'stopDone': {
      if (life.kind !== 'stopping') return state;
      if (life.after === 'start' && !state.stopping) return spawn(state, name, event.at, fx);
      if (life.after === 'backoff' && !state.stopping) return backOff(state, name, event.at, fx);
      if (life.after === 'pending' && !state.stopping) {
        fx.push({ type: 'log', service: name, text: 'stopped; starts again once its dependencies are back' });
        return patch(state, name, { life: { kind: 'pending' } });
      }
      const text = !event.killed
        ? 'stopped'
        : life.forced
          ? 'stopped (SIGKILL)'
          : `did not stop within ${formatDuration(service.spec.stopTimeoutMs)} of ${service.spec.stopSignal}; killed with SIGKILL`;
      fx.push({ type: 'log', service: name, text });
      return patch(state, name, { life: { kind: 'stopped' } });
    }
    case 'stopService':
    case 'startService':
    case 'restartService':
      return state.stopping ? state : byHand(state, name, event.type, event.at, fx);
    case 'portsLost': {
      const lost = Object.entries(event.ports).map(([port, number]) => `port ${number} (${port})`);
      const text = `lost ${lost.join(', ')} to another client while the coordinator restarted; stop the stack and start it again to get free ports`;
      fx.push({ type: 'log', service: name, text });
      return patch(state, name, { lost: `lost ${lost.join(', ')}` });
    }
  }
}

function exited(
  state: MachineState,
  name: string,
  event: Extract<MachineEvent, { type: 'exited' }>,
  fx: Effect[],
): MachineState {
  const service = state.services[name]!;
  const { life } = service;
  const exit = { code: event.code, signal: event.signal, at: event.at };
  if (life.kind !== 'starting' && life.kind !== 'up') return patch(state, name, { pid: null, lastExit: exit }); // stopping: stopDone follows
  if (life.kind === 'starting') fx.push({ type: 'cancelProbe', service: name });
  if (life.kind === 'up' && service.health !== null) fx.push({ type: 'cancelHealth', service: name });
  // An exit is its own verdict: what the health checks said of this run no longer counts.
  const next = patch(state, name, { pid: null, lastExit: exit, health: freshHealth(service.spec) });
  const decision = decideOnExit({
    restart: service.spec.restart,
    exit,
    upForMs: life.kind === 'up' ? event.at - life.readyAt : null,
    streak: service.streak,
    blocks: blockedDependent(state, name),
  });
  if (decision.kind === 'failed' && !state.stopping) {
    return fail(next, name, event.detail ? `${decision.reason}: ${event.detail}` : decision.reason, fx);
  }
  if (event.detail) fx.push({ type: 'log', service: name, text: event.detail });
  if (decision.kind === 'completed' || (state.stopping && event.code === 0)) {
    fx.push({ type: 'log', service: name, text: 'completed' });
    return patch(next, name, { life: { kind: 'completed' }, streak: 0 });
  }
  if (decision.kind === 'restart' && !state.stopping) {
    return restartDependents(scheduleRestart(next, name, life.run, decision, fx), name, fx);
  }
  // Restart 'no' after it was up, or any exit while the stack stops: it stays exited.
  fx.push({ type: 'log', service: name, text: decision.kind === 'exited' ? decision.text : describeExit(exit) });
  return patch(next, name, { life: { kind: 'exited' } });
}

/** An unhealthy service is stopped: restart it as after a failure (backoff, streak), or give up. */
function backOff(state: MachineState, name: string, at: number, fx: Effect[]): MachineState {
  const service = state.services[name]!;
  const life = service.life as Extract<typeof service.life, { kind: 'stopping' }>;
  const decision = decideOnUnhealthy({
    restart: service.spec.restart,
    upForMs: service.readyAt === null ? null : at - service.readyAt,
    streak: service.streak,
  });
  if (decision.kind === 'failed') return fail(state, name, decision.reason, fx);
  return scheduleRestart(state, name, life.run, decision, fx);
}

/** Waits out the backoff of a restart the policy decided on (`restartDue` follows). */
function scheduleRestart(
  state: MachineState,
  name: string,
  run: number,
  decision: Extract<ExitDecision, { kind: 'restart' }>,
  fx: Effect[],
): MachineState {
  fx.push({ type: 'log', service: name, text: decision.text });
  fx.push({ type: 'schedule', service: name, run, delayMs: decision.delayMs });
  const detail = decision.text.slice(decision.text.indexOf('restarting'));
  return patch(state, name, {
    life: { kind: 'backoff', run, delayMs: decision.delayMs, detail },
    streak: decision.streak,
  });
}

function stopStack(
  state: MachineState,
  force: boolean,
  event: Extract<MachineEvent, { type: 'stopStack' }>,
  fx: Effect[],
): MachineState {
  if (state.finished) return state;
  if (!state.stopping) {
    const phase = state.phase === 'failed' ? 'failed' : 'stopping';
    return { ...state, phase, stopping: { force, reason: event.reason } };
  }
  if (!force || state.stopping.force) return state;
  // A second Ctrl-C: what is still stopping gracefully gets SIGKILL now.
  let next: MachineState = { ...state, stopping: { ...state.stopping, force: true } };
  for (const name of next.order) {
    const { life } = next.services[name]!;
    if (life.kind !== 'stopping' || life.forced) continue;
    fx.push({ type: 'stop', service: name, signal: 'SIGKILL', timeoutMs: 0 });
    next = patch(next, name, { life: { ...life, forced: true } });
  }
  return next;
}

function byHand(
  state: MachineState,
  name: string,
  action: 'stopService' | 'startService' | 'restartService',
  at: number,
  fx: Effect[],
): MachineState {
  const service = state.services[name]!;
  const { life } = service;
  const idle =
    life.kind === 'stopped' || life.kind === 'exited' || life.kind === 'completed' || life.kind === 'pending';
  // An `off` service has no ports yet: the shell leases them, then sends `activate`.
  if (life.kind === 'failed' || life.kind === 'off') return state;
  if (life.kind === 'stopping') {
    return patch(state, name, { life: { ...life, after: action === 'stopService' ? 'stop' : 'start' } });
  }
  if (action === 'stopService') {
    if (life.kind === 'starting' || life.kind === 'up') return beginStop(state, name, 'stop', false, fx);
    if (life.kind === 'backoff') fx.push({ type: 'cancelTimer', service: name });
    if (life.kind === 'backoff' || life.kind === 'pending') {
      fx.push({ type: 'log', service: name, text: 'stopped' });
      return patch(state, name, { life: { kind: 'stopped' } });
    }
    return state;
  }
  const restarts = action === 'restartService' ? service.restarts + 1 : service.restarts;
  if (life.kind === 'starting' || life.kind === 'up') {
    if (action === 'startService') return state;
    fx.push({ type: 'log', service: name, text: 'restarting (by request)' });
    const next = patch(beginStop(state, name, 'start', false, fx), name, { restarts, streak: 0 });
    return restartDependents(next, name, fx);
  }
  if (life.kind === 'backoff') fx.push({ type: 'cancelTimer', service: name });
  if (!idle && life.kind !== 'backoff') return state;
  const next = spawn(state, name, at, fx, { restarts, streak: 0 });
  return action === 'restartService' ? restartDependents(next, name, fx) : next;
}

/** `off` services whose ports are leased now: pending, so `drive` starts them as their dependencies allow. */
function activate(state: MachineState, event: Extract<MachineEvent, { type: 'activate' }>, fx: Effect[]): MachineState {
  if (!state.begun || state.finished || state.stopping) return state;
  let next = state;
  for (const [name, ports] of Object.entries(event.services)) {
    const service = next.services[name];
    if (service?.life.kind !== 'off') continue;
    fx.push({ type: 'log', service: name, text: 'starting by request (outside the active profiles)' });
    next = patch(next, name, { spec: { ...service.spec, ports }, life: { kind: 'pending' } });
  }
  return next;
}
