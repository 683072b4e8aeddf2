/**
 * `replicas: 3` runs three copies of a service, `worker#1` to `worker#3`: each its own process,
 * its own leased ports (sticky per replica name) and `STYXY_REPLICA` (1..3). A dependency on
 * `worker` waits for every copy (and with `restart: true` restarts with any of them); `${worker.PORT}` names the first copy's port, `${worker#2.PORT}`
 * a given one (interpolate.ts). Expanded after every check passed, so problems name the service
 * as written.
 */
import { copiesOf, replicaNames } from './check-stack.js';
import type { ServiceDraft } from './resolve-service.js';
import type { DependencyCondition, ResolvedService } from './types.js';

/** The services to run, in the order given, each replicated service as its copies side by side. */
export function expandReplicas(drafts: readonly ServiceDraft[]): ResolvedService[] {
  const copies = new Map(drafts.map((draft) => [draft.service.name, copiesOf(draft)]));
  return drafts.flatMap((draft) => {
    const { service } = draft;
    const dependsOn = expandDependsOn(service.dependsOn, copies);
    const restartsWith = service.restartsWith.flatMap((target) => replicaNames(target, copies.get(target) ?? 1));
    return replicaNames(service.name, copiesOf(draft)).map((name, index) => ({
      ...service,
      name,
      dependsOn,
      restartsWith,
      env: draft.replicas === null ? service.env : { ...service.env, STYXY_REPLICA: String(index + 1) },
    }));
  });
}

function expandDependsOn(
  dependsOn: Readonly<Record<string, DependencyCondition>>,
  copies: ReadonlyMap<string, number>,
): Record<string, DependencyCondition> {
  const expanded: Record<string, DependencyCondition> = {};
  for (const [target, condition] of Object.entries(dependsOn)) {
    for (const name of replicaNames(target, copies.get(target) ?? 1)) expanded[name] = condition;
  }
  return expanded;
}
