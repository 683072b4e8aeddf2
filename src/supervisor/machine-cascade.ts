/**
 * Dependents restarted with their dependency (`dependsOn: { db: { restart: true } }`, compose's
 * `depends_on.restart`): when a service restarts — by its policy, by hand, unhealthy, or a watched
 * file — each service that restarts with it is stopped and goes back to `pending`, so it starts
 * again, in dependency order, once the dependency meets its condition again. Their own dependents
 * follow the same way. The dependents' stops run beside the dependency's (not before it): what
 * matters is that none of them starts again before the dependency is back. Pure.
 */
import { beginStop, patch } from './machine-ops.js';
import type { Effect, MachineState } from './machine-types.js';

export function restartDependents(state: MachineState, name: string, fx: Effect[]): MachineState {
  let next = state;
  for (const other of state.order) {
    const service = next.services[other]!;
    if (!service.spec.restartsWith.includes(name)) continue;
    const { life } = service;
    if (life.kind === 'starting' || life.kind === 'up') {
      fx.push({ type: 'log', service: other, text: `restarting (${name} restarts)` });
      next = patch(beginStop(next, other, 'pending', false, fx), other, { restarts: service.restarts + 1 });
    } else if (life.kind === 'backoff') {
      // Its own restart would come too early: it waits for the dependency instead.
      fx.push({ type: 'cancelTimer', service: other });
      next = patch(next, other, { life: { kind: 'pending' }, restarts: service.restarts + 1 });
    } else if (life.kind === 'stopping' && life.after !== 'stop') {
      next = patch(next, other, { life: { ...life, after: 'pending' } });
    } else continue;
    next = restartDependents(next, other, fx);
  }
  return next;
}
