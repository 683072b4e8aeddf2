/**
 * A running stack takes its config as it is now on disk (the control socket's `applyConfig`,
 * which `up -d` calls on a stack that runs): reload it, compare (config-change.ts), and restart
 * in place, on their ports, the services whose definition changed — one after the other, in
 * start order, each answered once it is up again. A change of the set of services, of a port
 * request or of the shared services used is not applied here: the answer says the stack must be
 * restarted, and `up -d` does that.
 */
import type { ResolvedConfig, ResolvedService } from '../config/types.js';
import type { ApplyConfigResult } from '../protocol/control-protocol.js';
import { StyxyError } from '../protocol/errors.js';
import { planConfigChange, type ServiceFingerprint } from './config-change.js';
import type { LaunchSpec } from './launch-spec.js';
import { portRequests } from './prepare-stack.js';
import { planShared } from './shared/stack-shared.js';

export interface ApplyContext {
  /** Loads the config again, as the stack's supervisor first loaded it (files, cwd). */
  readonly reload: (() => Promise<ResolvedConfig>) | undefined;
  /**
   * The services the stack runs, from a config: those named when it started (empty: all), as
   * its profiles select them, and the `off` ones started since.
   */
  readonly select: (config: ResolvedConfig) => readonly ResolvedService[];
  readonly sharedInstance: string | undefined;
  /** What runs now: its services (start order), the shared services it uses, their launch specs. */
  readonly current: () => {
    readonly services: readonly ResolvedService[];
    readonly uses: unknown;
    readonly specs: ReadonlyMap<string, LaunchSpec>;
  } | null;
  /** Launch specs for these services with the stack's ports and environment (throws on a bad reference). */
  readonly buildSpecs: (services: readonly ResolvedService[]) => ReadonlyMap<string, LaunchSpec>;
  /** Makes the next start of this service run this definition. */
  readonly replace: (service: ResolvedService, spec: LaunchSpec) => void;
  readonly restart: (service: string) => Promise<void>;
  readonly log: (text: string) => void;
}

export async function applyConfig(context: ApplyContext): Promise<ApplyConfigResult> {
  if (!context.reload) {
    throw new StyxyError('STYXY_STACK_UNREACHABLE', 'this stack cannot take a new config while it runs', {
      hint: '`styxy down`, then `styxy up -d`',
    });
  }
  const now = context.current();
  if (!now) {
    throw new StyxyError('STYXY_STACK_STOPPING', 'the stack is not running its services (starting or stopping)', {
      hint: 'try again once `styxy ps` shows it running',
    });
  }
  const config = await context.reload();
  const plan = planShared(context.select(config), config, context.sharedInstance);
  const before = fingerprints(now.services, now.specs);
  let specs: ReadonlyMap<string, LaunchSpec> | null = null;
  try {
    specs = context.buildSpecs(plan.own);
  } catch {
    // A reference to a port the stack does not have: only a restart of the stack can give it.
  }
  const after = fingerprints(plan.own, specs ?? new Map());
  const usesChanged = JSON.stringify(plan.uses) !== JSON.stringify(now.uses);
  const change = planConfigChange(before, after, usesChanged || specs === null);
  if (change.kind === 'restart-stack') {
    context.log(`config changed (${describe(change.changed)}): the stack must restart`);
    return { outcome: 'restart-stack', changed: [...change.changed] };
  }
  for (const { service } of change.changed) {
    context.log(`config changed: restarting ${service}`);
    context.replace(plan.own.find((s) => s.name === service)!, specs!.get(service)!);
    await context.restart(service);
  }
  return { outcome: 'applied', changed: [...change.changed] };
}

function fingerprints(
  services: readonly ResolvedService[],
  specs: ReadonlyMap<string, LaunchSpec>,
): Map<string, ServiceFingerprint> {
  return new Map(
    services.map((service) => [
      service.name,
      {
        ports: JSON.stringify(portRequests([service])),
        definition: JSON.stringify([service, specs.get(service.name) ?? null]),
      },
    ]),
  );
}

function describe(changed: ApplyConfigResult['changed']): string {
  return changed.map((c) => `${c.service} ${c.action}`).join(', ');
}
