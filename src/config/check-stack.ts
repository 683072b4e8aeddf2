/**
 * Checks across services: `dependsOn` targets, `${service.PORT}` references, names that would
 * collide in `STYXY_<SERVICE>_<PORT>` variables, a fixed port asked for twice, and the
 * coordinator's caps (a stack's ports are leased in one batch, its status is one message).
 */
import { MAX_BATCH_PORTS, MAX_NAME_LENGTH, MAX_STACK_SERVICES } from '../protocol/coordinator-protocol.js';
import { findReferences } from './interpolate.js';
import type { FieldPath, Problems } from './problems.js';
import type { ServiceDraft } from './resolve-service.js';
import { closest, didYouMean } from './suggest.js';

/** Service names: letters, digits, `-`, `_` (they appear in `${name.PORT}` and in env-var names). */
export const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** `web-app` → `WEB_APP`, as in `STYXY_WEB_APP_PORT`; a replica `worker#2` → `WORKER_2`. */
export function envName(serviceName: string): string {
  return serviceName.toUpperCase().replace(/[-#]/g, '_');
}

/** How many copies of a service run. */
export function copiesOf(draft: ServiceDraft): number {
  return draft.replicas ?? 1;
}

/** The names a service runs under: itself, or `name#1`…`name#N` with `replicas` above 1. */
export function replicaNames(name: string, copies: number): string[] {
  return copies > 1 ? Array.from({ length: copies }, (_, index) => `${name}#${index + 1}`) : [name];
}

export function checkServiceName(name: string, path: FieldPath, problems: Problems): void {
  if (!SERVICE_NAME.test(name)) {
    problems.add(
      path,
      `a service name is letters, digits, "-" and "_", starting with a letter or digit; found "${name}"`,
    );
  } else if (name.length > MAX_NAME_LENGTH) {
    problems.add(path, `a service name has at most ${MAX_NAME_LENGTH} characters; this one has ${name.length}`);
  } else if (/^\d+$/.test(name)) {
    // JavaScript objects list integer-like keys first, so the written order would be lost.
    problems.add(path, `a service name cannot be all digits ("${name}"): add a letter`);
  }
}

export function checkStack(drafts: readonly ServiceDraft[], problems: Problems): void {
  const services = drafts.reduce((sum, draft) => sum + copiesOf(draft), 0);
  if (services > MAX_STACK_SERVICES) {
    problems.add(
      ['services'],
      `a stack has at most ${MAX_STACK_SERVICES} services; this one has ${services}${services > drafts.length ? ' (replicas counted)' : ''}`,
    );
  }
  const ports = drafts.reduce((sum, draft) => sum + Object.keys(draft.service.ports).length * copiesOf(draft), 0);
  if (ports > MAX_BATCH_PORTS) {
    problems.add(
      ['services'],
      `a stack leases at most ${MAX_BATCH_PORTS} ports (all at once, when it starts); this one asks for ${ports}`,
    );
  }
  const byName = new Map(drafts.map((draft) => [draft.service.name, draft]));
  const names = [...byName.keys()];
  for (const draft of drafts) {
    const { name, dependsOn } = draft.service;
    for (const [target, condition] of Object.entries(dependsOn)) {
      const at = ['services', name, 'dependsOn', target];
      const dependency = byName.get(target);
      if (target === name) problems.add(at, `"${name}" cannot depend on itself`);
      else if (!dependency) problems.add(at, unknownService(target, names));
      else if (condition === 'completed' && dependency.service.restart.policy === 'always') {
        problems.add(at, `"${target}" has restart: 'always', so it never completes; wait for 'started' or 'ready'`);
      }
    }
    for (const template of draft.templates) {
      for (const reference of findReferences(template.text)) {
        const [base = '', replica] = reference.service.split('#');
        const target = byName.get(base);
        if (!target) {
          problems.add(template.path, `${reference.text}: ${unknownService(base, names)}`);
        } else if (replica !== undefined && (Number(replica) < 1 || Number(replica) > copiesOf(target))) {
          const copies = copiesOf(target);
          problems.add(
            template.path,
            `${reference.text}: "${base}" runs ${copies === 1 ? 'one copy' : `${copies} copies (${base}#1 to ${base}#${copies})`}`,
          );
        } else if (target.portNames && !target.portNames.includes(reference.port)) {
          const ports = target.portNames;
          problems.add(
            template.path,
            `${reference.text}: "${reference.service}" has no port "${reference.port}"${didYouMean(reference.port, ports)} (${ports.length === 0 ? 'it has no ports' : `its ports: ${ports.join(', ')}`})`,
          );
        }
      }
    }
  }
  checkCollisions(drafts, problems);
}

function unknownService(name: string, known: readonly string[]): string {
  const match = closest(name, known);
  return `no service named "${name}"${match ? `; did you mean "${match}"?` : ` (services: ${known.join(', ')})`}`;
}

/** Two services (or replicas, `worker#2` against `worker_2`) that read the same in environment variables. */
function checkServiceCollision(name: string, service: string, services: Map<string, string>, problems: Problems): void {
  const upper = envName(name);
  const other = services.get(upper);
  if (other === undefined) {
    services.set(upper, name);
    return;
  }
  problems.add(
    ['services', service],
    `"${name}" and "${other}" are the same name in environment variables (STYXY_${upper}_…); rename one`,
  );
}

function checkCollisions(drafts: readonly ServiceDraft[], problems: Problems): void {
  const services = new Map<string, string>();
  const variables = new Map<string, string>();
  const fixed = new Map<number, string>();
  for (const draft of drafts) {
    const { service } = draft;
    if (copiesOf(draft) > 1) {
      const fixedPort = Object.entries(service.ports).find(([, request]) => request.fixed !== null);
      if (fixedPort) {
        problems.add(
          ['services', service.name, 'replicas'],
          `${copiesOf(draft)} copies cannot share the fixed port ${fixedPort[1].fixed} (ports.${fixedPort[0]}); give it a type instead`,
        );
      }
    }
    for (const name of replicaNames(service.name, copiesOf(draft)))
      checkServiceCollision(name, service.name, services, problems);
    const upper = envName(service.name);
    const other = services.get(upper) === service.name ? undefined : services.get(upper);
    for (const [portName, request] of Object.entries(service.ports)) {
      const where = `${service.name}.${portName}`;
      const variable = `STYXY_${upper}_${portName}`;
      const clash = variables.get(variable);
      if (clash !== undefined && other === undefined) {
        problems.add(
          ['services', service.name, 'ports', portName],
          `${variable} would name both ${clash} and ${where}; rename one`,
        );
      }
      variables.set(variable, where);
      if (request.fixed !== null) {
        const holder = fixed.get(request.fixed);
        if (holder !== undefined) {
          problems.add(
            ['services', service.name, 'ports', portName],
            `port ${request.fixed} is already fixed for ${holder}`,
          );
        }
        fixed.set(request.fixed, where);
      }
    }
  }
}
