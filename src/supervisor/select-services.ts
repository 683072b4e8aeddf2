/**
 * `styxy up web`: the named services plus everything they need — their dependencies and the
 * services whose ports they reference (`${api.PORT}`) — transitively, in start order.
 */
import { findReferences } from '../config/interpolate.js';
import type { ResolvedService } from '../config/types.js';
import { StyxyError } from '../protocol/errors.js';

export function selectServices(
  services: readonly ResolvedService[],
  names: readonly string[] | undefined,
): ResolvedService[] {
  if (!names || names.length === 0) return [...services];
  const byName = new Map(services.map((service) => [service.name, service]));
  const wanted = new Set<string>();
  const visit = (name: string, from: string | null) => {
    if (wanted.has(name)) return;
    const service = byName.get(name);
    if (!service) {
      if (from !== null) return; // a dangling reference is the config loader's error to report
      throw new StyxyError('STYXY_UNKNOWN_SERVICE', `no service "${name}" in this stack`, {
        hint: `services: ${services.map((s) => s.name).join(', ')}`,
        details: { service: name, known: services.map((s) => s.name) },
      });
    }
    wanted.add(name);
    for (const dependency of Object.keys(service.dependsOn)) visit(dependency, name);
    for (const reference of referencesOf(service)) visit(reference, name);
  };
  for (const name of names) visit(name, null);
  return services.filter((service) => wanted.has(service.name));
}

function referencesOf(service: ResolvedService): string[] {
  const texts = [
    ...(service.command.kind === 'shell' ? [service.command.shell] : service.command.argv),
    ...Object.values(service.env),
  ];
  const ready = service.ready;
  if (ready.kind === 'http') texts.push(ready.path);
  if (ready.kind === 'log') texts.push(ready.pattern);
  if (ready.kind === 'command') texts.push(ready.command);
  return texts.flatMap((text) => findReferences(text).map((reference) => reference.service));
}
