/**
 * What a new config means for a running stack (`up -d` on a stack that runs, docs/architecture.md
 * "up -d is idempotent"): pure. Each service is compared by two fingerprints: its port requests
 * and its whole definition (the resolved service and its launch spec with the ports it has, so
 * an edited command, env, env file, probe or stop signal all count).
 *
 * - Same services, same port requests: the services whose definition changed are restarted in
 *   place, on their ports (`in-place`).
 * - A service added or removed, or a port request changed: the stack is restarted as a whole
 *   (`restart-stack`), its ports kept by the coordinator's sticky assignment. Restarting a stack in
 *   place with another set of services would mean leasing, releasing and rewiring `${svc.PORT}`
 *   references of running services one by one; a restart of the whole stack gets all of it right
 *   with the code that starts every stack.
 */
export interface ServiceFingerprint {
  /** The port requests (type, preferred, fixed by name). */
  readonly ports: string;
  /** Everything else that makes the service what it runs. */
  readonly definition: string;
}

export interface ConfigChange {
  readonly service: string;
  readonly action: 'restarted' | 'stopped' | 'started';
}

export type ConfigPlan =
  | { readonly kind: 'in-place'; readonly changed: readonly ConfigChange[] }
  | { readonly kind: 'restart-stack'; readonly changed: readonly ConfigChange[] };

/** `before` and `after` in start order (of the running stack, and of the new config). */
export function planConfigChange(
  before: ReadonlyMap<string, ServiceFingerprint>,
  after: ReadonlyMap<string, ServiceFingerprint>,
  /** Something beyond the services changed (the shared services used): restart the stack. */
  restartStack = false,
): ConfigPlan {
  const sameSet = !restartStack && before.size === after.size && [...after.keys()].every((name) => before.has(name));
  const samePorts = sameSet && [...after].every(([name, print]) => before.get(name)!.ports === print.ports);
  if (samePorts) {
    const changed = [...after]
      .filter(([name, print]) => before.get(name)!.definition !== print.definition)
      .map(([service]) => ({ service, action: 'restarted' as const }));
    return { kind: 'in-place', changed };
  }
  return {
    kind: 'restart-stack',
    changed: [
      ...[...before.keys()]
        .filter((name) => !after.has(name))
        .map((service) => ({ service, action: 'stopped' as const })),
      ...[...after.keys()].map((service) => ({
        service,
        action: before.has(service) ? ('restarted' as const) : ('started' as const),
      })),
    ],
  };
}
