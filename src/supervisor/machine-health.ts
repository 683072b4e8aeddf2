/**
 * A health check's verdict on an up service (config `health`): misses are counted, `failures` in
 * a row make it unhealthy, and an unhealthy service whose restart policy restarts failures is
 * stopped and then restarted with backoff (machine.ts, `backOff`). With `restart: 'no'` it stays
 * up and unhealthy until a check passes again. Pure.
 */
import { restartDependents } from './machine-cascade.js';
import { beginStop, patch } from './machine-ops.js';
import type { Effect, MachineEvent, MachineState } from './machine-types.js';

export function health(
  state: MachineState,
  name: string,
  event: Extract<MachineEvent, { type: 'healthChecked' }>,
  fx: Effect[],
): MachineState {
  const service = state.services[name]!;
  const failures = service.spec.healthFailures;
  const current = service.health;
  if (failures === null || current === null) return state;
  if (event.ok) {
    if (current.unhealthy) fx.push({ type: 'log', service: name, text: 'healthy again' });
    return patch(state, name, { health: { misses: 0, unhealthy: false, lastFailure: null, checkedAt: event.at } });
  }
  const misses = current.misses + 1;
  const reason = event.reason ?? 'no answer';
  const becomes = !current.unhealthy && misses >= failures;
  const next = patch(state, name, {
    health: { misses, unhealthy: current.unhealthy || becomes, lastFailure: reason, checkedAt: event.at },
  });
  if (!becomes) {
    if (!current.unhealthy) {
      fx.push({ type: 'log', service: name, text: `health check failed (${misses}/${failures}): ${reason}` });
    }
    return next;
  }
  const restarts = service.spec.restart.policy !== 'no' && !state.stopping;
  fx.push({
    type: 'log',
    service: name,
    text: `unhealthy: ${failures === 1 ? 'its health check' : `${failures} health checks in a row`} failed (${reason})${restarts ? '' : '; it keeps running (restart is "no")'}`,
  });
  return restarts ? restartDependents(beginStop(next, name, 'backoff', false, fx), name, fx) : next;
}
