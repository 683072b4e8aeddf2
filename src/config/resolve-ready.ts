/**
 * `ready`: how a service shows it is ready. Defaults: a TCP connect to its first port, or
 * "started" when it has no port. `{ timeout }` alone keeps the default check with that timeout.
 */
import { checkKeys } from './check-keys.js';
import { describeValue, isPlainObject } from './describe-value.js';
import type { FieldPath, Problems } from './problems.js';
import { READY_KEYS, readyOptions } from './schema.js';
import { quoteList } from './suggest.js';
import type { ResolvedReadyCheck } from './types.js';
import { parseField } from './zod-problems.js';

export const DEFAULT_READY_TIMEOUT_MS = 30_000;
export const DEFAULT_READY_INTERVAL_MS = 250;

const KINDS = ['port', 'http', 'log', 'command'] as const;

/** A template string of the check (for `${service.PORT}` reference checks), with its path. */
export interface Template {
  readonly path: FieldPath;
  readonly text: string;
}

/**
 * `portNames` are the service's ports in written order, or null when they are unknown (its
 * `ports` field is invalid): port-name checks are then skipped rather than reported twice.
 */
export function resolveReady(
  raw: unknown,
  portNames: readonly string[] | null,
  path: FieldPath,
  problems: Problems,
  templates: Template[],
): ResolvedReadyCheck {
  const fallback = defaultCheck(portNames, DEFAULT_READY_TIMEOUT_MS, DEFAULT_READY_INTERVAL_MS);
  if (raw === undefined) return fallback;
  if (raw === false) return { kind: 'started' };
  if (!isPlainObject(raw)) {
    problems.add(
      path,
      `expected false or one of { port: NAME }, { http: PATH }, { log: REGEX }, { command: CMD }, found ${describeValue(raw)}`,
    );
    return fallback;
  }
  checkKeys(raw, READY_KEYS, path, problems);
  const options = parseField(readyOptions, raw, path, problems);
  if (!options) return fallback;
  const timing = {
    timeoutMs: options.timeout ?? DEFAULT_READY_TIMEOUT_MS,
    intervalMs: options.interval ?? DEFAULT_READY_INTERVAL_MS,
  };
  // `port` is a check of its own, or with `http` the port to probe.
  const kinds = KINDS.filter((kind) => options[kind] !== undefined && !(kind === 'port' && options.http !== undefined));
  if (kinds.length > 1) {
    problems.add(
      path,
      `expected one check, found ${quoteList(kinds, 'and')}: give one of "port", "http", "log", "command"`,
    );
    return fallback;
  }
  if (options.http !== undefined) {
    if (!options.http.startsWith('/')) {
      problems.add([...path, 'http'], `expected a path starting with "/" (e.g. "/health"), found "${options.http}"`);
    }
    templates.push({ path: [...path, 'http'], text: options.http });
    const port = options.port ?? portNames?.[0];
    if (options.port !== undefined) checkPortName(options.port, portNames, [...path, 'port'], problems);
    else if (portNames?.length === 0)
      problems.add([...path, 'http'], 'an HTTP check needs a port, and this service has none');
    return { kind: 'http', path: options.http, port: port ?? 'PORT', ...timing };
  }
  if (options.port !== undefined) {
    checkPortName(options.port, portNames, [...path, 'port'], problems);
    return { kind: 'port', port: options.port, ...timing };
  }
  if (options.log !== undefined) {
    const pattern = typeof options.log === 'string' ? options.log : options.log.source;
    // `g` and `y` make RegExp#test stateful across lines; a readiness match needs neither.
    const flags = typeof options.log === 'string' ? '' : options.log.flags.replace(/[gy]/g, '');
    try {
      new RegExp(pattern, flags);
    } catch (error) {
      problems.add([...path, 'log'], `expected a valid regular expression: ${(error as Error).message}`);
    }
    templates.push({ path: [...path, 'log'], text: pattern });
    return { kind: 'log', pattern, flags, ...timing };
  }
  if (options.command !== undefined) {
    templates.push({ path: [...path, 'command'], text: options.command });
    return { kind: 'command', command: options.command, ...timing };
  }
  return defaultCheck(portNames, timing.timeoutMs, timing.intervalMs);
}

function defaultCheck(portNames: readonly string[] | null, timeoutMs: number, intervalMs: number): ResolvedReadyCheck {
  const first = portNames?.[0];
  return first === undefined ? { kind: 'started' } : { kind: 'port', port: first, timeoutMs, intervalMs };
}

export function checkPortName(
  name: string,
  portNames: readonly string[] | null,
  path: FieldPath,
  problems: Problems,
): void {
  if (portNames === null || portNames.includes(name)) return;
  problems.add(
    path,
    portNames.length === 0
      ? `"${name}" is not a port of this service: it has no ports`
      : `"${name}" is not a port of this service (its ports: ${portNames.join(', ')})`,
  );
}
