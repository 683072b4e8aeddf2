/**
 * The state machine's building blocks: small pure transitions shared by the event handlers
 * (machine.ts) and the scheduler (machine-drive.ts). Each takes the state and an effect list to
 * append to, and returns the next state.
 */
import type { ServiceStatus } from '../protocol/stack.js';
import type { Effect, HealthState, MachineService, MachineState, ServiceState, StopThen } from './machine-types.js';

/** A run's health before its first check. */
export const FRESH_HEALTH: HealthState = { misses: 0, unhealthy: false, lastFailure: null, checkedAt: null };

/** The health state a new run of `spec` starts with. */
export function freshHealth(spec: MachineService): HealthState | null {
  return spec.healthFailures === null ? null : FRESH_HEALTH;
}

/** `off`: the services outside the active profiles (they wait, unleased, to be started by hand). */
export function initialState(services: readonly MachineService[], off: readonly string[] = []): MachineState {
  const states: Record<string, ServiceState> = {};
  for (const spec of services) {
    states[spec.name] = {
      spec,
      life: off.includes(spec.name) ? { kind: 'off' } : { kind: 'pending' },
      runs: 0,
      pid: null,
      startedAt: null,
      readyAt: null,
      restarts: 0,
      streak: 0,
      lastExit: null,
      everStarted: false,
      everUp: false,
      lost: null,
      health: freshHealth(spec),
    };
  }
  return {
    begun: false,
    phase: 'starting',
    order: services.map((spec) => spec.name),
    services: states,
    stopping: null,
    failure: null,
    finished: false,
  };
}

/** Replaces fields of one service. */
export function patch(state: MachineState, name: string, changes: Partial<ServiceState>): MachineState {
  const service = state.services[name]!;
  return { ...state, services: { ...state.services, [name]: { ...service, ...changes } } };
}

/** The status of a service (docs/architecture.md, "Statuses"). */
export function statusOf(service: ServiceState): ServiceStatus {
  const { life } = service;
  const unhealthy = service.health?.unhealthy === true;
  switch (life.kind) {
    case 'up':
      return unhealthy ? 'unhealthy' : service.spec.checked ? 'ready' : 'running';
    case 'backoff':
      return unhealthy ? 'unhealthy' : 'exited';
    case 'stopping':
      return life.shown;
    default:
      return life.kind;
  }
}

/** Spawns the next run of `name`. */
export function spawn(
  state: MachineState,
  name: string,
  at: number,
  fx: Effect[],
  changes: Partial<ServiceState> = {},
): MachineState {
  const run = state.services[name]!.runs + 1;
  fx.push({ type: 'spawn', service: name, run });
  return patch(state, name, {
    ...changes,
    runs: run,
    pid: null,
    readyAt: null,
    life: { kind: 'starting', run, startedAt: at },
    health: freshHealth(state.services[name]!.spec),
  });
}

/** Marks a service up (ready or running), and starts its health checks if it has them. */
export function markUp(state: MachineState, name: string, run: number, startedAt: number, at: number, fx: Effect[]) {
  const service = state.services[name]!;
  if (service.spec.healthFailures !== null) fx.push({ type: 'watchHealth', service: name, run });
  return patch(state, name, { life: { kind: 'up', run, startedAt, readyAt: at }, readyAt: at, everUp: true });
}

/** Stops the process of a starting or up service; `after: 'start'` spawns it again afterwards. */
export function beginStop(
  state: MachineState,
  name: string,
  after: StopThen,
  force: boolean,
  fx: Effect[],
): MachineState {
  const service = state.services[name]!;
  const { life, spec } = service;
  if (life.kind !== 'starting' && life.kind !== 'up') return state;
  if (life.kind === 'starting') fx.push({ type: 'cancelProbe', service: name });
  if (life.kind === 'up' && spec.healthFailures !== null) fx.push({ type: 'cancelHealth', service: name });
  fx.push({
    type: 'stop',
    service: name,
    signal: force ? 'SIGKILL' : spec.stopSignal,
    timeoutMs: force ? 0 : spec.stopTimeoutMs,
  });
  fx.push({ type: 'log', service: name, text: force ? 'stopping (forced: SIGKILL)' : `stopping (${spec.stopSignal})` });
  return patch(state, name, {
    life: { kind: 'stopping', run: life.run, shown: statusOf(service), after, forced: force },
  });
}

/** Fails a service, and with it the stack (the first failure is the one reported). */
export function fail(state: MachineState, name: string, reason: string, fx: Effect[]): MachineState {
  fx.push({ type: 'log', service: name, text: `failed: ${reason}` });
  const next = patch(state, name, { life: { kind: 'failed', reason } });
  return {
    ...next,
    phase: 'failed',
    failure: state.failure ?? { service: name, reason },
    stopping: state.stopping ?? { force: false, reason: { kind: 'request' } },
  };
}
