/**
 * `ports`: env-var name → a service type name (`'api'`) or `{ type?, preferred?, port?, fixed? }`,
 * normalised to `{ type, preferred, fixed }` requests for the coordinator.
 */
import { checkKeys } from './check-keys.js';
import { describeValue, isPlainObject } from './describe-value.js';
import { setOwn } from './own-key.js';
import type { FieldPath, Problems } from './problems.js';
import type { ResolveContext } from './resolve-context.js';
import { PORT_OPTION_KEYS, portOptions } from './schema.js';
import { closest } from './suggest.js';
import type { ResolvedPortRequest } from './types.js';
import { parseField } from './zod-problems.js';

/** Port names are environment variable names (they are set in the service's environment). */
export const PORT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ResolvedPorts {
  readonly ports: Record<string, ResolvedPortRequest>;
  /** The service's port names, or null when `ports` itself is unusable (checks that need them are skipped). */
  readonly names: readonly string[] | null;
}

export function resolvePorts(
  raw: unknown,
  path: FieldPath,
  context: ResolveContext,
  problems: Problems,
): ResolvedPorts {
  if (raw === undefined) return { ports: {}, names: [] };
  if (!isPlainObject(raw)) {
    problems.add(path, `expected an object of env-var name → service type or options, found ${describeValue(raw)}`);
    return { ports: {}, names: null };
  }
  const ports: Record<string, ResolvedPortRequest> = {};
  const names = Object.keys(raw);
  names.forEach((name, index) => {
    const at = [...path, name];
    checkPortName(name, index, names[0]!, at, problems);
    const request = resolvePortSpec(raw[name], at, context, problems);
    if (request) setOwn(ports, name, request);
  });
  return { ports, names };
}

function checkPortName(name: string, index: number, first: string, path: FieldPath, problems: Problems): void {
  if (!PORT_NAME.test(name)) {
    problems.add(
      path,
      `a port name is an env-var name (letters, digits and _, not starting with a digit), found "${name}"`,
    );
  } else if (name.startsWith('STYXY_')) {
    problems.add(path, 'port names starting with STYXY_ are reserved for the variables Styxy sets');
  } else if (name === 'PORT' && index > 0) {
    problems.add(
      path,
      `PORT must be the service's first port (every service's PORT is its first port, here "${first}")`,
    );
  }
}

/** One port request; undefined (with problems recorded) when it is invalid. */
export function resolvePortSpec(
  spec: unknown,
  path: FieldPath,
  context: ResolveContext,
  problems: Problems,
): ResolvedPortRequest | undefined {
  if (typeof spec === 'string') {
    return checkType(spec, path, context, problems) ? { type: spec, preferred: null, fixed: null } : undefined;
  }
  if (!isPlainObject(spec)) {
    problems.add(
      path,
      `expected a service type name (e.g. "api") or { type, preferred, port, fixed }, found ${describeValue(spec)}`,
    );
    return undefined;
  }
  const before = problems.size;
  checkKeys(spec, PORT_OPTION_KEYS, path, problems);
  const options = parseField(portOptions, spec, path, problems);
  // With a misspelt key (`typ`) the rules below would only repeat the same mistake.
  if (!options || problems.size > before) return undefined;
  const { type, preferred, port, fixed } = options;
  if (type !== undefined) checkType(type, [...path, 'type'], context, problems);

  let request: ResolvedPortRequest | undefined;
  if (fixed === true || typeof fixed === 'number') {
    const number = fixed === true ? port : fixed;
    if (fixed === true && port === undefined) {
      problems.add([...path, 'fixed'], 'a fixed port needs its number: write { port: N, fixed: true } or { fixed: N }');
    } else if (typeof fixed === 'number' && port !== undefined && port !== fixed) {
      problems.add(path, `port ${port} and fixed ${fixed} disagree; write { fixed: ${fixed} }`);
    }
    if (preferred !== undefined) {
      problems.add([...path, 'preferred'], 'a fixed port has no preferred port: drop "preferred" or "fixed"');
    }
    request = { type: type ?? null, preferred: null, fixed: number ?? null };
  } else {
    if (preferred !== undefined && port !== undefined) {
      problems.add(path, '"port" is another name for "preferred": give one of them');
    }
    if (type === undefined) {
      problems.add(
        path,
        `required: "type" (the range to choose from when the preferred port is taken), or a fixed port; known types: ${typeNames(context)}`,
      );
    }
    request = { type: type ?? null, preferred: preferred ?? port ?? null, fixed: null };
  }
  return problems.size === before ? request : undefined;
}

function checkType(type: string, path: FieldPath, context: ResolveContext, problems: Problems): boolean {
  if (context.types.some((known) => known.name === type)) return true;
  const names = context.types.map((known) => known.name);
  const match = closest(type, names);
  problems.add(
    path,
    `unknown service type "${type}"${match ? `; did you mean "${match}"?` : ''} (known types: ${names.join(', ')}; add more in $STYXY_HOME/config.json)`,
  );
  return false;
}

function typeNames(context: ResolveContext): string {
  return context.types.map((type) => type.name).join(', ');
}
