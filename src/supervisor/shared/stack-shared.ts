/**
 * What shared services change for one stack's supervisor: which of its selected services it runs
 * itself, which it only uses (they run in their own stacks), and — for the instance of a shared
 * service — what it registers as. Then joining them before the stack's own services start, and
 * starting an instance again while the stack uses it if its supervisor died (`kill -9`).
 */
import type { CoordinatorClient } from '../../client/coordinator-client.js';
import type { StackPorts } from '../../config/interpolate.js';
import type { ResolvedConfig, ResolvedService } from '../../config/types.js';
import type { SharedUse } from '../../protocol/coordinator-protocol.js';
import { joinShared } from './join-shared.js';
import { isShared, sharedUse } from './shared-use.js';
import { spawnShared } from './spawn-shared.js';

/** How long a stack waits for a shared service to be up (its background start times out at 120 s). */
const SHARED_START_TIMEOUT_MS = 120_000;
const JOIN_TIMEOUT_MS = 150_000;
/** How often a stack checks that the shared services it uses still run. */
const WATCH_MS = 1000;

export interface SharedPlan {
  /** The services this stack runs, dependencies on shared services dropped (they are up first). */
  readonly own: readonly ResolvedService[];
  /** The shared services it uses (its registration's `uses`). */
  readonly uses: readonly SharedUse[];
  /** Set when this stack is the instance of a shared service (its registration's `shared`). */
  readonly instance: SharedUse | null;
}

export function planShared(
  selected: readonly ResolvedService[],
  config: ResolvedConfig,
  instanceOf: string | undefined,
): SharedPlan {
  if (instanceOf !== undefined) {
    const service = selected.find((candidate) => candidate.name === instanceOf);
    return { own: selected, uses: [], instance: service && isShared(service) ? sharedUse(service, config) : null };
  }
  const shared = selected.filter(isShared);
  if (shared.length === 0) return { own: selected, uses: [], instance: null };
  const names = new Set(shared.map((service) => service.name));
  const own = selected
    .filter((service) => !names.has(service.name))
    .map((service) => ({
      ...service,
      dependsOn: Object.fromEntries(Object.entries(service.dependsOn).filter(([target]) => !names.has(target))),
    }));
  return { own, uses: shared.map((service) => sharedUse(service, config)), instance: null };
}

export interface SharedContext {
  readonly coordinator: CoordinatorClient;
  readonly stackId: string;
  readonly config: ResolvedConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cancelled: () => boolean;
}

function starter(context: SharedContext, service: string): () => Promise<unknown> {
  return () =>
    spawnShared({
      root: context.config.root,
      configFiles: context.config.layers,
      service,
      timeoutMs: SHARED_START_TIMEOUT_MS,
      env: context.env,
    });
}

/** Starts or joins every shared service the stack uses, at once; their ports by service. */
export async function joinAll(plan: SharedPlan, context: SharedContext): Promise<StackPorts> {
  const ports: Record<string, Readonly<Record<string, number>>> = {};
  await Promise.all(
    plan.uses.map(async (use) => {
      const joined = await joinShared(context.coordinator, {
        stackId: context.stackId,
        service: use.service,
        start: starter(context, use.service),
        timeoutMs: JOIN_TIMEOUT_MS,
        cancelled: context.cancelled,
      });
      ports[use.service] = joined.ports;
    }),
  );
  return ports;
}

/**
 * While the stack runs: every second, asks for each shared service it uses; if its instance is
 * gone (its supervisor was killed and reaped) and nobody else is starting it, this stack is told
 * to start it again. Each answer `join` hands its ports to `joined` (an instance started again
 * asks for the ports it had, but may not get them). Returns the function that stops watching.
 */
export function watchShared(
  plan: SharedPlan,
  context: SharedContext,
  log: (text: string) => void,
  joined: (service: string, ports: Readonly<Record<string, number>>) => void = () => {},
): () => void {
  if (plan.uses.length === 0) return () => {};
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void Promise.all(
      plan.uses.map(async (use) => {
        try {
          const answer = await context.coordinator.acquireShared(context.stackId, use.service);
          if (answer.action === 'join') joined(use.service, answer.ports);
          if (answer.action !== 'start') return;
          log(`shared service "${use.service}" is not running: starting it again`);
          await starter(context, use.service)();
        } catch (error) {
          log(`shared service "${use.service}": ${(error as Error).message}`);
        }
      }),
    ).finally(() => {
      busy = false;
    });
  }, WATCH_MS);
  timer.unref();
  return () => clearInterval(timer);
}
