/**
 * One service, field by field: each field is checked on its own (a bad field never hides problems
 * in the others) and falls back to its default, so the cross-service checks that follow still see
 * a whole service. The result is only used when no problem was found.
 */
import { resolve } from 'node:path';
import { checkKeys } from './check-keys.js';
import { describeValue, isPlainObject } from './describe-value.js';
import { setOwn } from './own-key.js';
import { portFlagFor } from './port-flags.js';
import type { FieldPath, Problems } from './problems.js';
import { resolveCommand } from './resolve-command.js';
import type { ResolveContext } from './resolve-context.js';
import { resolveDaemon, resolveStop } from './resolve-daemon.js';
import { resolveEnv } from './resolve-env.js';
import { resolveHealth } from './resolve-health.js';
import { DEFAULT_STDIN, resolveInput } from './resolve-input.js';
import { resolvePorts } from './resolve-ports.js';
import { resolveReady, type Template } from './resolve-ready.js';
import {
  DEFAULT_RESTART,
  DEFAULT_STOP_SIGNAL,
  DEFAULT_STOP_TIMEOUT_MS,
  resolveRestart,
  resolveStopSignal,
  resolveStopTimeout,
} from './resolve-restart.js';
import { resolveShared } from './resolve-shared.js';
import { resolveWatch } from './resolve-watch.js';
import {
  DEPENDENCY_CONDITIONS,
  DEPENDENCY_KEYS,
  dependencyCondition,
  dependencyOptions,
  MAX_REPLICAS,
  nonEmptyString,
  profiles as profilesSchema,
  replicas as replicasSchema,
  SERVICE_KEYS,
} from './schema.js';
import { quoteList } from './suggest.js';
import type { DependencyCondition, ResolvedCommand, ResolvedPortFlag, ResolvedService } from './types.js';
import { parseField } from './zod-problems.js';

export interface ServiceDraft {
  readonly service: ResolvedService;
  /** Null when `ports` is unusable: checks against this service's port names are skipped. */
  readonly portNames: readonly string[] | null;
  /** Strings that may hold `${service.PORT}` references, with where they were written. */
  readonly templates: readonly Template[];
  /** `replicas` as written (copies to run, each `name#N`), null when not written (one copy). */
  readonly replicas: number | null;
}

export function resolveService(
  name: string,
  raw: unknown,
  path: FieldPath,
  context: ResolveContext,
  problems: Problems,
): ServiceDraft {
  const templates: Template[] = [];
  if (!isPlainObject(raw)) {
    problems.add(path, `expected a service object { command, ports, … }, found ${describeValue(raw)}`);
    return { service: placeholder(name, context), portNames: null, templates, replicas: null };
  }
  checkKeys(raw, SERVICE_KEYS, path, problems);
  // Fields in the order they are usually written, so problems read top to bottom.
  const command = resolveCommand(raw.command, [...path, 'command'], problems, templates);
  const cwd = resolveCwd(raw.cwd, [...path, 'cwd'], context, problems);
  const { ports, names } = resolvePorts(raw.ports, [...path, 'ports'], context, problems);
  const { env, envFiles } = resolveEnv(raw.env, raw.envFile, names, path, context, problems, templates);
  const { dependsOn, restartsWith } = resolveDependsOn(raw.dependsOn, [...path, 'dependsOn'], problems);
  const shared = resolveShared(raw.shared, name, [...path, 'shared'], problems);
  const service: ResolvedService = {
    name,
    command,
    cwd,
    dependsOn,
    ports,
    env,
    ready: resolveReady(raw.ready, names, [...path, 'ready'], problems, templates),
    restart: resolveRestart(raw.restart, [...path, 'restart'], problems),
    health: resolveHealth(raw.health, names, [...path, 'health'], problems, templates),
    watch: resolveWatch(raw.watch, [...path, 'watch'], problems),
    restartsWith,
    envFiles,
    stopSignal: resolveStopSignal(raw.stopSignal, [...path, 'stopSignal'], problems),
    stopTimeoutMs: resolveStopTimeout(raw.stopTimeout, [...path, 'stopTimeout'], problems),
    ...resolveInput(raw.stdin, raw.tty, path, problems),
    stop: resolveStop(raw.stop, [...path, 'stop'], problems, templates),
    daemon: resolveDaemon(raw.daemon, [...path, 'daemon'], cwd, problems, templates),
    portFlag: resolvePortFlag(raw.portFlag, command, names, [...path, 'portFlag'], problems),
    ...(shared ? { shared } : {}),
    profiles:
      raw.profiles === undefined
        ? []
        : (parseField(profilesSchema, raw.profiles, [...path, 'profiles'], problems, 'a list of profile names') ?? []),
  };
  const replicas =
    raw.replicas === undefined
      ? null
      : parseField(
          replicasSchema,
          raw.replicas,
          [...path, 'replicas'],
          problems,
          `a whole number of copies, 1 to ${MAX_REPLICAS}`,
        );
  return { service, portNames: names, templates, replicas: replicas ?? null };
}

/** Stands in for a service that is not an object, so the checks across services can go on. */
function placeholder(name: string, context: ResolveContext): ResolvedService {
  return {
    name,
    command: { kind: 'shell', shell: '' },
    cwd: context.root,
    dependsOn: {},
    restartsWith: [],
    ports: {},
    env: {},
    ready: { kind: 'started' },
    health: null,
    watch: null,
    restart: DEFAULT_RESTART,
    envFiles: [],
    stopSignal: DEFAULT_STOP_SIGNAL,
    stopTimeoutMs: DEFAULT_STOP_TIMEOUT_MS,
    stdin: DEFAULT_STDIN,
    profiles: [],
    tty: false,
    stop: null,
    daemon: null,
    portFlag: null,
  };
}

/** The port flag for a dev server that ignores PORT (port-flags.ts), unless `portFlag: false` or it has no port. */
function resolvePortFlag(
  raw: unknown,
  command: ResolvedCommand,
  portNames: readonly string[] | null,
  path: FieldPath,
  problems: Problems,
): ResolvedPortFlag | null {
  if (raw !== undefined && typeof raw !== 'boolean') {
    problems.add(path, `expected true or false, found ${describeValue(raw)}`);
    return null;
  }
  if (raw === false || !portNames || portNames.length === 0) return null;
  return portFlagFor(command);
}

/** Relative to the project root; the folder must exist (a missing one fails only later, at spawn). */
export function resolveCwd(raw: unknown, path: FieldPath, context: ResolveContext, problems: Problems): string {
  if (raw === undefined) return context.root;
  const cwd = parseField(nonEmptyString, raw, path, problems, 'a folder, relative to the project root');
  if (cwd === undefined) return context.root;
  const absolute = resolve(context.root, cwd);
  if (!context.files.isDirectory(absolute)) problems.add(path, `folder "${cwd}" does not exist (${absolute})`);
  return absolute;
}

/**
 * A list waits for each to be ready; a map names the condition per dependency, or options
 * `{ condition, restart }`. Targets are checked later.
 */
export function resolveDependsOn(
  raw: unknown,
  path: FieldPath,
  problems: Problems,
): { dependsOn: Record<string, DependencyCondition>; restartsWith: string[] } {
  const dependsOn: Record<string, DependencyCondition> = {};
  const restartsWith: string[] = [];
  const result = { dependsOn, restartsWith };
  if (raw === undefined) return result;
  if (Array.isArray(raw)) {
    raw.forEach((target, index) => {
      if (typeof target === 'string' && target !== '') setOwn(dependsOn, target, 'ready');
      else problems.add([...path, index], `expected a service name, found ${describeValue(target)}`);
    });
    return result;
  }
  if (!isPlainObject(raw)) {
    problems.add(
      path,
      `expected a list of service names or an object of name → ${quoteList(DEPENDENCY_CONDITIONS)} or { condition, restart }, found ${describeValue(raw)}`,
    );
    return result;
  }
  for (const [target, value] of Object.entries(raw)) {
    const at = [...path, target];
    if (!isPlainObject(value)) {
      const parsed = parseField(dependencyCondition, value, at, problems);
      if (parsed) setOwn(dependsOn, target, parsed);
      continue;
    }
    checkKeys(value, DEPENDENCY_KEYS, at, problems);
    const options = parseField(dependencyOptions, value, at, problems);
    if (!options) continue;
    setOwn(dependsOn, target, options.condition ?? 'ready');
    if (options.restart === true) restartsWith.push(target);
  }
  return result;
}
