/** The machine's state as the wire snapshot of each service (`ps --json`, the UI). Pure. */
import type { ServiceHealth, ServiceSnapshot } from '../protocol/stack.js';
import { describeExit } from './lifecycle-text.js';
import { unmetDependencies } from './machine-deps.js';
import { statusOf } from './machine-ops.js';
import type { MachineState, ServiceState, StopThen } from './machine-types.js';

export function serviceSnapshots(state: MachineState): ServiceSnapshot[] {
  return state.order.map((name) => {
    const service = state.services[name]!;
    const running = service.pid !== null;
    return {
      name,
      status: statusOf(service),
      ports: service.spec.ports,
      pid: service.pid,
      restarts: service.restarts,
      startedAt: running ? service.startedAt : null,
      readyAt: running ? service.readyAt : null,
      lastExit: service.lastExit,
      detail: withLoss(detailOf(state, service), service.lost),
      dependsOn: Object.keys(service.spec.dependsOn),
      health: healthOf(service),
      input: service.spec.input,
    };
  });
}

function healthOf(service: ServiceState): ServiceHealth | null {
  const { health, spec } = service;
  if (health === null || spec.healthFailures === null) return null;
  return {
    status: health.unhealthy ? 'unhealthy' : health.checkedAt === null ? 'checking' : 'healthy',
    misses: health.misses,
    failures: spec.healthFailures,
    lastFailure: health.lastFailure,
    checkedAt: health.checkedAt,
  };
}

function withLoss(detail: string | null, lost: string | null): string | null {
  if (lost === null) return detail;
  return detail === null ? lost : `${detail}; ${lost}`;
}

const STOPPING_DETAIL: Record<StopThen, string> = {
  stop: 'stopping',
  start: 'restarting',
  backoff: 'unhealthy: stopping to restart',
  pending: 'restarting with its dependency',
};

function detailOf(state: MachineState, service: ServiceState): string | null {
  const { life } = service;
  switch (life.kind) {
    case 'pending': {
      if (!state.begun) return null;
      const unmet = unmetDependencies(state, service);
      return unmet.length > 0 ? `waiting for ${unmet.join(', ')}` : null;
    }
    case 'starting':
      return service.spec.checked && service.pid !== null ? 'waiting for its ready check' : null;
    case 'backoff':
      return life.detail;
    case 'stopping':
      return STOPPING_DETAIL[life.after];
    case 'failed':
      return life.reason;
    case 'exited':
      return service.lastExit ? describeExit(service.lastExit) : null;
    case 'up':
      return service.health?.unhealthy ? `health check failing: ${service.health.lastFailure}` : null;
    case 'off':
      return 'outside the active profiles';
    case 'completed':
    case 'stopped':
      return null;
  }
}
