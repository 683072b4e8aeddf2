import { StyxyError } from '../protocol/errors.js';
import { findReferences, referencedService } from './interpolate.js';
import { closest } from './suggest.js';
import type { ResolvedConfig, ResolvedService } from './types.js';

/**
 * `styxy up web`: the named services plus every service they depend on or reference with
 * `${service.PORT}` (its port must be leased to fill the reference in), transitively, in start
 * order. No names: every service.
 */
export function selectServices(config: ResolvedConfig, names: readonly string[]): ResolvedService[] {
  if (names.length === 0) return [...config.services];
  const byName = new Map(config.services.map((service) => [service.name, service]));
  const known = config.services.map((service) => service.name);
  for (const name of names) {
    if (byName.has(name) || copiesNamed(name, known).length > 0) continue;
    const match = closest(name, known);
    throw new StyxyError(
      'STYXY_UNKNOWN_SERVICE',
      `no service "${name}" in ${config.file}${match ? `; did you mean "${match}"?` : ''}`,
      {
        hint: `services: ${known.join(', ')}`,
        details: { service: name, known },
      },
    );
  }
  const selected = new Set<string>();
  const visit = (name: string): void => {
    if (selected.has(name)) return;
    selected.add(name);
    for (const needed of needs(byName.get(name)!)) {
      const service = referencedService(needed, known);
      if (service !== undefined) visit(service);
    }
  };
  for (const name of names) for (const each of byName.has(name) ? [name] : copiesNamed(name, known)) visit(each);
  return config.services.filter((service) => selected.has(service.name));
}

/** The copies of a replicated service (`worker` → `worker#1`, `worker#2`, …). */
function copiesNamed(name: string, known: readonly string[]): string[] {
  return known.filter((each) => each.startsWith(`${name}#`));
}

/** The services one service needs: its dependencies and the services its templates reference. */
function needs(service: ResolvedService): Set<string> {
  const found = new Set(Object.keys(service.dependsOn));
  const texts = [
    ...(service.command.kind === 'shell' ? [service.command.shell] : service.command.argv),
    ...Object.values(service.env),
    ...probeTexts(service),
  ];
  for (const text of texts) for (const reference of findReferences(text)) found.add(reference.service);
  return found;
}

function probeTexts(service: ResolvedService): string[] {
  switch (service.ready.kind) {
    case 'http':
      return [service.ready.path];
    case 'log':
      return [service.ready.pattern];
    case 'command':
      return [service.ready.command];
    case 'port':
    case 'started':
      return [];
  }
}
