/**
 * `health`: a check that keeps running once the service is ready (TCP, HTTP or a command), how
 * often, and how many misses in a row make it unhealthy. No default: without `health`, a ready
 * service is never checked again.
 */
import { checkKeys } from './check-keys.js';
import { describeValue, isPlainObject } from './describe-value.js';
import type { FieldPath, Problems } from './problems.js';
import { checkPortName, type Template } from './resolve-ready.js';
import { HEALTH_KEYS, healthOptions } from './schema.js';
import { quoteList } from './suggest.js';
import type { ResolvedHealthCheck } from './types.js';
import { parseField } from './zod-problems.js';

/** Ten seconds between checks, three misses in a row (compose's retries), five seconds a check. */
export const DEFAULT_HEALTH_INTERVAL_MS = 10_000;
export const DEFAULT_HEALTH_FAILURES = 3;
export const DEFAULT_HEALTH_TIMEOUT_MS = 5_000;

const KINDS = ['port', 'http', 'command'] as const;
const EXPECTED = 'one of { http: PATH }, { port: NAME }, { command: CMD }, with interval, failures, timeout';

export function resolveHealth(
  raw: unknown,
  portNames: readonly string[] | null,
  path: FieldPath,
  problems: Problems,
  templates: Template[],
): ResolvedHealthCheck | null {
  if (raw === undefined) return null;
  if (!isPlainObject(raw)) {
    problems.add(path, `expected ${EXPECTED}, found ${describeValue(raw)}`);
    return null;
  }
  checkKeys(raw, HEALTH_KEYS, path, problems);
  const options = parseField(healthOptions, raw, path, problems);
  if (!options) return null;
  const intervalMs = options.interval ?? DEFAULT_HEALTH_INTERVAL_MS;
  const timing = {
    intervalMs,
    timeoutMs: Math.min(options.timeout ?? DEFAULT_HEALTH_TIMEOUT_MS, intervalMs),
    failures: options.failures ?? DEFAULT_HEALTH_FAILURES,
  };
  // As in `ready`, `port` beside `http` is the port to probe.
  const kinds = KINDS.filter((kind) => options[kind] !== undefined && !(kind === 'port' && options.http !== undefined));
  if (kinds.length !== 1) {
    problems.add(
      path,
      kinds.length === 0
        ? `expected a check: give one of "http", "port", "command"`
        : `expected one check, found ${quoteList(kinds, 'and')}: give one of "http", "port", "command"`,
    );
    return null;
  }
  if (options.http !== undefined) {
    if (!options.http.startsWith('/')) {
      problems.add([...path, 'http'], `expected a path starting with "/" (e.g. "/health"), found "${options.http}"`);
    }
    templates.push({ path: [...path, 'http'], text: options.http });
    if (options.port !== undefined) checkPortName(options.port, portNames, [...path, 'port'], problems);
    else if (portNames?.length === 0) {
      problems.add([...path, 'http'], 'an HTTP check needs a port, and this service has none');
    }
    return { kind: 'http', path: options.http, port: options.port ?? portNames?.[0] ?? 'PORT', ...timing };
  }
  if (options.port !== undefined) {
    checkPortName(options.port, portNames, [...path, 'port'], problems);
    return { kind: 'port', port: options.port, ...timing };
  }
  templates.push({ path: [...path, 'command'], text: options.command! });
  return { kind: 'command', command: options.command!, ...timing };
}
