/** Dependency questions the state machine asks: may this service start, may that one stop. Pure. */
import type { DependencyCondition } from '../config/types.js';
import type { Life, MachineState, ServiceState } from './machine-types.js';

/** True while the service has (or is about to have) a process. */
export function isLive(life: Life): boolean {
  return life.kind === 'starting' || life.kind === 'up' || life.kind === 'stopping';
}

/** The service is down now and will start again by itself (backoff, a restart, waiting as pending). */
function restartComing(life: Life): boolean {
  return life.kind === 'backoff' || life.kind === 'pending' || (life.kind === 'stopping' && life.after !== 'stop');
}

/** Whether `dependency` meets `condition` now. A completed service meets every condition. */
export function conditionMet(condition: DependencyCondition, dependency: ServiceState): boolean {
  switch (condition) {
    case 'started':
      // Not while a restart of it is under way: a dependent restarted with it waits for the new run.
      return (
        dependency.everStarted &&
        !restartComing(dependency.life) &&
        (dependency.life.kind !== 'starting' || dependency.pid !== null)
      );
    case 'ready':
      return dependency.life.kind === 'up' || dependency.life.kind === 'completed';
    case 'completed':
      return dependency.life.kind === 'completed';
  }
}

/** The dependencies of `service` not met yet, as `name (condition)`. */
export function unmetDependencies(state: MachineState, service: ServiceState): string[] {
  const unmet: string[] = [];
  for (const [name, condition] of Object.entries(service.spec.dependsOn)) {
    const dependency = state.services[name];
    // A dependency outside the selection (not started by this stack) cannot hold anything up.
    if (dependency && !conditionMet(condition, dependency)) unmet.push(`${name} (${condition})`);
  }
  return unmet;
}

/** Names of the services that depend on `name` and still have a process. */
export function liveDependents(state: MachineState, name: string): string[] {
  return state.order.filter((other) => {
    const service = state.services[other]!;
    return Object.hasOwn(service.spec.dependsOn, name) && isLive(service.life);
  });
}

/**
 * A pending service that waits for `name` with a condition that an exited process of `name`
 * can never meet (anything but `started`), or null.
 */
export function blockedDependent(state: MachineState, name: string): string | null {
  for (const other of state.order) {
    const service = state.services[other]!;
    const condition = service.spec.dependsOn[name];
    if (service.life.kind === 'pending' && condition !== undefined && condition !== 'started') return other;
  }
  return null;
}

/** Every service has been up (ready or running) once, or has completed: `start()` resolves. */
export function isUp(state: MachineState): boolean {
  return state.order.every((name) => {
    const service = state.services[name]!;
    return service.everUp || service.life.kind === 'completed' || service.life.kind === 'off';
  });
}
