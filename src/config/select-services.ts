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

/** What `up` runs now (`active`) and what it lists as `off` until started by hand. */
export interface ProfileSelection {
  readonly active: ResolvedService[];
  readonly off: ResolvedService[];
}

/**
 * Profiles: with no services named, a service runs when it has no `profiles` or one of them is
 * active, and so does everything such a service needs; the others are `off`. Named services
 * (`styxy up docs`) run whatever their profiles, with what they need, and nothing else is
 * listed (as before profiles). A profile no service has is an error (a typo would otherwise
 * quietly start nothing), and so is a selection that leaves nothing to run.
 */
export function selectByProfiles(
  config: ResolvedConfig,
  names: readonly string[],
  profiles: readonly string[],
): ProfileSelection {
  const known = [...new Set(config.services.flatMap((service) => service.profiles))];
  for (const profile of profiles) {
    if (known.includes(profile)) continue;
    const match = closest(profile, known);
    throw new StyxyError(
      'STYXY_UNKNOWN_PROFILE',
      `no service of ${config.file} has the profile "${profile}"${match ? `; did you mean "${match}"?` : ''}`,
      {
        hint: known.length > 0 ? `profiles: ${known.join(', ')}` : 'give a service `profiles: [...]` in the config',
        details: { profile, known },
      },
    );
  }
  if (names.length > 0) return { active: selectServices(config, names), off: [] };
  const wanted = config.services.filter(
    (service) => service.profiles.length === 0 || service.profiles.some((profile) => profiles.includes(profile)),
  );
  if (wanted.length === 0) {
    throw new StyxyError(
      'STYXY_UNKNOWN_PROFILE',
      `every service of ${config.file} is in a profile, and none is active`,
      {
        hint: `start some with \`styxy up --profile <name>\` (profiles: ${known.join(', ')}) or name them: \`styxy up SERVICE\``,
        details: { known },
      },
    );
  }
  const active = selectServices(
    config,
    wanted.map((service) => service.name),
  );
  const running = new Set(active.map((service) => service.name));
  return { active, off: config.services.filter((service) => !running.has(service.name)) };
}

/**
 * The active profiles: every `--profile`, else `STYXY_PROFILES` (comma-separated), else none.
 * Blank entries are dropped.
 */
export function activeProfiles(flags: readonly string[] | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const given = flags && flags.length > 0 ? flags : (env.STYXY_PROFILES ?? '').split(',');
  return [...new Set(given.map((profile) => profile.trim()).filter((profile) => profile !== ''))];
}
