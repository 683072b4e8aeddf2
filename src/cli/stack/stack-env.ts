/**
 * What Styxy injects into the services of a running stack (`styxy env`): each service's env files
 * and `env` from the config as it is now, with the stack's leased ports filled in, its ports and
 * the `STYXY_*` names. Not the inherited environment, PATH or STYXY_TAG (a shell that took the
 * tag would be stopped with the stack).
 */
import type { ResolvedConfig } from '../../config/types.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { StyxyError } from '../../protocol/errors.js';
import { stackSlug } from '../../protocol/stack-id.js';
import { injectedEnv } from '../../supervisor/service-env.js';
import { stackPorts } from './stack-ports.js';

/**
 * service → KEY → value, in start order; only `only` when given. A shared service the stack uses
 * (`instances`: its instance's stack, by service) shows the environment it runs with there: the
 * instance's ports and `STYXY_*` names, not this stack's.
 */
export function stackEnv(
  stack: StackInfo,
  config: ResolvedConfig,
  only?: string,
  instances: ReadonlyMap<string, StackInfo> = new Map(),
): Map<string, Record<string, string>> {
  // The services the stack runs (`up web` runs some); before its first push, the config's.
  const running = stack.services.length > 0 ? new Set(stack.services.map((s) => s.name)) : null;
  const services = config.services.filter((service) => running === null || running.has(service.name));
  if (only !== undefined && !services.some((service) => service.name === only)) {
    const known = services.map((service) => service.name);
    throw new StyxyError('STYXY_UNKNOWN_SERVICE', `no service "${only}" in stack ${stack.project}/${stack.name}`, {
      hint: `its services: ${known.join(', ') || 'none'}`,
      details: { service: only, known },
    });
  }
  const own = contextOf(stack);
  const result = new Map<string, Record<string, string>>();
  for (const service of services) {
    if (only !== undefined && service.name !== only) continue;
    const instance = instances.get(service.name);
    result.set(service.name, injectedEnv(service, instance ? contextOf(instance) : own));
  }
  return result;
}

function contextOf(stack: StackInfo) {
  return {
    stackName: stack.name,
    stackId: stack.id,
    stackSlug: stackSlug(stack.root, stack.name, stack.project),
    project: stack.project,
    ports: stackPorts(stack),
  };
}

/** `KEY=value` lines; several services grouped under `# service` lines. */
export function formatEnv(envs: ReadonlyMap<string, Record<string, string>>, grouped: boolean): string {
  const blocks = [...envs].map(([service, env]) => {
    const lines = Object.entries(env).map(([key, value]) => `${key}=${value}`);
    return (grouped ? [`# ${service}`, ...lines] : lines).join('\n');
  });
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}
