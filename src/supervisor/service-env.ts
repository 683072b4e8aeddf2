/**
 * The environment of a service's process. Precedence, low to high: the inherited environment,
 * the service's env files, its `env` (with `${service.PORT}` filled in), then Styxy's own:
 * `PORT` (its first port), each of its named ports, `STYXY_<SERVICE>_<PORT_NAME>` for every port
 * of the stack, `STYXY_STACK`, `STYXY_STACK_ID`, `STYXY_STACK_SLUG`, `STYXY_SERVICE`, `STYXY_PROJECT`,
 * `STYXY_TAG`.
 * The project's `node_modules/.bin` folders go first on PATH. Pure but for the folder checks.
 */
import { envName } from '../config/check-stack.js';
import type { StackPorts } from '../config/interpolate.js';
import type { ResolvedService } from '../config/types.js';
import { TAG_VARIABLE, tagValue } from '../os/tag.js';
import { binDirs, pathKey, prependPath } from './bin-path.js';
import { interpolateField } from './interpolate-field.js';

/** What Styxy adds for every service of a stack (`styxy env` prints it). */
export interface InjectedEnvContext {
  readonly stackName: string;
  readonly stackId: string;
  /** `stackSlug()` of protocol/stack-id.ts: unique to the stack, safe as an identifier. */
  readonly stackSlug: string;
  readonly project: string;
  /** Every port leased for the stack: service → port name → port. */
  readonly ports: StackPorts;
}

export interface EnvContext extends InjectedEnvContext {
  readonly runToken: string;
  /** The environment services inherit (Styxy's own, usually). */
  readonly inherited: Readonly<Record<string, string | undefined>>;
  /** For tests: whether a folder exists. */
  readonly exists?: (path: string) => boolean;
}

/** `STYXY_API_PORT` for service `api`, port `PORT` (`web-app` → `WEB_APP`, `worker#2` → `WORKER_2`). */
export function stackPortVariable(service: string, portName: string): string {
  return `STYXY_${envName(service)}_${portName}`;
}

/**
 * What Styxy puts in a service's environment on top of what it inherits, in precedence order:
 * its env files and `env` (references filled in), its ports, every port of the stack, and the
 * `STYXY_*` names of the stack. Neither `STYXY_TAG` nor PATH: those depend on the run.
 */
export function injectedEnv(service: ResolvedService, context: InjectedEnvContext): Record<string, string> {
  const env: Record<string, string> = {};
  // Env files and `env` arrive merged (later keys winning) in ResolvedService.env.
  for (const [key, value] of Object.entries(service.env)) {
    env[key] = interpolateField(value, context.ports, service.name, `env.${key}`);
  }
  const own = context.ports[service.name] ?? {};
  const first = Object.values(own)[0];
  if (first !== undefined) env.PORT = String(first);
  for (const [name, port] of Object.entries(own)) env[name] = String(port);
  for (const [other, ports] of Object.entries(context.ports)) {
    for (const [name, port] of Object.entries(ports)) {
      env[stackPortVariable(other, name)] = String(port);
      // A replicated service's first copy is also the service, as `${worker.PORT}` is.
      if (other.endsWith('#1')) env[stackPortVariable(other.slice(0, -2), name)] = String(port);
    }
  }
  env.STYXY_STACK = context.stackName;
  env.STYXY_STACK_ID = context.stackId;
  env.STYXY_STACK_SLUG = context.stackSlug;
  env.STYXY_SERVICE = service.name;
  env.STYXY_PROJECT = context.project;
  return env;
}

export function serviceEnv(service: ResolvedService, context: EnvContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(context.inherited)) if (value !== undefined) env[key] = value;
  Object.assign(env, injectedEnv(service, context));
  env[TAG_VARIABLE] = tagValue(context.runToken, service.name);
  const key = pathKey(env);
  env[key] = prependPath(binDirs(service.cwd, context.exists), env[key]);
  return env;
}
